package ai.zkllm.squeeze.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The agreement lower bound the report prints against closed forms of the binomial tail. */
class FidelityBoundTest {
    @Test
    void allAgreeingGivesTheClosedForm() {
        assertEquals(Math.pow(0.05, 1.0 / 200), Fidelity.rateLowerBound(200, 200, 0.95), 1e-12);
        assertTrue(Fidelity.rateLowerBound(598, 598, 0.95) >= 0.995);
        assertTrue(Fidelity.rateLowerBound(597, 597, 0.95) < 0.995);
    }

    @Test
    void oneMissSolvesItsTwoTermTail() {
        int n = 300;
        double p = Fidelity.rateLowerBound(n - 1, n, 0.95);
        double tail = Math.pow(p, n) + n * Math.pow(p, n - 1) * (1 - p); // P(X ≥ n-1)
        assertEquals(0.05, tail, 1e-9);
        assertTrue(p < Fidelity.rateLowerBound(n, n, 0.95));
    }

    @Test
    void noneAgreeingBoundsNothingAndNonsenseIsRefused() {
        assertEquals(0, Fidelity.rateLowerBound(0, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Fidelity.rateLowerBound(11, 10, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Fidelity.rateLowerBound(1, 0, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Fidelity.rateLowerBound(1, 2, 1.0));
    }
}
