package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.squeeze.model.Gpt2Teacher;
import ai.zkllm.squeeze.squeeze.Chebyshev;
import org.junit.jupiter.api.Test;

class ChebyshevTest {
    @Test
    void geluErrorOnTheIntervalShrinksWithDegree() {
        double e7 = Chebyshev.fit(Gpt2Teacher::gelu, -4, 4, 7).maxError(Gpt2Teacher::gelu, 4000);
        double e15 = Chebyshev.fit(Gpt2Teacher::gelu, -4, 4, 15).maxError(Gpt2Teacher::gelu, 4000);
        assertTrue(e7 < 2e-2, "degree 7 error " + e7);
        assertTrue(e15 < 1e-3, "degree 15 error " + e15);
        assertTrue(e15 < e7 / 10);
    }

    @Test
    void shippedModelGeluPolynomialsAreAccurateOnTheirIntervals() {
        for (var l : Shipped.squeezed().layers()) {
            Chebyshev p = l.gelu;
            double err = p.maxError(Gpt2Teacher::gelu, 4000);
            double best = Chebyshev.fit(Gpt2Teacher::gelu, p.lo(), p.hi(), p.degree()).maxError(Gpt2Teacher::gelu, 4000);
            assertEquals(best, err, 1e-5, "the stored coefficients are the Chebyshev fit on the stored interval");
            assertTrue(err < 0.02 * (p.hi() - p.lo()), "GELU error " + err + " on [" + p.lo() + ", " + p.hi() + "]");
            assertEquals(32 - Integer.numberOfLeadingZeros(p.degree()), p.depth());
        }
    }

    @Test
    void exactOnPolynomials() {
        Chebyshev p = Chebyshev.fit(x -> 3 * x * x * x - x + 0.5, -2, 3, 3);
        for (double x = -2; x <= 3; x += 0.25) {
            assertEquals(3 * x * x * x - x + 0.5, p.eval(x), 1e-5);
        }
    }
}
