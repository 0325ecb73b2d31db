package ai.zkllm.cli;

import ai.zkllm.jobs.PositiveInt;
import ai.zkllm.jobs.WarmUpModels;
import ai.zkllm.jobs.embedded.EmbeddedNetwork;
import ai.zkllm.operators.inference.WarmUpSelection;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code zkllm up}: a local network in a background process ({@link NetworkProcess}). */
@Command(name = "up", description = {
    "Starts a local network in the background and returns once it runs.",
    "One background JVM runs the embedded KRaft broker on 127.0.0.1 and a Flink MiniCluster with an InferenceJob per",
    "miner (brain 1, miners 1..N; miner m reads zkllm.prompts.m), the ValidationJob of validator 1 and the RegistryJob;",
    "validator 1 (1000 tokens) and the miners are registered at the start. Its files (Iceberg warehouse, blobs, broker",
    "log, checkpoints, logs/network.log, network.json) live in the state folder. While it is up, chat, validate,",
    "registry, settle-epoch and sql use its broker, warehouse and blob store unless given flags for them.",
    "The default state folder is $ZKLLM_STATE_DIR, else $XDG_STATE_HOME/zkllm/network, else ~/.local/state/zkllm/network.",
    "Exit code 2 when a network is already up there."})
public final class UpCommand implements Callable<Integer> {
    /** The JVM flags Flink needs on Java 17 (as the launcher and the tests pass them). */
    static final List<String> JVM_OPENS = Stream.of("java.lang", "java.util", "java.nio", "sun.nio.ch", "java.lang.reflect",
                    "java.io", "java.net", "java.text", "java.time", "java.util.concurrent", "java.util.concurrent.atomic")
            .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED").toList();
    private static final int BRAIN = 1;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Mixin
    private StateDirOption stateDir;

    @Option(names = "--miners", converter = PositiveInt.class, paramLabel = "N",
            description = "Miners of the brain, ids 1..N, an InferenceJob each (default: ${DEFAULT-VALUE}).")
    private int miners = 1;

    @Option(names = "--warm-up", converter = WarmUpModels.class, paramLabel = "all|none|HASH[,HASH...]",
            description = "Programs each miner runs one token of before it takes prompts (default: ${DEFAULT-VALUE}).")
    private WarmUpSelection warmUp = WarmUpSelection.ALL;

    @Option(names = "--timeout-s", description = "Give up when the network does not run after this long (default: ${DEFAULT-VALUE}).")
    private long timeoutSeconds = 300;

    @Option(names = "--json", description = "Print network.json (pid, broker, warehouse, log, brain, miners, jobs) and nothing else.")
    private boolean json;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LocalNetwork network = stateDir.network();
        Path dir = network.dir();
        Optional<ProcessHandle> running = network.process();
        if (running.isPresent()) {
            throw new UsageException("a network is already up in " + dir + " (pid " + running.get().pid()
                    + "); `zkllm status" + dirFlag(spec, dir) + "` shows it, `zkllm down" + dirFlag(spec, dir) + "` stops it");
        }
        if (Files.isDirectory(dir) && !network.isOurs() && !isEmpty(dir)) {
            throw new UsageException(dir + " is not empty and was not made by `zkllm up`; pick another --state-dir");
        }
        Files.createDirectories(network.log().getParent());
        Files.deleteIfExists(network.stateFile()); // a network that died without its shutdown hook
        Files.deleteIfExists(network.jobsFile());

