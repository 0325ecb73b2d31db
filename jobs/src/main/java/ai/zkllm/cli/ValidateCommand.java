package ai.zkllm.cli;

import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.jobs.ValidationConnectors;
import ai.zkllm.jobs.ValidationJob;
import ai.zkllm.jobs.ValidationJobConfig;
import ai.zkllm.jobs.validation.CanaryProber;
import ai.zkllm.jobs.validation.PlaintextReference;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.artifact.ShippedProgram;
import ai.zkllm.jobs.embedded.EmbeddedRuntime;
import ai.zkllm.program.io.TempDirs;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm validate}: the ValidationJob on a local Flink MiniCluster, plus the canary prober. */
@Command(name = "validate", description = {
    "Scores a brain's miners with encrypted canaries and bit-exact replays into Iceberg.",
    "Validates a brain's miners: sends canaries (each a session under fresh keys) to each miner's prompts",
    "topic <prefix>.<miner>, grades the decrypted answers against the plaintext model, replays a sample of the",
    "miners' receipts bit-exactly, and writes per-epoch scores and weights to the Iceberg table `scores`.",
    "Runs until interrupted; with --bounded, scores what the topics hold now (no canaries) and exits.",
    "See docs/validation.md."})
public final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Mixin
    private ValidationJobConfig cfg;

    @Option(names = "--model", paramLabel = "HASH", description = "Model hash or prefix (default: the shipped English model, else the only installed one).")
    private String model;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** The plaintext reference of a program, where one is installed. */
    static PlaintextReference reference(FheProgram program) {
        if (program instanceof ShippedProgram shipped) {
            return shipped.compiled().model()::logits;
        }
        throw new IllegalArgumentException("no plaintext reference installed for model " + program.modelHash()
                + "; run with --canary-rate 0 to only replay receipts");
    }

    @Override
    public Integer call() throws Exception {
        // The shipped model's state (replay joins of ~16 MB rounds) exceeds the 5 MB the JobManager (memory)
        // checkpoint storage allows: checkpoints go to a folder removed on exit, Ctrl-C included.
        Path state = TempDirs.create("zkllm-validate-");
        try {
            return validate(state);
        } finally {
            TempDirs.delete(state);
        }
    }

    private int validate(Path state) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Configuration conf = EmbeddedRuntime.localFileSystemState(new Configuration(), state);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism, conf);
        ValidationJob.build(env, cfg, new ServiceLoaderProgramRegistry(), ValidationConnectors.of(cfg));
        String topics = cfg.kafka.bootstrapServers + " (" + cfg.kafka.receiptsTopic + ", " + cfg.kafka.responsesTopic
                + ", " + cfg.promptsTopicPrefix + ".<miner>, " + cfg.canaryTopic() + ")";
        if (cfg.bounded) {
            err.printf("validating brain %d as validator %d: reading %s up to their current end, "
                    + "replaying %.1f%% of the receipts...%n", cfg.brain, cfg.validatorId, topics, 100 * cfg.replayFraction);
            err.flush();
            env.execute("zkllm-validation-" + cfg.validatorId);
            err.printf("scores of brain %d by validator %d in %s:%n", cfg.brain, cfg.validatorId, cfg.catalog.warehouse);
            for (String line : scored(cfg)) {
                err.println(line);
            }
            err.flush();
            spec.commandLine().getOut().println("scored: brain " + cfg.brain + ", validator " + cfg.validatorId
                    + ", warehouse " + cfg.catalog.warehouse);
            return 0;
        }
        FheProgram program = Programs.select(spec, model);
        PlaintextReference reference = cfg.canaryRatePerMinute > 0 ? reference(program) : null;
        JobClient job = env.executeAsync("zkllm-validation-" + cfg.validatorId);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> job.cancel()));
        err.printf("validating brain %d as validator %d: reading %s; scores written to the Iceberg table scores in %s "
                        + "on each checkpoint (every %d ms); runs until interrupted (Ctrl-C)%n", cfg.brain, cfg.validatorId,
                topics, cfg.catalog.warehouse, cfg.checkpointIntervalMs);
        ScheduledExecutorService progress = epochProgress(err);
        try {
            if (reference == null || cfg.miners.isEmpty()) {
                err.println(cfg.miners.isEmpty() ? "no canaries: no --miners given" : "no canaries: --canary-rate 0");
                err.flush();
                job.getJobExecutionResult().get();
                return 0;
            }
            probe(err, program, reference, job);
        } finally {
            progress.shutdownNow();
        }
        return 0;
    }

    /** A line on stderr for each epoch the job writes (or rewrites), checked every checkpoint interval. */
    private ScheduledExecutorService epochProgress(PrintWriter err) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "zkllm-validate-progress");
            t.setDaemon(true);
            return t;
        });
        Set<String> seen = new HashSet<>();
        try {
            seen.addAll(scored(cfg)); // already in the table: not this run's
        } catch (IOException e) {
            // the table is made by the job's first write
        }
        long every = Math.max(cfg.checkpointIntervalMs, 1_000);
        timer.scheduleWithFixedDelay(() -> {
            try {
                for (String line : scored(cfg)) {
                    if (line.startsWith("  epoch") && seen.add(line)) {
                        err.println("scored" + line.substring(1));
                        err.flush();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a table being committed: the next check
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return timer;
    }

    private void probe(PrintWriter err, FheProgram program, PlaintextReference reference, JobClient job)
            throws Exception {
        err.printf("canaries: %.1f per minute to each of miners %s (%d tokens each, model %s)%n",
                cfg.canaryRatePerMinute, String.join(", ", cfg.miners), cfg.canaryTokens,
                program.modelHash().substring(0, 16));
        err.flush();
        try (CanaryProber prober = new CanaryProber(cfg, program, reference, cfg.blobs.open())) {
            prober.run(cfg.miners, () -> job.getJobStatus().join().isGloballyTerminalState());
        }
    }

    /** The scores of this brain by this validator in the table now: a line per epoch (replaced ones included). */
    static List<String> scored(ValidationJobConfig cfg) throws IOException {
        Map<Long, int[]> epochs = new TreeMap<>(); // epoch -> {miners, flagged}
        Catalog catalog = cfg.catalog.network().open();
        try {
            NetworkTables.ensure(catalog);
            try (CloseableIterable<Record> rows = IcebergGenerics.read(NetworkTables.load(catalog, NetworkTables.SCORES))
                    .where(Expressions.and(Expressions.equal("brain", cfg.brain),
                            Expressions.equal("validator", cfg.validatorId)))
                    .build()) {
                for (Record r : rows) {
                    int[] tally = epochs.computeIfAbsent((Long) r.getField("epoch"), e -> new int[2]);
                    tally[0]++;
                    if (Boolean.TRUE.equals(r.getField("flagged_by_replay"))) {
                        tally[1]++;
                    }
                }
            }
        } finally {
            if (catalog instanceof Closeable c) {
                c.close();
            }
        }
        List<String> lines = new ArrayList<>();
        epochs.forEach((epoch, t) -> lines.add(String.format("  epoch %d: %d miner%s scored, %d flagged by replay",
                epoch, t[0], t[0] == 1 ? "" : "s", t[1])));
        if (lines.isEmpty()) {
            lines.add("  none: no epoch closed (no receipts or canaries of brain " + cfg.brain
                    + " in the topics, or their epochs are still open)");
        }
        return lines;
    }
}
