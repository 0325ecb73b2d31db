package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.operators.inference.OutRecord;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure inside the receipts sink (the exactly-once one) at commit: after a checkpoint completed,
 * the committer of its Kafka transaction throws once ({@link FailingCommitSink}). The job restarts
 * from that checkpoint and must commit the transaction it holds, neither dropping nor repeating
 * those receipts; responses written since the checkpoint may be written again.
 */
class SinkCommitFailureTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedCommitIsCommittedAfterTheRestartAndNoReceiptIsLostOrRepeated() throws Exception {
        FailingCommitSink.ARMED.set(false);
        FailingCommitSink.FAILED.set(false);
        UnaryOperator<InferenceConnectors> failingReceipts = io -> new InferenceConnectors(io.prompts(),
                io.responses(), new FailingCommitSink<>((KafkaSink<OutRecord>) io.receipts()), io.deadLetters());
        try (FaultRig rig = new FaultRig(tmp, failingReceipts)) {
            rig.startGenerations();
            rig.awaitFirstToken();
            // Armed mid-generation: the next commit with receipts in it fails.
            FailingCommitSink.ARMED.set(true);
            rig.awaitGenerations();
            assertTrue(FailingCommitSink.FAILED.get(), "the injected commit failure happened");
            assertTrue(rig.jobFailed(), "the commit failure did not fail the job");
            System.out.printf("fault sink commit: recovery %.2f s (fault to first response after it)%n",
                    rig.recoverySeconds(FailingCommitSink.failedAtNanos));
            rig.assertEveryPromptAnswered();
        }
    }
}
