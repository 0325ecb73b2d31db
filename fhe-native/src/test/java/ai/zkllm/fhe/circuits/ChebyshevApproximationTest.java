package ai.zkllm.fhe.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class ChebyshevApproximationTest {
    @Test
    void reproducesPolynomialsOfItsDegreeExactly() {
        DoubleUnaryOperator cubic = x -> 2 * x * x * x - x + 0.5;
        ChebyshevApproximation p = ChebyshevApproximation.interpolate(cubic, -3, 5, 3);
        assertTrue(p.maxError(cubic, 1001) < 1e-12);
        // On [-1, 1], 2x³ - x + 1/2 = T_3/2 + T_1/2 + 1/2.
        double[] c = ChebyshevApproximation.interpolate(x -> 2 * x * x * x - x + 0.5, -1, 1, 3).coefficients();
        assertEquals(0.5, c[0], 1e-14);
        assertEquals(0.5, c[1], 1e-14);
        assertEquals(0.0, c[2], 1e-14);
        assertEquals(0.5, c[3], 1e-14);
    }

    @Test
    void approximationErrorShrinksWithDegree() {
        double previous = Double.MAX_VALUE;
        for (int degree : new int[] {3, 5, 7, 11, 15}) {
            double error = ChebyshevApproximation.interpolate(Math::exp, -2, 1, degree).maxError(Math::exp, 2001);
            System.out.printf("exp on [-2, 1], degree %2d: max error %.3e%n", degree, error);
            assertTrue(error < previous, "degree " + degree);
            previous = error;
        }
        assertTrue(previous < 1e-13); // degree 15 reaches double rounding
    }
}
