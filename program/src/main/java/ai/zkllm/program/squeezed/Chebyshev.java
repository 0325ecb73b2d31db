package ai.zkllm.program.squeezed;

import ai.zkllm.fhe.circuits.ChebyshevApproximation;
import ai.zkllm.fhe.circuits.PolynomialEvaluator;
import java.util.function.DoubleUnaryOperator;

/**
 * The squeezed model's GELU polynomial: a {@link ChebyshevApproximation} (the one implementation
 * of fitting and evaluation, shared with the FHE circuits) whose interval and coefficients are
 * stored as float32, as the artifact holds them. Outside the interval nothing is clamped (an FHE
 * circuit cannot clamp): the polynomial is simply evaluated there.
 */
public final class Chebyshev {
    private final ChebyshevApproximation onInterval;
    /** The same coefficients in the normalised variable t ∈ [-1, 1] (what the FHE program evaluates). */
    private final ChebyshevApproximation onUnit;

    public Chebyshev(double lo, double hi, double[] coefficients) {
        if (!(hi > lo)) {
            throw new IllegalArgumentException("empty interval [" + lo + ", " + hi + "]");
        }
        double[] c = Precision.f32(coefficients);
        this.onInterval = new ChebyshevApproximation(Precision.f32(lo), Precision.f32(hi), c);
        this.onUnit = new ChebyshevApproximation(-1, 1, c);
    }

    /** Interpolates {@code f} at the {@code degree + 1} Chebyshev nodes of {@code [lo, hi]}. */
    public static Chebyshev fit(DoubleUnaryOperator f, double lo, double hi, int degree) {
        return new Chebyshev(lo, hi, ChebyshevApproximation.interpolate(f, lo, hi, degree).coefficients());
    }

    public double lo() {
        return onInterval.a();
    }

    public double hi() {
        return onInterval.b();
    }

    public int degree() {
        return onInterval.degree();
    }

    public double[] coefficients() {
        return onInterval.coefficients();
    }

    /** The polynomial in the normalised variable, as the FHE program evaluates it. */
    public ChebyshevApproximation unit() {
        return onUnit;
    }

    /** The affine map x → t onto [-1, 1]: t = alpha·x + beta. */
    public double alpha() {
        return 2.0 / (hi() - lo());
    }

    public double beta() {
        return -(hi() + lo()) / (hi() - lo());
    }

    public double eval(double x) {
        return evalT(alpha() * x + beta());
    }

    /** Evaluates in the normalised variable t. */
    public double evalT(double t) {
        return onUnit.evaluate(t);
    }

    /** Largest |p(x) - f(x)| on a fine grid of the interval. */
    public double maxError(DoubleUnaryOperator f, int samples) {
        double worst = 0;
        for (int i = 0; i <= samples; i++) {
            double x = lo() + (hi() - lo()) * i / samples;
            worst = Math.max(worst, Math.abs(eval(x) - f.applyAsDouble(x)));
        }
        return worst;
    }

    /** Multiplicative depth of the FHE evaluation (baby-step giant-step, on [-1, 1]). */
    public int depth() {
        return PolynomialEvaluator.depth(onUnit);
    }
}
