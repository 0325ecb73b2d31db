package ai.zkllm.squeeze.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.LocalRunner;
import ai.zkllm.program.Logits;
import ai.zkllm.program.RoundLoop;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.plan.Layout;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.plan.Stage;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.squeeze.compile.CostModel;
import ai.zkllm.squeeze.compile.PlanCompiler;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelBenchmarkTest {
    /** Rows of W = period(max(3d, n_inner)) = 64 slots; a vocabulary of 200 needs four head slices (64, 64, 64, 8). */
    private static final Gpt2Config WIDE_VOCABULARY = Gpt2Config.of(1, 2, 16, 8, 200);
    private static final SqueezedModel MODEL = RandomModel.squeezed(WIDE_VOCABULARY, 11);

    @Test
    void aVocabularyWiderThanARowComesBackInSlicesInOrder() {
        Plan plan = new PlanCompiler(MODEL, CostModel.JAVA_N14, 0, 1).compile(line -> { });
        SqueezedFheProgram program = new SqueezedFheProgram(MODEL, plan, "wide");
        assertEquals(64, program.layout().width());
        assertArrayEquals(new int[] {64, 64, 64, 8}, program.layout().vocabularySlices(200));
        List<RoundLoop.RoundTrip> trips = new ArrayList<>();
        LocalRunner runner = new LocalRunner(program, RingBackends.preferred(), new SecureRandom()).observe(trips::add);
        int[] context = {3, 150, 199, 70};
        double[] fhe = runner.nextTokenLogits(context);
        double[] plain = MODEL.logits(context);
        double error = 0;
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int i = 0; i < plain.length; i++) {
            error = Math.max(error, Math.abs(fhe[i] - plain[i]));
            lo = Math.min(lo, plain[i]);
            hi = Math.max(hi, plain[i]);
        }
        // the logits spread far wider than the bound: a slice out of place would break it
        assertTrue(hi - lo > 0.2, "logits spread " + (hi - lo));
        assertTrue(error <= 1e-2, "max logit error " + error);
        assertEquals(Logits.argmax(plain), Logits.argmax(fhe));
        RoundLoop.RoundTrip head = trips.get(trips.size() - 1);
        assertEquals(1, head.prompt().getInputsCount());
        assertEquals(4, head.response().getOutputsCount(), "one ciphertext per vocabulary slice");
    }

    @Test
    void theBenchmarkSendsThePromptThenOnePositionPerTokenAndChecksEachToken() {
        ModelBenchmark.Result r = ModelBenchmark.run(MODEL, RingBackends.preferred(),
                new ModelBenchmark.Options(3, 2, 5, false, 1, false), line -> { });
        assertEquals(2, r.tokens().size());
        assertEquals(3, r.tokens().get(0).positions());
        assertEquals(1, r.tokens().get(1).positions());
        assertTrue(r.evaluationKeyBytes() > 0);
        for (ModelBenchmark.Token t : r.tokens()) {
            assertTrue(t.maxLogitError() <= 1e-2, "max logit error " + t.maxLogitError());
            assertEquals(Set.of(Stage.Kind.QKV, Stage.Kind.PROJ, Stage.Kind.MLP, Stage.Kind.HEAD), t.secondsByStage().keySet());
            assertTrue(t.bytesUp() > 0 && t.bytesDown() > 0);
            assertNull(t.device(), "a CPU backend has no device to count");
        }
        assertEquals(r.tokens().get(1).seconds(), r.secondsPerTokenAfterFirst());
    }

    /** Three sessions whose rounds the miner batches: every token of every session matches the plaintext model. */
    @Test
    void batchedSessionsEachGetTheirOwnLogits() {
        ModelBenchmark.Result r = ModelBenchmark.run(MODEL, RingBackends.preferred(),
                new ModelBenchmark.Options(2, 2, 9, false, 3, true), line -> { });
        // the sessions' prompts differ (seed + session) and the logits spread past 0.2 (the test above): a
        // response delivered to the wrong session would break the bound
        assertTrue(r.maxLogitError() <= 1e-2, "max logit error " + r.maxLogitError());
        assertEquals(2, r.tokens().size(), "the first session's tokens");
        assertTrue(r.tokensPerSecond() > 0);
        // the warm part of the run is shorter than all of it, and holds the tokens after the first: 3 of 6
        assertTrue(r.steadySeconds() > 0 && r.steadySeconds() < r.wallSeconds(), r.steadySeconds() + " of " + r.wallSeconds());
        assertEquals(3 / r.steadySeconds(), r.tokensPerSecondAfterFirst(), 1e-9);
    }
}
