package ai.zkllm.fhe.ckks;

import ai.zkllm.fhe.ring.Modulus;
import ai.zkllm.fhe.ring.Primes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An immutable RNS-CKKS parameter set: ring degree N = 2^logN, the ciphertext chain
 * q_0, q_1..q_L (q_0 holds the final message, each scale prime is close to 2^logScale and is
 * consumed by one rescale) and the α special primes P of hybrid key switching with dnum digits.
 */
public final class Parameters {
    public static final int SPECIAL_PRIME_BITS = 31;

    private final int logN;
    private final int logScale;
    private final int dnum;
    private final List<Long> qPrimes;
    private final List<Long> pPrimes;
    private final boolean insecureForTests;

    private Parameters(int logN, int logScale, int dnum, List<Long> qPrimes, List<Long> pPrimes, boolean insecure) {
        this.logN = logN;
        this.logScale = logScale;
        this.dnum = dnum;
        this.qPrimes = List.copyOf(qPrimes);
        this.pPrimes = List.copyOf(pPrimes);
        this.insecureForTests = insecure;
        validate();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A set from explicit prime lists (deserialization); the same checks as the builder apply. */
    public static Parameters fromPrimes(int logN, int logScale, int dnum, List<Long> qPrimes, List<Long> pPrimes,
                                        boolean insecureForTests) {
        return new Parameters(logN, logScale, dnum, qPrimes, pPrimes, insecureForTests);
    }

    private void validate() {
        if (logN < 1 || logN > Security.MAX_LOG_N) {
            throw new IllegalArgumentException("logN must be in [1, " + Security.MAX_LOG_N + "], got " + logN);
        }
        if (qPrimes.isEmpty() || pPrimes.isEmpty()) {
            throw new IllegalArgumentException("need at least one ciphertext prime and one special prime");
        }
        if (dnum < 1 || dnum > qPrimes.size()) {
            throw new IllegalArgumentException("dnum must be in [1, " + qPrimes.size() + "], got " + dnum);
        }
        int alpha = (qPrimes.size() + dnum - 1) / dnum;
        if (pPrimes.size() != alpha) {
            throw new IllegalArgumentException("dnum " + dnum + " with " + qPrimes.size() + " chain primes needs "
                    + alpha + " special primes, got " + pPrimes.size());
        }
        List<Long> all = new ArrayList<>(qPrimes);
        all.addAll(pPrimes);
        long step = 2L << logN;
        for (long q : all) {
            if (q >= (1L << Modulus.MAX_BITS) || !Primes.isPrime(q) || q % step != 1) {
                throw new IllegalArgumentException(q + " is not a prime < 2^31 that is 1 mod 2N = " + step);
            }
        }
        if (all.stream().distinct().count() != all.size()) {
            throw new IllegalArgumentException("primes must be distinct: " + all);
        }
        int bound = Security.maxLogQP(logN);
        if (!insecureForTests && (bound < 0 || logQP() > bound)) {
            throw new IllegalArgumentException(String.format(
                    "parameters below 128-bit security: logN = %d, logQP = %.2f, bound = %s (mark insecureForTests to allow)",
                    logN, logQP(), bound < 0 ? "none (logN outside 12..16)" : Integer.toString(bound)));
        }
    }

    public int logN() { return logN; }
    public int n() { return 1 << logN; }
    public int slots() { return 1 << (logN - 1); }
    public int logScale() { return logScale; }
    /** The default scale 2^logScale. */
    public double scale() { return Math.scalb(1.0, logScale); }
    /** Multiplicative depth L: the highest level. */
    public int maxLevel() { return qPrimes.size() - 1; }
    public int dnum() { return dnum; }
    /** α: primes per key-switching digit, also the number of special primes used. */
    public int alpha() { return (qPrimes.size() + dnum - 1) / dnum; }
    public List<Long> qPrimes() { return qPrimes; }
    public List<Long> pPrimes() { return pPrimes; }
    public boolean insecureForTests() { return insecureForTests; }

    /** Σ log2 of every prime of Q and P. */
    public double logQP() {
        double sum = 0;
        for (long q : qPrimes) {
            sum += Math.log(q) / Math.log(2);
        }
        for (long p : pPrimes) {
            sum += Math.log(p) / Math.log(2);
        }
        return sum;
    }

    /** 128 when the set is within the HomomorphicEncryption.org 128-bit table, 0 ("insecure") otherwise. */
    public int securityBits() {
        return Security.securityBits(logN, logQP());
    }

    /** The parameter hash: SHA-256 (hex) over logN, every prime in order, dnum and logScale. */
    public String id() {
        ByteBuffer buf = ByteBuffer.allocate(64 + 8 * (qPrimes.size() + pPrimes.size()));
        buf.put("zkllm-ckks-params-v1".getBytes(StandardCharsets.US_ASCII));
        buf.putInt(logN).putInt(qPrimes.size());
        qPrimes.forEach(buf::putLong);
        buf.putInt(pPrimes.size());
        pPrimes.forEach(buf::putLong);
        buf.putInt(dnum).putInt(logScale);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(buf.array(), 0, buf.position());
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameters p && p.logN == logN && p.logScale == logScale && p.dnum == dnum
                && p.qPrimes.equals(qPrimes) && p.pPrimes.equals(pPrimes) && p.insecureForTests == insecureForTests;
    }

    @Override
    public int hashCode() {
        return id().hashCode();
    }

    @Override
    public String toString() {
        return String.format("CKKS(logN=%d, L=%d, logScale=%d, dnum=%d, logQP=%.1f, security=%d)",
                logN, maxLevel(), logScale, dnum, logQP(), securityBits());
    }

    public static final class Builder {
        private int logN = 14;
        private int logScale = 30;
        private int depth = 8;
        private int firstPrimeBits = 31;
        private int dnum = 3;
        private boolean insecureForTests;

        public Builder logN(int logN) { this.logN = logN; return this; }
        public Builder logScale(int logScale) { this.logScale = logScale; return this; }
        public Builder depth(int depth) { this.depth = depth; return this; }
        public Builder firstPrimeBits(int bits) { this.firstPrimeBits = bits; return this; }
        public Builder dnum(int dnum) { this.dnum = dnum; return this; }
        public Builder insecureForTests(boolean insecure) { this.insecureForTests = insecure; return this; }

        public Parameters build() {
            if (logScale < 10 || logScale > 30) {
                throw new IllegalArgumentException("logScale must be in [10, 30] (primes are below 2^31), got " + logScale);
            }
            if (depth < 0) {
                throw new IllegalArgumentException("depth must be >= 0, got " + depth);
            }
            if (dnum < 1 || dnum > depth + 1) {
                throw new IllegalArgumentException("dnum must be in [1, depth + 1 = " + (depth + 1) + "], got " + dnum);
            }
            int n = 1 << logN;
            List<Long> q = new ArrayList<>();
            q.add(Primes.nttPrimesBelow(firstPrimeBits, n, 1, List.of()).get(0));
            q.addAll(scalePrimes(n, depth, q));
            int alpha = (depth + 1 + dnum - 1) / dnum;
            List<Long> p = Primes.nttPrimesBelow(SPECIAL_PRIME_BITS, n, alpha, q);
            return new Parameters(logN, logScale, dnum, q, p, insecureForTests);
        }

        /**
         * Primes ≡ 1 mod 2N closest to 2^logScale, taken below or above so that their running
         * product stays closest to 2^(logScale·k): then the scale stays near 2^logScale after
         * every rescale.
         */
        private List<Long> scalePrimes(int n, int count, List<Long> taken) {
            long step = 2L * n;
            long target = 1L << logScale;
            long below = (target - 1) / step * step + 1;
            long above = below + step;
            List<Long> out = new ArrayList<>();
            double logRatio = 0; // log2(product / 2^(logScale·k))
            while (out.size() < count) {
                while (below > step && (!Primes.isPrime(below) || taken.contains(below))) {
                    below -= step;
                }
                if (below <= step) {
                    throw new IllegalArgumentException("not enough primes near 2^" + logScale + " for N = " + n);
                }
                while (above < (1L << Modulus.MAX_BITS) && (!Primes.isPrime(above) || taken.contains(above))) {
                    above += step;
                }
                boolean useAbove = above < (1L << Modulus.MAX_BITS) && logRatio < 0;
                long prime = useAbove ? above : below;
                out.add(prime);
                logRatio += Math.log((double) prime / target) / Math.log(2);
                if (useAbove) {
                    above += step;
                } else {
                    below -= step;
                }
            }
            return out;
        }
    }
}
