package ai.zkllm.operators.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.DeadLetterReason;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class RequestDeduplicatorTest {

    static KeyedOneInputStreamOperatorTestHarness<String, PromptEnvelope, PromptEnvelope> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new RequestDeduplicator(Duration.ofMinutes(10)),
                e -> e.sessionId, Types.STRING);
    }

    static PromptEnvelope prompt(String id, long offset) {
        return prompt("s", id, offset);
    }

    static PromptEnvelope prompt(String session, String id, long offset) {
        PromptEnvelope e = PromptEnvelope.of("prompts", 0, offset, 0, id.getBytes());
        e.requestId = id;
        e.sessionId = session;
        return e;
    }

    @Test
    void secondCopyOfARequestIdIsADeadLetter() throws Exception {
        var h = harness();
        h.processElement(prompt("a", 1), 0);
        h.processElement(prompt("b", 2), 0);
        h.processElement(prompt("a", 3), 0);
        assertEquals(2, h.extractOutputValues().size());
        DeadLetter d = DeadLetter.parseFrom(h.getSideOutput(DeadLetters.TAG).peek().getValue().value);
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_DUPLICATE_REQUEST, d.getReason());
        assertEquals(3, d.getSource().getOffset());
    }

    @Test
    void idsAreRememberedPerSession() throws Exception {
        var h = harness();
        h.processElement(prompt("s1", "a", 1), 0);
        h.processElement(prompt("s2", "b", 2), 0);
        h.processElement(prompt("s1", "b", 3), 0);
        h.processElement(prompt("s2", "b", 4), 0);
        assertEquals(3, h.extractOutputValues().size());
        DeadLetter d = DeadLetter.parseFrom(h.getSideOutput(DeadLetters.TAG).peek().getValue().value);
        assertEquals(4, d.getSource().getOffset());
    }

    @Test
    void seenIdsSurviveARestoreFromCheckpoint() throws Exception {
        var h = harness();
        h.processElement(prompt("a", 1), 0);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();
        var restored = new KeyedOneInputStreamOperatorTestHarness<String, PromptEnvelope, PromptEnvelope>(
                new KeyedProcessOperator<>(new RequestDeduplicator(Duration.ofMinutes(10))), e -> e.sessionId, Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(prompt("a", 1), 0);
        restored.processElement(prompt("c", 2), 0);
        assertEquals(1, restored.extractOutputValues().size());
        assertEquals("c", restored.extractOutputValues().get(0).requestId);
    }

    @Test
    void idsAreForgottenAfterTheRetention() throws Exception {
        var h = harness();
        h.setStateTtlProcessingTime(0);
        h.processElement(prompt("a", 1), 0);
        h.setStateTtlProcessingTime(Duration.ofMinutes(11).toMillis());
        h.processElement(prompt("a", 2), 0);
        assertEquals(2, h.extractOutputValues().size());
    }
}
