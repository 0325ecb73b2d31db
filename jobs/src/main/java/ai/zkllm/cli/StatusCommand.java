package ai.zkllm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm status}: what the local network of a state folder runs. */
@Command(name = "status", description = {
    "Shows whether a local network (`zkllm up`) runs, its broker, and each job's state.",
    "Exit code 0 when it is up (its process alive, the broker reachable, every job RUNNING), 3 when no network",
    "is up in the state folder, 4 when it is up but the broker does not answer or a job is not RUNNING.",
    "With --json, stdout is one JSON object: up, broker_reachable, job_states_age_ms and network.json's fields."})
public final class StatusCommand implements Callable<Integer> {
    static final int NOT_UP = 3;
    static final int DEGRADED = 4;
    /** Job states older than this are reported as unknown: the network process no longer writes them. */
    private static final Duration STALE = Duration.ofSeconds(15);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Mixin
    private StateDirOption stateDir;

    @Option(names = "--json", description = "Print one JSON object and nothing else.")
    private boolean json;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        LocalNetwork network = stateDir.network();
        PrintWriter out = spec.commandLine().getOut();
        Optional<LocalNetwork.State> state = network.running();
        if (state.isEmpty()) {
            Optional<ProcessHandle> starting = network.process();
            String why = starting.isPresent() ? "it is starting (pid " + starting.get().pid() + "; log " + network.log() + ")"
                    : network.state().isPresent() ? "its process (pid " + network.state().get().pid() + ") is gone; see "
                            + network.log() + ", and `zkllm down" + UpCommand.dirFlag(spec, network.dir()) + "` removes its folder"
                    : "`zkllm up" + UpCommand.dirFlag(spec, network.dir()) + "` starts one";
            if (json) {
                ObjectNode report = LocalNetwork.object();
                report.put("up", false).put("state_dir", network.dir().toString()).put("reason", why);
                out.println(report.toPrettyString());
            } else {
                out.println("no network is up in " + network.dir() + ": " + why);
            }
            out.flush();
            return NOT_UP;
        }
        LocalNetwork.State s = state.get();
        boolean reachable = LocalNetwork.reachable(s.bootstrapServers());
        Optional<LocalNetwork.JobStates> read = network.jobStates();
        long age = read.map(j -> System.currentTimeMillis() - j.updatedMs()).orElse(-1L);
        boolean fresh = read.isPresent() && age <= STALE.toMillis();
        List<LocalNetwork.Job> jobs = fresh ? read.get().jobs()
                : s.jobs().stream().map(j -> new LocalNetwork.Job(j.name(), j.id(), "UNKNOWN")).toList();
        boolean allRunning = jobs.stream().allMatch(j -> "RUNNING".equals(j.state()));
        if (json) {
            ObjectNode report = LocalNetwork.tree(s);
            report.put("up", true).put("broker_reachable", reachable).put("job_states_age_ms", age);
            report.set("jobs", LocalNetwork.<com.fasterxml.jackson.databind.JsonNode>tree(jobs));
            out.println(report.toPrettyString());
        } else {
            out.printf("network up in %s (pid %d, since %s)%n", s.stateDir(), s.pid(), s.started());
            out.printf("  broker     %s (%s)%n", s.bootstrapServers(), reachable ? "reachable" : "NOT REACHABLE");
            out.printf("  flink      %s (REST)%n", s.flinkRest());
            out.printf("  brain      %d: validator %d, miners %s%n", s.brain(), s.validator(), s.miners());
            out.printf("  warehouse  %s%n", s.warehouse());
            out.printf("  logs       %s%n", s.log());
            out.printf("  jobs       %s%n", fresh ? "(as of " + age + " ms ago)" : "(states unknown: none written for "
                    + (age < 0 ? "ever" : age / 1000 + " s") + ")");
            int width = jobs.stream().mapToInt(j -> j.name().length()).max().orElse(0);
            for (LocalNetwork.Job j : jobs) {
                out.printf("    %-" + width + "s  %s%n", j.name(), j.state());
            }
        }
        out.flush();
        return reachable && allRunning ? 0 : DEGRADED;
    }
}
