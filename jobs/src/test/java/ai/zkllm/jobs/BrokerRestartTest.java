package ai.zkllm.jobs;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker restarted while prompts are in flight: it is stopped for a few seconds (open
 * transactions, fetches and produces all fail meanwhile) and started again on the same ports and
 * log. The job and the clients ride it out: every prompt is answered (at least once, the copies
 * alike) and has exactly one receipt.
 */
class BrokerRestartTest {
    @TempDir
    Path tmp;

    @Test
    void theJobAndTheClientsRideOutABrokerRestart() throws Exception {
        try (FaultRig rig = new FaultRig(tmp, io -> io)) {
            rig.startGenerations();
            rig.awaitFirstToken();
            rig.kafka.kafka().stop();
            // From the moment the broker is down: while it shuts down it still delivers commits.
            long fault = System.nanoTime();
            // Down long enough for the job's checkpoint (a transaction commit) to fail at least once.
            Thread.sleep(3000);
            rig.kafka.kafka().restart();
            System.out.printf("fault broker restart (down 3 s): recovery %.2f s (fault to first response after it)%n",
                    rig.recoverySeconds(fault));
            rig.awaitGenerations();
            System.out.println("broker restart: the job " + (rig.jobFailed() ? "failed and restarted" : "did not fail"));
            rig.assertEveryPromptAnswered();
        }
    }
}
