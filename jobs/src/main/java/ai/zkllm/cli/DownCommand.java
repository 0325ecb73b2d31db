package ai.zkllm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm down}: stops the local network and removes its state folder. */
@Command(name = "down", description = {
    "Stops the local network (`zkllm up`) and removes its state folder.",
    "Sends the network process SIGTERM (it cancels the jobs, stops the broker and deletes the broker log, checkpoints",
    "and blobs), kills it after --timeout-s, then deletes the state folder with the warehouse and the logs, and says",
    "what it removed. Only a folder made by `zkllm up` is removed. With nothing up there, says so (exit code 0)."})
public final class DownCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Mixin
    private StateDirOption stateDir;

    @Option(names = "--timeout-s", description = "Seconds to wait after SIGTERM before killing (default: ${DEFAULT-VALUE}).")
    private long timeoutSeconds = 60;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        LocalNetwork network = stateDir.network();
        Path dir = network.dir();
        PrintWriter out = spec.commandLine().getOut();
        Optional<ProcessHandle> process = network.process();
        if (process.isEmpty() && !network.isOurs()) {
            out.println("no network is up in " + dir + "; nothing to stop or remove");
            out.flush();
            return 0;
        }
        if (process.isPresent()) {
            ProcessHandle p = process.get();
            long start = System.nanoTime();
            p.destroy(); // SIGTERM: the network's shutdown hook cleans up
            String how = "SIGTERM";
            try {
                p.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                p.destroyForcibly();
                p.onExit().get(30, TimeUnit.SECONDS);
                how = "SIGTERM, then SIGKILL after " + timeoutSeconds + " s";
            }
            out.printf("stopped the network (pid %d, %s) in %.1f s%s%n", p.pid(), how, (System.nanoTime() - start) / 1e9,
                    how.equals("SIGTERM") ? "; it deleted its broker log, checkpoints and blobs" : "");
        } else {
            out.println("no network process runs in " + dir);
        }
        if (!network.isOurs()) {
            out.println("left " + dir + " alone: it was not made by `zkllm up`");
            out.flush();
            return 0;
        }
        List<String> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().forEach(entries::add);
        }
        long bytes = size(dir);
        delete(dir);
        out.printf("removed %s (%s: %s)%n", dir, ProgressPrinter.bytes(bytes), String.join(", ", entries));
        out.flush();
        return 0;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
