package ai.zkllm.squeeze.squeeze;

import java.util.function.DoubleUnaryOperator;

/**
 * A polynomial in the Chebyshev basis on an interval {@code [lo, hi]}:
 * {@code p(x) = sum_k c[k] T_k(t)}, {@code t = (2x - lo - hi) / (hi - lo)}. Fitted by
 * interpolation at the Chebyshev nodes of the first kind, which is within a small factor of the
 * minimax polynomial. Outside the interval nothing is clamped (an FHE circuit cannot clamp): the
 * polynomial is simply evaluated there.
 */
public final class Chebyshev {
    private final double lo;
    private final double hi;
    private final double[] c;

    public Chebyshev(double lo, double hi, double[] coefficients) {
        if (!(hi > lo)) {
            throw new IllegalArgumentException("empty interval [" + lo + ", " + hi + "]");
        }
        this.lo = Precision.f32(lo);
        this.hi = Precision.f32(hi);
        this.c = Precision.f32(coefficients);
    }

    /** Interpolates {@code f} at the {@code degree + 1} Chebyshev nodes of {@code [lo, hi]}. */
    public static Chebyshev fit(DoubleUnaryOperator f, double lo, double hi, int degree) {
        int n = degree + 1;
        double[] fx = new double[n];
        for (int k = 0; k < n; k++) {
            double t = Math.cos(Math.PI * (k + 0.5) / n);
            fx[k] = f.applyAsDouble(0.5 * (hi - lo) * t + 0.5 * (hi + lo));
        }
        double[] c = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += fx[k] * Math.cos(Math.PI * j * (k + 0.5) / n);
            }
            c[j] = (j == 0 ? 1.0 : 2.0) * s / n;
        }
        return new Chebyshev(lo, hi, c);
    }

    public double lo() {
        return lo;
    }

    public double hi() {
        return hi;
    }

    public int degree() {
        return c.length - 1;
    }

    public double[] coefficients() {
        return c.clone();
    }

    /** The affine map x → t onto [-1, 1]: t = alpha·x + beta. */
    public double alpha() {
        return 2.0 / (hi - lo);
    }

    public double beta() {
        return -(hi + lo) / (hi - lo);
    }

    public double eval(double x) {
        return evalT(alpha() * x + beta());
    }

    /** Evaluates in the normalised variable t (three-term recurrence, as the FHE program does). */
    public double evalT(double t) {
        double tPrev = 1;
        double tCur = t;
        double s = c[0];
        if (c.length > 1) {
            s += c[1] * t;
        }
        for (int k = 2; k < c.length; k++) {
            double tNext = 2 * t * tCur - tPrev;
            s += c[k] * tNext;
            tPrev = tCur;
            tCur = tNext;
        }
        return s;
    }

    /** Largest |p(x) - f(x)| on a fine grid of the interval. */
    public double maxError(DoubleUnaryOperator f, int samples) {
        double worst = 0;
        for (int i = 0; i <= samples; i++) {
            double x = lo + (hi - lo) * i / samples;
            worst = Math.max(worst, Math.abs(eval(x) - f.applyAsDouble(x)));
        }
        return worst;
    }

    /** Multiplicative depth of a Paterson–Stockmeyer / baby-step giant-step evaluation. */
    public int depth() {
        return 32 - Integer.numberOfLeadingZeros(Math.max(1, degree()));
    }
}