        Process process = new ProcessBuilder(command(dir, miners, warmUp))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(network.log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        network.mark(process.pid());
        // interrupted while it starts (Ctrl-C): no half-started network is left behind
        Thread abandon = new Thread(process::destroy);
        Runtime.getRuntime().addShutdownHook(abandon);
        PrintWriter err = spec.commandLine().getErr();
        if (!json) {
            err.println("starting the network in the background (pid " + process.pid() + ", log " + network.log() + ")...");
            err.flush();
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        Optional<LocalNetwork.State> state;
        while ((state = network.running()).isEmpty()) {
            if (!process.isAlive()) {
                Runtime.getRuntime().removeShutdownHook(abandon);
                return failed(network, "the network process exited with code " + process.exitValue());
            }
            if (System.nanoTime() > deadline) {
                process.destroy();
                Runtime.getRuntime().removeShutdownHook(abandon);
                return failed(network, "the network did not run within " + timeoutSeconds + " s; stopped it");
            }
            Thread.sleep(250);
        }
        Runtime.getRuntime().removeShutdownHook(abandon);
        print(state.get(), dir);
        return 0;
    }

    private void print(LocalNetwork.State s, Path dir) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(LocalNetwork.json(s));
            out.flush();
            return;
        }
        out.printf("network up in %s (pid %d)%n", s.stateDir(), s.pid());
        out.printf("  broker     %s%n", s.bootstrapServers());
        out.printf("  flink      %s (REST)%n", s.flinkRest());
        List<String> miners = new ArrayList<>();
        for (int i = 0; i < s.miners().size(); i++) {
            miners.add(s.miners().get(i) + " (reads " + s.promptsTopics().get(i) + ")");
        }
        out.printf("  brain      %d: validator %d (%s tokens staked), miner%s %s%n", s.brain(), s.validator(),
                EmbeddedNetwork.VALIDATOR_STAKE.divide(java.math.BigInteger.TEN.pow(18)), miners.size() > 1 ? "s" : "",
                String.join(", ", miners));
        out.printf("  jobs       %s: RUNNING%n", String.join(", ", s.jobs().stream().map(LocalNetwork.Job::name).toList()));
        out.printf("  warehouse  %s%n", s.warehouse());
        out.printf("  blobs      %s%n", s.blobStore());
        out.printf("  logs       %s%n", s.log());
        boolean found = dirFlag(spec, dir).isEmpty();
        out.println(found ? "chat, validate, registry, settle-epoch and sql use it without flags;"
                        + " `zkllm status` shows it, `zkllm down` stops it and removes " + dir
                : "export ZKLLM_STATE_DIR=" + dir + " for chat, validate, registry, settle-epoch, sql, status and down"
                        + " to find it");
        out.flush();
    }

    private int failed(LocalNetwork network, String why) throws IOException {
        List<String> log = Files.exists(network.log()) ? Files.readAllLines(network.log()) : List.of();
        String last = log.stream().filter(l -> l.contains("zkllm network: failed")).reduce((a, b) -> b)
                .orElse(log.isEmpty() ? "" : log.get(log.size() - 1));
        PrintWriter err = spec.commandLine().getErr();
        err.println("zkllm up: " + why + (last.isBlank() ? "" : ": " + last.strip()) + " (see " + network.log() + ")");
        err.flush();
        return Zkllm.INTERNAL;
    }

    /**
     * The miner's heap is touched once at start rather than page by page while it answers: on a fresh VM a first
     * touch costs ~7 us a page, and a heap grown inside the first prompt added 2-3 s to the first token. 2 GiB, or
     * this JVM's maximum heap (the same -Xmx goes to the child) where that is less, since -Xms above -Xmx stops a
     * JVM. Unlike the demo's fixed 2 GiB (the launcher's), the maximum stays the JVM's default: this process caches
     * several sessions' evaluation keys. This JVM's own -Xm and -XX flags come after and win.
     */
    static List<String> servingHeap() {
        long initial = Math.min(2L << 30, Runtime.getRuntime().maxMemory());
        return List.of("-Xms" + (initial >> 20) + "m", "-XX:+AlwaysPreTouch");
    }

    /** java, the serving heap, the JVM flags Flink needs (and this JVM's heap, -XX and -D settings), this class path, the process's main. */
    private static List<String> command(Path dir, int miners, WarmUpSelection warmUp) {
        List<String> cmd = new ArrayList<>();
        // its own session: a terminal's Ctrl-C or hangup after `up` returned does not reach it
        for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(setsid))) {
                cmd.add(setsid);
                break;
            }
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(servingHeap());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Xm") || arg.startsWith("-XX:") || arg.startsWith("-D") || arg.startsWith("--add-opens=")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(JVM_OPENS);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NetworkProcess.class.getName());
        cmd.add(dir.toString());
        cmd.add(Integer.toString(BRAIN));
        cmd.add(Integer.toString(miners));
        cmd.add(warmUp.toString());
        return cmd;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** The --state-dir flag that names {@code dir}, or nothing where the command was not given one (the default). */
    static String dirFlag(CommandLine.Model.CommandSpec spec, Path dir) {
        return spec.commandLine().getParseResult().hasMatchedOption("--state-dir") ? " --state-dir " + dir : "";
    }
}
