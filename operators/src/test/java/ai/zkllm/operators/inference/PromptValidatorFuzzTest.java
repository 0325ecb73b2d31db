package ai.zkllm.operators.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.zkllm.schemas.v1.DeadLetter;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Fuzz target for the prompt validator, the first reader of the prompts topic. Property: whatever
 * the bytes, it never throws and emits exactly one record, either the prompt with its routing ids
 * or a parseable dead letter. Seeds and findings live in PromptValidatorFuzzTestInputs/validate/.
 */
class PromptValidatorFuzzTest {
    private static final int MAX_MESSAGE_BYTES = 1 << 16;
    private static final PromptValidator VALIDATOR = new PromptValidator(new TestPrograms.Registry(), MAX_MESSAGE_BYTES);

    @FuzzTest(maxDuration = "45s")
    void validate(byte[] bytes) throws InvalidProtocolBufferException {
        List<PromptEnvelope> passed = new ArrayList<>();
        List<OutRecord> letters = new ArrayList<>();
        VALIDATOR.processElement(PromptEnvelope.of("prompts", 0, 1, 0, bytes), context(letters), collector(passed));
        assertEquals(1, passed.size() + letters.size(), "one record out per record in");
        if (passed.isEmpty()) {
            DeadLetter.parseFrom(letters.get(0).value);
        } else {
            assertFalse(passed.get(0).requestId.isEmpty(), "a passed prompt carries its request id");
        }
    }

    /** Only the side output is used by the validator; timers and timestamps are not. */
    private static PromptValidator.Context context(List<OutRecord> letters) {
        return VALIDATOR.new Context() {
            @Override
            public Long timestamp() {
                return null;
            }

            @Override
            public TimerService timerService() {
                throw new UnsupportedOperationException("the validator sets no timers");
            }

            @Override
            public <X> void output(OutputTag<X> tag, X value) {
                assertEquals(DeadLetters.TAG, tag);
                letters.add((OutRecord) value);
            }
        };
    }

    private static Collector<PromptEnvelope> collector(List<PromptEnvelope> passed) {
        return new Collector<>() {
            @Override
            public void collect(PromptEnvelope record) {
                passed.add(record);
            }

            @Override
            public void close() {
            }
        };
    }
}
