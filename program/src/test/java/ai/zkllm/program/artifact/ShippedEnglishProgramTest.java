package ai.zkllm.program.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.LocalRunner;
import ai.zkllm.program.Logits;
import ai.zkllm.program.plan.SqueezedFheProgram;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The default model of demo and chat writes English under 128-bit FHE, token for token as its plaintext does. */
class ShippedEnglishProgramTest {
    private static final int TOKENS = 8;

    @Test
    void greedyContinuationUnderFheIsThePlaintextOneAndEnglish() {
        ShippedEnglishProgram program = new ShippedEnglishProgram();
        SqueezedFheProgram compiled = program.compiled();
        assertEquals(13, program.rounds(), "3 rounds per layer of 4, then the head");
        assertEquals(128, program.maxContext());
        assertTrue(program.parameters().securityBits() >= 128);

        LocalRunner runner = new LocalRunner(program, RingBackends.preferred(), new SecureRandom());
        int[] context = program.encodeText("It is a truth universally acknowledged");
        int[] fheTokens = new int[TOKENS];
        int[] plainTokens = new int[TOKENS];
        double maxError = 0;
        for (int k = 0; k < TOKENS; k++) {
            double[] fhe = runner.nextTokenLogits(context);
            double[] plain = compiled.model().logits(context);
            for (int v = 0; v < plain.length; v++) {
                maxError = Math.max(maxError, Math.abs(fhe[v] - plain[v]));
            }
            fheTokens[k] = Logits.argmax(fhe);
            plainTokens[k] = Logits.argmax(plain);
            context = Arrays.copyOf(context, context.length + 1);
            context[context.length - 1] = fheTokens[k];
        }
        String continuation = program.decodeTokens(fheTokens);
        System.out.printf("English model under FHE: \"%s\", max logit error %.2e%n", continuation, maxError);
        assertTrue(maxError <= 1e-2, "max logit error " + maxError);
        assertEquals(program.decodeTokens(plainTokens), continuation);
        // English text: printable ASCII letters, spaces and punctuation, at least one word boundary
        assertTrue(continuation.matches("[A-Za-z ,.;'!?-]+") && continuation.contains(" "), continuation);
    }
}
