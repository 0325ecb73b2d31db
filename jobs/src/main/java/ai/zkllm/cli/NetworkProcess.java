package ai.zkllm.cli;

import ai.zkllm.jobs.embedded.EmbeddedNetwork;
import ai.zkllm.operators.inference.WarmUpSelection;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

/**
 * The background process of {@code zkllm up} (not a command: {@link UpCommand} starts it as
 * {@code java ... ai.zkllm.cli.NetworkProcess STATE_DIR BRAIN MINERS}, its output going to the
 * network log). Starts an {@link EmbeddedNetwork} in the state folder, writes {@code network.json}
 * once every job runs, then the jobs' states every two seconds. On SIGTERM a shutdown hook stops
 * the network, which deletes the broker log, the checkpoints and the blobs, and removes the state
 * files; the warehouse and the log stay for {@code zkllm down} to remove.
 */
public final class NetworkProcess {
    /** Validator id of the local network's one validator. */
    static final long VALIDATOR = 1;

    private NetworkProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int brain = Integer.parseInt(args[1]);
        int miners = Integer.parseInt(args[2]);
        WarmUpSelection warmUp = WarmUpSelection.parse(args[3]);
        LocalNetwork local = LocalNetwork.at(dir);
        log("starting: brain " + brain + ", " + miners + " miner(s), state folder " + local.dir());
        EmbeddedNetwork.Members members = new EmbeddedNetwork.Members(brain, VALIDATOR,
                LongStream.rangeClosed(1, miners).boxed().toList());
        EmbeddedNetwork network;
        try {
            network = EmbeddedNetwork.start(local.dir(), members, new ServiceLoaderProgramRegistry(), warmUp,
                    NetworkProcess::log);
        } catch (Exception e) {
            log("failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Object files = new Object(); // the state files are written by the loop below, deleted by the hook
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("stopping (signal): cancelling the jobs, stopping the MiniCluster and the broker");
            synchronized (files) {
                stopping.set(true);
                try {
                    Files.deleteIfExists(local.stateFile());
                    Files.deleteIfExists(local.jobsFile());
                } catch (Exception ignored) {
                    // the folder may be gone already
                }
            }
            network.close();
            log("stopped; deleted the broker log, the checkpoints and the blobs");
        }, "zkllm-network-shutdown"));

        List<LocalNetwork.Job> jobs = new ArrayList<>();
        network.jobs().forEach(j -> jobs.add(new LocalNetwork.Job(j.name(), j.id().toHexString(), null)));
        LocalNetwork.State state = new LocalNetwork.State(ProcessHandle.current().pid(), local.dir().toString(),
                Instant.now().toString(), network.bootstrapServers(), network.restAddress().toString(),
                EmbeddedNetwork.warehouse(local.dir()).toString(), EmbeddedNetwork.blobs(local.dir()).toString(),
                local.log().toString(), brain, VALIDATOR, members.miners(),
                members.miners().stream().map(EmbeddedNetwork::promptsTopic).toList(), jobs);
        synchronized (files) {
            if (!stopping.get()) {
                local.write(state);
            }
        }
        log("up: broker " + network.bootstrapServers() + ", Flink REST " + network.restAddress());
        while (!stopping.get()) {
            try {
                List<LocalNetwork.Job> states = new ArrayList<>();
                network.states().forEach((j, s) -> states.add(new LocalNetwork.Job(j.name(), j.id().toHexString(),
                        s.name())));
                synchronized (files) {
                    if (!stopping.get()) {
                        local.write(new LocalNetwork.JobStates(System.currentTimeMillis(), states));
                    }
                }
            } catch (Exception e) {
                if (!stopping.get()) {
                    log("could not read the jobs' states: " + e);
                }
            }
            Thread.sleep(LocalNetwork.JOB_STATES_EVERY_MS);
        }
    }

    private static void log(String line) {
        System.err.println(Instant.now() + " zkllm network: " + line);
        System.err.flush();
    }
}
