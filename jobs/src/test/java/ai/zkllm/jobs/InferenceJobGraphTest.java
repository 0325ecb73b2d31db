package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.program.ServiceLoaderProgramRegistry;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobEdge;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The InferenceJob's shape: how many tasks and hash exchanges a prompt crosses (no broker needed to build it). */
class InferenceJobGraphTest {

    @Test
    void onePromptCrossesOneHashExchange() {
        InferenceJobConfig cfg = new InferenceJobConfig();
        cfg.parallelism = 2;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        InferenceJob.build(env, cfg, new ServiceLoaderProgramRegistry(), InferenceConnectors.kafka(cfg));
        JobGraph graph = env.getStreamGraph().getJobGraph();
        List<JobVertex> tasks = List.of(graph.getVerticesAsArray());
        List<String> hash = tasks.stream().flatMap(v -> v.getInputs().stream())
                .map(JobEdge::getShipStrategyName).filter("HASH"::equals).toList();
        tasks.forEach(v -> System.out.println("task: " + v.getName()));
        System.out.printf("%d tasks, %d hash exchanges%n", tasks.size(), hash.size());
        assertEquals(1, hash.size(), "hash exchanges");
    }
}
