package ai.zkllm.squeeze.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ring.RingBackends;
import org.junit.jupiter.api.Test;

/** The cost model fitted on this machine's backend ({@code -Dzkllm.fhe.backend=java|native} picks it). */
class CostModelTest {
    @Test
    void measuredCoefficientsArePositiveAndOrdered() {
        CostModel c = CostModel.measure(RingBackends.preferred(), 3);
        System.out.println(c);
        double[] all = {c.ptMulPerLimb(), c.ctMulPerLimb(), c.encodePerLimb(), c.rescalePerLimb(),
                c.keySwitchPerLimb(), c.encryptPerLimb()};
        for (double v : all) {
            assertTrue(v > 0 && Double.isFinite(v), c.toString());
        }
        // a key switch (digit decomposition, NTTs, inner products) always outweighs a tensor product
        assertTrue(c.keySwitch(8, 5) > c.ctMul(8), c.toString());
        // a rescale runs NTTs per limb; a plaintext product is one pointwise pass
        assertTrue(c.rescale(8) > c.ptMul(8), c.toString());
    }
}
