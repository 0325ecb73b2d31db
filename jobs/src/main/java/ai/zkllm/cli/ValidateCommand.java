package ai.zkllm.cli;

import ai.zkllm.jobs.ValidationConnectors;
import ai.zkllm.jobs.ValidationJob;
import ai.zkllm.jobs.ValidationJobConfig;
import ai.zkllm.jobs.validation.CanaryProber;
import ai.zkllm.jobs.validation.PlaintextReference;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.artifact.ShippedProgram;
import java.util.concurrent.Callable;
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cfg.parallelism, new Configuration());
        ValidationJob.build(env, cfg, new ServiceLoaderProgramRegistry(), ValidationConnectors.of(cfg));
        if (cfg.bounded) {
            env.execute("zkllm-validation-" + cfg.validatorId);
            spec.commandLine().getOut().println("scored: brain " + cfg.brain + ", validator " + cfg.validatorId
                    + ", warehouse " + cfg.catalog.warehouse);
            return 0;
        }
        FheProgram program = Programs.select(spec, model);
        PlaintextReference reference = cfg.canaryRatePerMinute > 0 ? reference(program) : null;
        JobClient job = env.executeAsync("zkllm-validation-" + cfg.validatorId);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> job.cancel()));
        if (reference == null || cfg.miners.isEmpty()) {
            job.getJobExecutionResult().get();
            return 0;
        }
        try (CanaryProber prober = new CanaryProber(cfg, program, reference, cfg.blobs.open())) {
            prober.run(cfg.miners, () -> job.getJobStatus().join().isGloballyTerminalState());
        }
        return 0;
    }
}
