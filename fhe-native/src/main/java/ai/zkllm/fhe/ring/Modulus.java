package ai.zkllm.fhe.ring;

/**
 * One RNS prime q &lt; 2^31 with the constants for Barrett reduction. Products of two residues
 * fit in a signed long (decision 2 of DESIGN.md), so every backend computes the same bits.
 */
public final class Modulus {
    /** Largest prime bit size the engine accepts: products of residues must stay below 2^62. */
    public static final int MAX_BITS = 31;

    private final long q;
    /** floor(2^64 / q), for {@link #reduce}: the quotient estimate is Math.multiplyHigh(x, ratio). */
    private final long barrettRatio;

    public Modulus(long q) {
        if (q < 3 || q >= (1L << MAX_BITS)) {
            throw new IllegalArgumentException("modulus " + q + " is outside [3, 2^31)");
        }
        this.q = q;
        // floor(2^64 / q) = floor((2^64 - 1) / q) since q is odd and not a power of two.
        this.barrettRatio = Long.divideUnsigned(-1L, q);
    }

    public long value() {
        return q;
    }

    public int bits() {
        return 64 - Long.numberOfLeadingZeros(q);
    }

    public long barrettRatio() {
        return barrettRatio;
    }

    /** x mod q for 0 &lt;= x &lt; 2^63. */
    public long reduce(long x) {
        long r = x - Math.multiplyHigh(x, barrettRatio) * q;
        return lowerBelow(r);
    }

    /** r - q if r &gt;= q, else r, for r in [0, 2q), without a branch (hot loops mispredict it). */
    private long lowerBelow(long r) {
        long d = r - q;
        return d + (q & (d >> 63));
    }

    /** Any signed long to [0, q). */
    public long reduceSigned(long x) {
        if (x >= 0) {
            return reduce(x);
        }
        if (x == Long.MIN_VALUE) {
            return Math.floorMod(x, q);
        }
        long r = reduce(-x); // Barrett instead of a hardware division: this is on hot paths
        return r == 0 ? 0 : q - r;
    }

    public long add(long a, long b) {
        long s = a + b;
        return s >= q ? s - q : s;
    }

    public long sub(long a, long b) {
        long d = a - b;
        return d < 0 ? d + q : d;
    }

    public long mul(long a, long b) {
        return reduce(a * b);
    }

    /** Shoup companion floor(w · 2^32 / q) of a constant w in [0, q). */
    public long shoup(long w) {
        return (w << 32) / q;
    }

    /** a · w mod q for a in [0, 2^32), with wShoup = {@link #shoup}(w). */
    public long mulShoup(long a, long w, long wShoup) {
        return lowerBelow(a * w - ((a * wShoup) >>> 32) * q);
    }

    public long pow(long base, long exponent) {
        long result = 1 % q;
        long b = reduceSigned(base);
        for (long e = exponent; e > 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result = mul(result, b);
            }
            b = mul(b, b);
        }
        return result;
    }

    /** Multiplicative inverse; q is prime. */
    public long inverse(long a) {
        long r = reduceSigned(a);
        if (r == 0) {
            throw new ArithmeticException("0 has no inverse modulo " + q);
        }
        return pow(r, q - 2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Modulus m && m.q == q;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(q);
    }

    @Override
    public String toString() {
        return "Modulus(" + q + ")";
    }
}
