package ai.zkllm.program;

import ai.zkllm.fhe.ckks.EvaluationKeys;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decoded evaluation keys by content hash (one entry per session's key set), bounded by total
 * serialized bytes and by entry count, each entry expiring {@code ttlMillis} after its last use.
 * Least recently used entries go first. Thread-safe; a task-local cache (keys are public and can
 * always be fetched again from the blob store, so nothing here is checkpointed).
 */
public final class EvaluationKeyCache {
    private final long maxBytes;
    private final int maxEntries;
    private final long ttlMillis;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    private record Entry(EvaluationKeys keys, long size, long lastUse) {
    }

    public EvaluationKeyCache(long maxBytes, int maxEntries, long ttlMillis, LongSupplier clock) {
        if (maxBytes <= 0 || maxEntries <= 0 || ttlMillis <= 0) {
            throw new IllegalArgumentException("cache bounds must be positive");
        }
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
        this.ttlMillis = ttlMillis;
        this.clock = clock;
    }

    /** The keys for {@code sha256}, or null when absent or expired. */
    public synchronized EvaluationKeys get(String sha256) {
        expire();
        Entry e = entries.get(sha256);
        if (e == null) {
            misses++;
            return null;
        }
        hits++;
        entries.put(sha256, new Entry(e.keys, e.size, clock.getAsLong()));
        return e.keys;
    }

    /** Adds keys of {@code size} serialized bytes; a set larger than the whole cache is not kept. */
    public synchronized void put(String sha256, EvaluationKeys keys, long size) {
        Entry old = entries.remove(sha256);
        if (old != null) {
            bytes -= old.size;
        }
        if (size > maxBytes) {
            return;
        }
        entries.put(sha256, new Entry(keys, size, clock.getAsLong()));
        bytes += size;
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while ((bytes > maxBytes || entries.size() > maxEntries) && it.hasNext()) {
            bytes -= it.next().getValue().size;
            it.remove();
        }
    }

    private void expire() {
        long now = clock.getAsLong();
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (now - e.lastUse >= ttlMillis) {
                bytes -= e.size;
                it.remove();
            }
        }
    }

    public synchronized int size() {
        expire();
        return entries.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    /**
     * What decoded keys hold in memory: b and the a expanded from the seed, as 8-byte residues. The
     * wire form (b + seed, 4-byte residues) is about 4x smaller, so the cache is bounded by this.
     */
    public static long memoryBytes(EvaluationKeys keys) {
        long total = 0;
        if (keys.relinearization() != null) {
            total += memoryBytes(keys.relinearization().key());
        }
        for (int g : keys.galois().elements()) {
            total += memoryBytes(keys.galois().get(g));
        }
        return total;
    }

    private static long memoryBytes(ai.zkllm.fhe.ckks.SwitchingKey key) {
        long total = 0;
        for (int j = 0; j < key.digitCount(); j++) {
            total += 8L * (key.b(j).limbCount() * (long) key.b(j).n() + key.a(j).limbCount() * (long) key.a(j).n());
        }
        return total;
    }
}
