package ai.zkllm.operators.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.program.blob.Sha256;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import com.google.protobuf.ByteString;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PromptValidatorTest {
    private OneInputStreamOperatorTestHarness<PromptEnvelope, PromptEnvelope> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new PromptValidator(new TestPrograms.Registry(), 1000));
    }

    static EncryptedPrompt.Builder good() {
        return EncryptedPrompt.newBuilder()
                .setRequestId("r1").setSessionId("s1").setBrainId("b")
                .setModelHash(TestPrograms.ADD_ONE.modelHash())
                .setParameterHash(TestPrograms.PARAMS.id())
                .addInputs(CiphertextPayload.newBuilder().setInline(ByteString.copyFromUtf8("ct")))
                .setEvaluationKeys(BlobRef.newBuilder().setSha256("cd".repeat(32)).setSizeBytes(5));
    }

    private DeadLetterReason rejected(byte[] value) throws Exception {
        harness.processElement(PromptEnvelope.of("prompts", 0, 7, 0, value), 0);
        assertEquals(0, harness.extractOutputValues().size());
        List<StreamRecord<OutRecord>> letters = List.copyOf(harness.getSideOutput(DeadLetters.TAG));
        assertEquals(1, letters.size());
        DeadLetter d = DeadLetter.parseFrom(letters.get(0).getValue().value);
        assertEquals(7, d.getSource().getOffset());
        assertEquals(Sha256.hex(value), d.getSource().getSha256());
        return d.getReason();
    }

    @Test
    void passesAGoodPromptWithItsRoutingFields() throws Exception {
        harness.processElement(PromptEnvelope.of("prompts", 0, 1, 0, good().build().toByteArray()), 0);
        PromptEnvelope out = harness.extractOutputValues().get(0);
        assertEquals("r1", out.requestId);
        assertEquals("s1", out.sessionId);
        assertEquals(null, harness.getSideOutput(DeadLetters.TAG));
    }

    @Test
    void garbage() throws Exception {
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_UNPARSEABLE, rejected(new byte[] {(byte) 0xff, 1, 2, 3}));
    }

    @Test
    void oversized() throws Exception {
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_OVERSIZED, rejected(new byte[1001]));
    }

    @Test
    void unknownModel() throws Exception {
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_UNKNOWN_MODEL,
                rejected(good().setModelHash("00".repeat(32)).build().toByteArray()));
    }

    @Test
    void parameterMismatch() throws Exception {
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_PARAMETER_MISMATCH,
                rejected(good().setParameterHash("ff").build().toByteArray()));
    }

    @Test
    void roundOutOfRange() throws Exception {
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_INVALID, rejected(good().setRound(1).build().toByteArray()));
    }

    @Test
    void missingEvaluationKeyReference() throws Exception {
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_INVALID,
                rejected(good().clearEvaluationKeys().build().toByteArray()));
    }

    @Test
    void missingIds() throws Exception {
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_INVALID, rejected(good().setRequestId("").build().toByteArray()));
    }

    @Test
    void pastDeadline() throws Exception {
        assertEquals(DeadLetterReason.DEAD_LETTER_REASON_DEADLINE_EXCEEDED,
                rejected(good().setDeadlineUnixMs(1).build().toByteArray()));
    }
}
