package ai.zkllm.program.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.TokenDecoder;
import ai.zkllm.program.artifact.ShippedReferenceProgram;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's incremental decoding against a miner that computes each round in plaintext doubles:
 * whatever the decoder reuses or recomputes, its logits are the squeezed model's over the whole
 * context, and it sends only the positions it has not seen.
 */
class SqueezedDecoderTest {
    private static final SqueezedFheProgram PROGRAM = ShippedReferenceProgram.program();
    private static final SqueezedModel MODEL = PROGRAM.model();
    private static final Layout LAYOUT = PROGRAM.layout();
    private static final int[] TEXT = "The cat sat on the mat and looked at the dog, who did not look back at it."
            .chars().toArray();

    /** Positions round 0 carried, per token. */
    private final List<Integer> sentPositions = new ArrayList<>();

    @Test
    void tokensAfterThePromptSendOnePositionAndMatchTheModel() {
        TokenDecoder decoder = PROGRAM.newDecoder();
        for (int t = 7; t <= 12; t++) {
            assertLogitsOfModel(decoder, prefix(t));
        }
        assertEquals(List.of(7, 1, 1, 1, 1, 1), sentPositions);
    }

    @Test
    void anotherContextIsRecomputedAndAPrefixIsReused() {
        TokenDecoder decoder = PROGRAM.newDecoder();
        assertLogitsOfModel(decoder, prefix(10));
        assertLogitsOfModel(decoder, "Another one".chars().toArray()); // nothing shared: all 11 positions
        assertLogitsOfModel(decoder, "Another time".chars().toArray()); // "Another " kept: 4 positions
        assertLogitsOfModel(decoder, "Another time".chars().toArray()); // the same context: its last position
        assertEquals(List.of(10, 11, 4, 1), sentPositions);
    }

    @Test
    void aTokenAbandonedMidWayLeavesTheCacheConsistent() {
        TokenDecoder decoder = PROGRAM.newDecoder();
        assertLogitsOfModel(decoder, prefix(8));
        List<double[]> inputs = decoder.start(prefix(9));
        for (int round = 0; round < 4; round++) {
            inputs = decoder.refresh(round, miner(round, inputs)); // then the round trip times out
        }
        assertLogitsOfModel(decoder, prefix(10));
        assertEquals(List.of(8, 2), sentPositions);
    }

    @Test
    void aFullContextFillsTheMostCiphertextsARoundTakes() {
        int[] full = Arrays.copyOf(TEXT, MODEL.maxContext());
        TokenDecoder decoder = PROGRAM.newDecoder();
        List<double[]> inputs = decoder.start(full);
        int most = LAYOUT.ciphertexts(MODEL.maxContext());
        assertEquals(most, inputs.size());
        assertTrue(PROGRAM.acceptsInputCount(0, most));
        assertFalse(PROGRAM.acceptsInputCount(0, most + 1));
        assertFalse(PROGRAM.acceptsInputCount(PROGRAM.rounds() - 1, 2), "the head takes the last position only");
        assertLogitsOfModel(PROGRAM.newDecoder(), full);
    }

    private void assertLogitsOfModel(TokenDecoder decoder, int[] context) {
        List<double[]> inputs = decoder.start(context);
        sentPositions.add(positions(inputs, context.length));
        for (int round = 0; ; round++) {
            List<double[]> outputs = miner(round, inputs);
            if (round + 1 == PROGRAM.rounds()) {
                assertArrayEquals(MODEL.logits(context), decoder.logits(outputs), 1e-9);
                return;
            }
            inputs = decoder.refresh(round, outputs);
        }
    }

    private static int[] prefix(int n) {
        return Arrays.copyOf(TEXT, n);
    }

    /** The new positions round 0 carries: rows whose ln_1 input is not all zero. */
    private static int positions(List<double[]> inputs, int most) {
        double[][] rows = LAYOUT.unpack(inputs, Math.min(most, inputs.size() * LAYOUT.positionsPerCiphertext()),
                MODEL.config().nEmbd());
        int n = 0;
        while (n < rows.length && Arrays.stream(rows[n]).anyMatch(v -> v != 0)) {
            n++;
        }
        return n;
    }

    /** Round {@code round} in plaintext: every packed row through the stage's weights, times the response factor. */
    private static List<double[]> miner(int round, List<double[]> inputs) {
        Stage st = PROGRAM.plan().rounds().get(round);
        double[][] rows = LAYOUT.unpack(inputs, inputs.size() * LAYOUT.positionsPerCiphertext(), MODEL.config().nEmbd());
        SqueezedModel.Layer layer = st.kind() == Stage.Kind.HEAD ? null : MODEL.layer(st.layer());
        double[][] out = switch (st.kind()) {
            case QKV -> layer.qkv.apply(rows);
            case PROJ -> layer.attnProj.apply(rows);
            case MLP -> MODEL.mlp(st.layer(), rows);
            case HEAD -> MODEL.head().apply(rows);
            case PROJ_MLP -> throw new AssertionError("the shipped model's ln_2 is exact (PROJ_MLP: SqueezedFheProgramTest)");
        };
        for (double[] row : out) {
            for (int k = 0; k < row.length; k++) {
                row[k] *= Layout.RESPONSE_FACTOR;
            }
        }
        return LAYOUT.pack(out, out[0].length);
    }
}
