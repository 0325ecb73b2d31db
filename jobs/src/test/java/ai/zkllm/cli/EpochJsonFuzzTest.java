package ai.zkllm.cli;

import ai.zkllm.settlement.InvalidEpochException;
import ai.zkllm.settlement.Settlement;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the settlement input, read and settled as {@code zkllm settle} does. Property:
 * the text settles, or fails with {@link JsonProcessingException} (not JSON of this shape) or
 * {@link InvalidEpochException} (a value out of range), the two errors the command reports.
 * Seeds (examples/epoch.json and a minimal input) and findings are in EpochJsonFuzzTestInputs/parse/.
 */
class EpochJsonFuzzTest {
    /** 16 KiB reaches every branch of the parser and keeps one settlement fast. */
    private static final int MAX_BYTES = 1 << 14;

    @FuzzTest(maxDuration = "45s")
    void parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            return;
        }
        try {
            EpochJson.render(Settlement.settle(EpochJson.parse(new String(bytes, StandardCharsets.UTF_8))));
        } catch (JsonProcessingException | InvalidEpochException refused) {
            // the documented outcomes of bad input
        }
    }
}
