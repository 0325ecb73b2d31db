package ai.zkllm.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The state folder of a local network started by {@code zkllm up}, and how the other commands find
 * it. The folder holds {@code network.json} (written by the network process once every job runs:
 * pid, broker, warehouse, blob store, log, brain, miners, jobs), {@code jobs.json} (the jobs' states,
 * rewritten every {@value #JOB_STATES_EVERY_MS} ms), {@code logs/network.log}, the warehouse, the blobs,
 * the broker log and the checkpoints.
 * <p>
 * The default folder is {@code $ZKLLM_STATE_DIR}, else {@code $XDG_STATE_HOME/zkllm/network}, else
 * {@code ~/.local/state/zkllm/network}. While a network is up there, its broker, warehouse, blob store
 * and first miner's prompts topic are the defaults of every command's {@code --bootstrap-servers},
 * {@code --warehouse}, {@code --blob-store} and {@code --prompts-topic} ({@link #defaults}); a flag
 * given on the command line wins.
 */
public final class LocalNetwork {
    static final String STATE_FILE = "network.json";
    static final String JOBS_FILE = "jobs.json";
    /** Written by {@code zkllm up} when it makes the folder: {@code zkllm down} removes only folders that have it. */
    static final String MARKER = ".zkllm-network";
    static final long JOB_STATES_EVERY_MS = 2_000;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A job of the network, and its state where known. */
    public record Job(String name, String id, String state) {}

    /** {@code network.json}. */
    public record State(long pid, String stateDir, String started, String bootstrapServers, String flinkRest,
                        String warehouse, String blobStore, String log, int brain, long validator, List<Long> miners,
                        List<String> promptsTopics, List<Job> jobs) {}

    /** {@code jobs.json}: the states as of {@code updatedMs}. */
    public record JobStates(long updatedMs, List<Job> jobs) {}

    private final Path dir;

    private LocalNetwork(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public static LocalNetwork at(Path dir) {
        return new LocalNetwork(dir);
    }

    /** {@code $ZKLLM_STATE_DIR}, else {@code $XDG_STATE_HOME/zkllm/network}, else {@code ~/.local/state/zkllm/network}. */
    public static Path defaultStateDir() {
        String explicit = System.getenv("ZKLLM_STATE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("zkllm").resolve("network");
    }

    public Path dir() {
        return dir;
    }

    Path stateFile() {
        return dir.resolve(STATE_FILE);
    }

    Path jobsFile() {
        return dir.resolve(JOBS_FILE);
    }

    public Path log() {
        return dir.resolve("logs").resolve("network.log");
    }

    /** Whether {@code zkllm up} made this folder: only then does {@code zkllm down} remove it. */
    boolean isOurs() {
        return Files.exists(dir.resolve(MARKER));
    }

    /** Marks the folder as a network's, naming the process that runs it (also while it starts). */
    void mark(long pid) throws IOException {
        Files.writeString(dir.resolve(MARKER), pid + "\n");
    }

    /**
     * The network process of this folder, if one is alive: the pid in {@code network.json}, else the one
     * {@code zkllm up} started (still starting, or failed to write its state). A pid that another program
     * has since been given is not taken for the network's.
     */
    Optional<ProcessHandle> process() {
        List<Long> pids = new java.util.ArrayList<>();
        state().ifPresent(s -> pids.add(s.pid()));
        try {
            pids.add(Long.parseLong(Files.readString(dir.resolve(MARKER)).trim()));
        } catch (IOException | NumberFormatException e) {
            // no marker, or an empty one
        }
        return pids.stream().map(ProcessHandle::of).flatMap(Optional::stream)
                .filter(ProcessHandle::isAlive)
                .filter(LocalNetwork::isNetworkProcess)
                .findFirst();
    }

    /** Whether {@code process} runs {@link NetworkProcess}: from /proc where there is one (ProcessHandle.Info cuts long command lines), else a java. */
    private static boolean isNetworkProcess(ProcessHandle process) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(cmdline, java.nio.charset.StandardCharsets.UTF_8).contains(NetworkProcess.class.getName());
        } catch (IOException | RuntimeException e) {
            return process.info().command().map(c -> c.endsWith("java")).orElse(true);
        }
    }

    /** {@code network.json}, if there is one (its process may be gone: see {@link #running()}). */
    Optional<State> state() {
        try {
            return Optional.of(JSON.readValue(stateFile().toFile(), State.class));
        } catch (IOException e) {
            return Optional.empty(); // absent, or being replaced
        }
    }

    /** The network, if its process is alive and has written its state (every job ran). */
    Optional<State> running() {
        return state().filter(s -> process().map(h -> h.pid() == s.pid()).orElse(false));
    }

    Optional<JobStates> jobStates() {
        try {
            return Optional.of(JSON.readValue(jobsFile().toFile(), JobStates.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether something accepts connections at the first of {@code bootstrapServers} within two seconds. */
    static boolean reachable(String bootstrapServers) {
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))),
                    2000);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    void write(State state) throws IOException {
        writeAtomically(stateFile(), JSON.writeValueAsString(state));
    }

    void write(JobStates states) throws IOException {
        writeAtomically(jobsFile(), JSON.writeValueAsString(states));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static com.fasterxml.jackson.databind.node.ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** {@code value} as a JSON tree (an object for a record, an array for a list), to add fields to. */
    static <T extends com.fasterxml.jackson.databind.JsonNode> T tree(Object value) {
        return JSON.valueToTree(value);
    }

    private void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, text + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The defaults of the options that say where the network is: {@code --state-dir} is {@code stateDir};
     * while a network is up there, {@code --bootstrap-servers}, {@code --warehouse}, {@code --blob-store}
     * and {@code --prompts-topic} are its own. Otherwise (null) each option keeps its own default.
     */
    static IDefaultValueProvider defaults(Path stateDir) {
        LocalNetwork network = at(stateDir);
        return new IDefaultValueProvider() {
            private Optional<State> running;

            @Override
            public String defaultValue(ArgSpec arg) {
                if (!(arg instanceof OptionSpec option)) {
                    return null;
                }
                String name = option.longestName();
                if (name.equals("--state-dir")) {
                    return network.dir().toString();
                }
                if (!List.of("--bootstrap-servers", "--warehouse", "--blob-store", "--prompts-topic").contains(name)) {
                    return null;
                }
                if (running == null) {
                    running = network.running();
                }
                return running.map(s -> switch (name) {
                    case "--bootstrap-servers" -> s.bootstrapServers();
                    case "--warehouse" -> s.warehouse();
                    case "--blob-store" -> s.blobStore();
                    default -> s.promptsTopics().get(0);
                }).orElse(null);
            }
        };
    }
}
