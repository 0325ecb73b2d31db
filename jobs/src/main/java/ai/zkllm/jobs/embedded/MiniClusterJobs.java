package ai.zkllm.jobs.embedded;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** Submitting the embedded jobs to a MiniCluster, and waiting until they take records. */
final class MiniClusterJobs {
    /** How long the embedded jobs get to run, their warm-up included. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private MiniClusterJobs() {}

    /** Submits what {@code env} was built with, named {@code name}. */
    static JobID submit(MiniCluster cluster, String name, StreamExecutionEnvironment env) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return cluster.submitJob(graph.getJobGraph(Thread.currentThread().getContextClassLoader()))
                .get(60, TimeUnit.SECONDS).getJobID();
    }

    /**
     * Returns once every job is RUNNING and so is each of its tasks (or it has finished). A task turns
     * RUNNING only after its operators have opened, the inference operator's warm-up included, so a
     * record sent after this waits for neither a deployment nor a warm-up. Throws when a job fails.
     */
    static void awaitReady(MiniCluster cluster, Map<JobID, String> jobs) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            List<String> waiting = new ArrayList<>();
            for (var job : jobs.entrySet()) {
                String state = waitingFor(cluster, job.getKey(), job.getValue());
                if (state != null) {
                    waiting.add(job.getValue() + " " + state);
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("jobs not running after " + READY_TIMEOUT.toSeconds() + " s: " + waiting);
            }
            Thread.sleep(100);
        }
    }

    /** What a job still waits for, null when it and its tasks run. */
    private static String waitingFor(MiniCluster cluster, JobID id, String name) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(id).get(10, TimeUnit.SECONDS);
        JobStatus status = graph.getState();
        if (status.isGloballyTerminalState() || status == JobStatus.FAILING) {
            throw new IOException("job " + name + " is " + status + failure(cluster, id));
        }
        if (status != JobStatus.RUNNING) {
            return status.toString();
        }
        int tasks = 0;
        int starting = 0;
        for (AccessExecutionVertex task : graph.getAllExecutionVertices()) {
            tasks++;
            ExecutionState state = task.getExecutionState();
            if (state != ExecutionState.RUNNING && state != ExecutionState.FINISHED) {
                starting++;
            }
        }
        return starting == 0 ? null : starting + " of " + tasks + " tasks starting";
    }

    private static String failure(MiniCluster cluster, JobID id) {
        try {
            var result = cluster.requestJobResult(id).get(10, TimeUnit.SECONDS);
            return result.getSerializedThrowable().map(t -> ": " + t.getFullStringifiedStackTrace().lines()
                    .findFirst().orElse("")).orElse("");
        } catch (Exception e) {
            return "";
        }
    }
}
