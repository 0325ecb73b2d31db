package ai.zkllm.squeeze.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.plan.Stage;
import ai.zkllm.program.squeezed.SqueezedModel;
import org.junit.jupiter.api.Test;

class PlanCompilerTest {
    @Test
    void planMeetsSecurityAndLevelBudgets() {
        SqueezedModel m = TinyModels.reference();
        PlanCompiler pc = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 1);
        Plan p = pc.compile(System.out::println);
        Parameters params = p.parameters();
        assertEquals(128, params.securityBits());
        assertEquals(13, p.logN(), "every round of the reference shape fits N = 2^13");
        assertEquals(3 * m.layers().length + 1, p.roundCount(), "3L + 1 rounds with exact normalisation");
        assertEquals(pc.stages(), p.rounds());
        int deepest = 0;
        for (int r = 0; r < p.roundCount(); r++) {
            Stage s = p.rounds().get(r);
            assertEquals(pc.depth(s), p.inputLevels().get(r), "input level of " + s + ": its depth, to end at level 0");
            deepest = Math.max(deepest, pc.depth(s));
        }
        assertEquals(deepest, params.maxLevel(), "no level beyond the deepest round's");
        assertEquals(2 + m.layer(0).gelu.depth(), pc.depth(new Stage(Stage.Kind.MLP, 0)));
    }

    /**
     * At N = 2^14 the fastest secure key switching is one digit of all the chain's primes, whose error took the
     * tiny affine model past the 1e-2 logit bound: the planner must take a digit of at most four primes instead.
     */
    @Test
    void planKeepsKeySwitchingDigitsSmall() {
        Plan p = new PlanCompiler(TinyModels.affineLn2(), CostModel.JAVA_N14, 0.1, 1).compile(s -> { });
        assertEquals(14, p.logN());
        assertTrue(PlanCompiler.candidateDnums(14, p.depth()).stream().allMatch(d -> d >= 2));
        assertTrue(p.parameters().alpha() <= PlanCompiler.MAX_PRIMES_PER_DIGIT, p.parameters().toString());
    }

    @Test
    void costScalesWithPositionsPerToken() {
        SqueezedModel m = TinyModels.reference();
        PlanCompiler pc = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 1);
        Plan p = pc.compile(s -> { });
        int perCiphertext = new SqueezedFheProgram(m, p, "h").layout().positionsPerCiphertext();
        assertEquals(pc.estimateOps(p, 1), pc.estimateOps(p, perCiphertext), 1e-12, "P positions share a ciphertext");
        assertTrue(pc.estimateOps(p, perCiphertext) < pc.estimateOps(p, perCiphertext + 1));
        assertTrue(pc.estimateOps(p, 16) < pc.estimateOps(p, 64));
    }

    @Test
    void planJsonRoundTrip() throws Exception {
        Plan p = new PlanCompiler(TinyModels.reference(), CostModel.JAVA_N14, 0.1, 8).compile(s -> { });
        Plan q = Plan.fromJson(p.toJson());
        assertEquals(p, q);
        SqueezedFheProgram a = new SqueezedFheProgram(TinyModels.reference(), p, "h");
        SqueezedFheProgram b = new SqueezedFheProgram(TinyModels.reference(), q, "h");
        assertArrayEquals(a.rotationSteps(), b.rotationSteps());
    }
}
