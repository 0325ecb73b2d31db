package ai.zkllm.fhe.ckks;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Switching keys from s(X^g) to s, by galois element g: 5^k mod 2N rotates the slots left by k,
 * 2N - 1 conjugates them.
 */
public final class GaloisKeys {
    private final Map<Integer, SwitchingKey> keys;

    public GaloisKeys(Map<Integer, SwitchingKey> keys) {
        this.keys = Collections.unmodifiableMap(new TreeMap<>(keys));
    }

    public boolean has(int galoisElement) {
        return keys.containsKey(galoisElement);
    }

    /** The key for g, or null. */
    public SwitchingKey get(int galoisElement) {
        return keys.get(galoisElement);
    }

    /** Every galois element with a key, ascending. */
    public java.util.Set<Integer> elements() {
        return keys.keySet();
    }
}
