package ai.zkllm.fhe.ring;

import java.util.ArrayList;
import java.util.List;

/** NTT-friendly primes and the number theory their tables need. */
public final class Primes {
    private Primes() {
    }

    /** Deterministic Miller–Rabin, exact for every n &lt; 2^32 with bases 2, 7, 61. */
    public static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        for (long p : new long[] {2, 3, 5, 7, 11, 13, 61}) {
            if (n % p == 0) {
                return n == p;
            }
        }
        if (n >= (1L << 32)) {
            throw new IllegalArgumentException("primality test is exact only below 2^32: " + n);
        }
        long d = n - 1;
        int s = Long.numberOfTrailingZeros(d);
        d >>= s;
        for (long a : new long[] {2, 7, 61}) {
            long x = powMod(a, d, n);
            if (x == 1 || x == n - 1) {
                continue;
            }
            boolean composite = true;
            for (int r = 1; r < s; r++) {
                x = x * x % n;
                if (x == n - 1) {
                    composite = false;
                    break;
                }
            }
            if (composite) {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@code count} largest primes below 2^bits that are ≡ 1 (mod 2n), skipping those in
     * {@code exclude}, in descending order.
     */
    public static List<Long> nttPrimesBelow(int bits, int n, int count, List<Long> exclude) {
        if (bits < 3 || bits > Modulus.MAX_BITS) {
            throw new IllegalArgumentException("prime size must be in [3, " + Modulus.MAX_BITS + "] bits, got " + bits);
        }
        long step = 2L * n;
        long candidate = ((1L << bits) - 1) / step * step + 1;
        if (candidate >= (1L << bits)) {
            candidate -= step;
        }
        List<Long> primes = new ArrayList<>(count);
        long floor = 1L << (bits - 1);
        while (primes.size() < count) {
            if (candidate < floor) {
                throw new IllegalArgumentException("not enough " + bits + "-bit primes ≡ 1 mod " + step
                        + " (found " + primes.size() + " of " + count + ")");
            }
            if (isPrime(candidate) && !exclude.contains(candidate)) {
                primes.add(candidate);
            }
            candidate -= step;
        }
        return primes;
    }

    /** The smallest generator of Z_q^* for a prime q. */
    public static long smallestGenerator(long q) {
        List<Long> factors = primeFactors(q - 1);
        for (long g = 2; g < q; g++) {
            boolean generator = true;
            for (long f : factors) {
                if (powMod(g, (q - 1) / f, q) == 1) {
                    generator = false;
                    break;
                }
            }
            if (generator) {
                return g;
            }
        }
        throw new IllegalArgumentException(q + " has no generator: not prime");
    }

    private static List<Long> primeFactors(long m) {
        List<Long> factors = new ArrayList<>();
        for (long f = 2; f * f <= m; f++) {
            if (m % f == 0) {
                factors.add(f);
                while (m % f == 0) {
                    m /= f;
                }
            }
        }
        if (m > 1) {
            factors.add(m);
        }
        return factors;
    }

    private static long powMod(long base, long exponent, long m) {
        long result = 1;
        long b = base % m;
        for (long e = exponent; e > 0; e >>= 1) {
            if ((e & 1) != 0) {
                result = result * b % m;
            }
            b = b * b % m;
        }
        return result;
    }
}
