package ai.zkllm.squeeze.plan;

/**
 * Milliseconds per operation as a function of the level (limbs = level + 1), fitted to the
 * engine's own timings: linear ops cost {@code perLimb · limbs}, key switches (rotation,
 * relinearization) {@code keySwitchPerLimb · (limbs + α) · digits}, digits = ⌈limbs/α⌉.
 * The default coefficients were measured with {@link #measure} on the Java backend at N = 2^14.
 */
public record CostModel(double ptMulPerLimb, double ctMulPerLimb, double encodePerLimb, double rescalePerLimb,
        double keySwitchPerLimb, double encryptPerLimb) {
    /** Java backend, N = 2^14, level 8, one core of a shared 2-core box (printed by {@code CostModelTest}). */
    public static final CostModel JAVA_N14 = new CostModel(0.18, 0.89, 1.66, 4.98, 3.79, 7.93);

    public double ptMul(int level) { return ptMulPerLimb * (level + 1); }
    public double ctMul(int level) { return ctMulPerLimb * (level + 1); }
    public double encode(int level) { return encodePerLimb * (level + 1); }
    public double rescale(int level) { return rescalePerLimb * (level + 1); }
    public double encrypt(int level) { return encryptPerLimb * (level + 1); }

    public double keySwitch(int level, int alpha) {
        int limbs = level + 1;
        int digits = (limbs + alpha - 1) / alpha;
        return keySwitchPerLimb * (limbs + alpha) * digits;
    }

    /** Scaled to the slots in use: the fitted coefficients are for N = 2^14. */
    public CostModel forLogN(int logN) {
        double f = Math.scalb(1.0, logN - 14) * (logN / 14.0);
        return new CostModel(ptMulPerLimb * f, ctMulPerLimb * f, encodePerLimb * f, rescalePerLimb * f,
                keySwitchPerLimb * f, encryptPerLimb * f);
    }
}
