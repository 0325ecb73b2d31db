package ai.zkllm.fhe;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Reproducible CSPRNGs for tests: keys and ciphertexts that come out the same on every run. */
public final class SeededRandom {
    private SeededRandom() {
    }

    /** A SHA1PRNG seeded before first use, so its output depends on {@code seed} alone. */
    public static SecureRandom of(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
