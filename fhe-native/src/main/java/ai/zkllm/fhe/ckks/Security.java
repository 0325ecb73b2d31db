package ai.zkllm.fhe.ckks;

/**
 * The HomomorphicEncryption.org standard table (classical, 128-bit security, ternary secret):
 * the largest log2(QP) allowed for each ring degree. Only this 128-bit row is certified here;
 * any set outside it is reported as 0 bits ("insecure"), not as some lower level.
 */
public final class Security {
    public static final int CERTIFIED_BITS = 128;
    public static final int MIN_LOG_N = 12;
    public static final int MAX_LOG_N = 16;
    private static final int[] MAX_LOG_QP = {109, 218, 438, 881, 1772};

    private Security() {
    }

    /** The 128-bit bound on log2(QP) for ring degree 2^logN, or -1 where the table has no row. */
    public static int maxLogQP(int logN) {
        return logN >= MIN_LOG_N && logN <= MAX_LOG_N ? MAX_LOG_QP[logN - MIN_LOG_N] : -1;
    }

    /** 128 when (logN, logQP) is within the table, otherwise 0. */
    public static int securityBits(int logN, double logQP) {
        int bound = maxLogQP(logN);
        return bound > 0 && logQP <= bound ? CERTIFIED_BITS : 0;
    }
}
