package ai.zkllm.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.zkllm.fhe.ckks.EvaluationKeys;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EvaluationKeyCacheTest {
    private final AtomicLong now = new AtomicLong();
    private final EvaluationKeys keys = new EvaluationKeys(null, null);

    @Test
    void evictsLeastRecentlyUsedBeyondTheByteBound() {
        EvaluationKeyCache cache = new EvaluationKeyCache(100, 10, 1000, now::get);
        cache.put("a", keys, 40);
        cache.put("b", keys, 40);
        assertNotNull(cache.get("a"));
        cache.put("c", keys, 40);
        assertNull(cache.get("b"));
        assertNotNull(cache.get("a"));
        assertNotNull(cache.get("c"));
        assertEquals(80, cache.bytes());
    }

    @Test
    void boundsTheEntryCount() {
        EvaluationKeyCache cache = new EvaluationKeyCache(1000, 2, 1000, now::get);
        cache.put("a", keys, 1);
        cache.put("b", keys, 1);
        cache.put("c", keys, 1);
        assertEquals(2, cache.size());
        assertNull(cache.get("a"));
    }

    @Test
    void expiresUnusedEntries() {
        EvaluationKeyCache cache = new EvaluationKeyCache(1000, 10, 100, now::get);
        cache.put("a", keys, 1);
        cache.put("b", keys, 1);
        now.set(60);
        assertNotNull(cache.get("a"));
        now.set(120);
        assertNotNull(cache.get("a"));
        assertNull(cache.get("b"));
        assertEquals(1, cache.bytes());
    }

    @Test
    void doesNotKeepASetLargerThanTheCache() {
        EvaluationKeyCache cache = new EvaluationKeyCache(10, 10, 100, now::get);
        cache.put("a", keys, 11);
        assertNull(cache.get("a"));
        assertEquals(0, cache.bytes());
    }
}
