package ai.zkllm.operators.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplaySamplerTest {

    @Test
    void deterministicAndNearTheFraction() {
        ReplaySampler a = new ReplaySampler(0.3);
        ReplaySampler b = new ReplaySampler(0.3);
        int picked = 0;
        for (int i = 0; i < 20_000; i++) {
            String id = "session-" + (i % 7) + "/" + i + "/0/x";
            assertEquals(a.sampled(id), b.sampled(id));
            picked += a.sampled(id) ? 1 : 0;
        }
        assertEquals(0.3, picked / 20_000.0, 0.02);
        // Nested: a request sampled at 0.1 is sampled at 0.3 too (the same point, a larger threshold).
        for (int i = 0; i < 1000; i++) {
            String id = "r" + i;
            assertTrue(!new ReplaySampler(0.1).sampled(id) || a.sampled(id));
        }
    }

    @Test
    void extremesAndBounds() {
        assertTrue(new ReplaySampler(1).sampled("anything"));
        assertFalse(new ReplaySampler(0).sampled("anything"));
        double p = ReplaySampler.point("abc");
        assertTrue(p >= 0 && p < 1);
        assertThrows(IllegalArgumentException.class, () -> new ReplaySampler(1.5));
        assertThrows(IllegalArgumentException.class, () -> new ReplaySampler(Double.NaN));
    }
}
