package ai.zkllm.operators.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CanaryGraderTest {

    @Test
    void accuracyIsRelativeToTheLargerOfOneAndTheReference() {
        double[] ref = {0.5, -2.0, 4.0};
        assertTrue(CanaryGrader.accurate(new double[] {0.5001, -2.0, 4.0}, ref, 1e-3));
        // tolerance scales with max|ref| = 4: 0.003 ≤ 1e-3 · 4, 0.005 > 1e-3 · 4
        assertTrue(CanaryGrader.accurate(new double[] {0.5, -2.0, 4.003}, ref, 1e-3));
        assertFalse(CanaryGrader.accurate(new double[] {0.5, -2.0, 4.005}, ref, 1e-3));
        assertFalse(CanaryGrader.accurate(new double[] {-0.5, -2.0, 4.0}, ref, 1e-3));
        assertFalse(CanaryGrader.accurate(new double[] {Double.NaN, -2, 4}, ref, 1e-3));
        assertFalse(CanaryGrader.accurate(new double[] {0.5}, ref, 1e-3));
    }

    @Test
    void timelinessIsOneUpToTheTargetThenInverse() {
        assertEquals(1.0, CanaryGrader.timeliness(300, 1000));
        assertEquals(1.0, CanaryGrader.timeliness(1000, 1000));
        assertEquals(0.5, CanaryGrader.timeliness(2000, 1000));
        assertEquals(0.25, CanaryGrader.timeliness(4000, 1000));
    }
}
