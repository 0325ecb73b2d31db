package ai.zkllm.operators.validation;

/**
 * Grades one canary answer against the plaintext reference.
 * <ul>
 *   <li>accuracy: the decrypted logits are accurate when {@code max_i |d_i − r_i| ≤ tolerance · max(1, max_i |r_i|)}
 *       (CKKS is approximate: the tolerance absorbs its noise, not a wrong computation);</li>
 *   <li>timeliness: {@code 1} when the mean round latency {@code L ≤ target}, else {@code target / L}:
 *       a miner twice as slow as the target earns half.</li>
 * </ul>
 */
public final class CanaryGrader {

    private CanaryGrader() {}

    /**
     * Pass/fail only: the size of the error is a function of the decryption noise, which a
     * validator must not publish (it helps recover the secret key, Li–Micciancio 2021).
     */
    public static boolean accurate(double[] decrypted, double[] reference, double tolerance) {
        if (decrypted.length != reference.length) {
            return false;
        }
        double err = 0;
        double mag = 1;
        for (int i = 0; i < reference.length; i++) {
            double e = Math.abs(decrypted[i] - reference[i]);
            err = Double.isNaN(e) ? Double.POSITIVE_INFINITY : Math.max(err, e);
            mag = Math.max(mag, Math.abs(reference[i]));
        }
        return err <= tolerance * mag;
    }

    public static double timeliness(long latencyMs, long targetMs) {
        if (targetMs <= 0) {
            throw new IllegalArgumentException("latency target must be > 0 ms");
        }
        return latencyMs <= targetMs ? 1.0 : (double) targetMs / latencyMs;
    }
}
