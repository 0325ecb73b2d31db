package ai.zkllm.squeeze.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cost model fitted on this machine's backend ({@code -Dzkllm.fhe.backend=java|native} picks it).
 * Timings themselves are benchmark figures, not asserted; what must hold is that the fit is usable.
 */
class CostModelTest {
    @Test
    void aFittedModelPlansTheSameStages() {
        CostModel c = CostModel.measure(RingBackends.preferred(), 3);
        System.out.println(c);
        double[] all = {c.ptMulPerLimb(), c.ctMulPerLimb(), c.encodePerLimb(), c.rescalePerLimb(),
                c.keySwitchPerLimb(), c.encryptPerLimb()};
        for (double v : all) {
            assertTrue(v > 0 && Double.isFinite(v), c.toString());
        }
        PlanCompiler pc = new PlanCompiler(TinyModels.reference(), c, 0.1, 16);
        Plan p = pc.compile(System.out::println);
        assertTrue(p.estimatedSeconds() > 0 && Double.isFinite(p.estimatedSeconds()), p.describe());
        assertEquals(pc.stages(), p.rounds(), "every stage once, in order, whatever the costs");
    }
}
