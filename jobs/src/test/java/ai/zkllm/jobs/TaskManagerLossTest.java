package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager lost while prompts are in flight: one of the MiniCluster's two TaskManagers is
 * terminated mid-generation; the job restarts from its last checkpoint on the other one (two slots,
 * enough for parallelism 2): the clients still get every answer (at least once, the copies alike)
 * and every round has exactly one receipt.
 */
class TaskManagerLossTest {
    @TempDir
    Path tmp;

    @Test
    void theJobMovesToTheOtherTaskManagerAndAnswersEveryPrompt() throws Exception {
        try (FaultRig rig = new FaultRig(tmp, io -> io)) {
            rig.startGenerations();
            rig.awaitFirstToken();
            long fault = System.nanoTime();
            rig.flink.terminateTaskManager(0).get();
            System.out.printf("fault TaskManager lost: recovery %.2f s (fault to first response after it)%n",
                    rig.recoverySeconds(fault));
            rig.awaitGenerations();
            assertTrue(rig.jobFailed(), "losing the TaskManager did not fail the job");
            rig.assertEveryPromptAnswered();
        }
    }
}
