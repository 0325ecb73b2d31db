package ai.zkllm.fhe.circuits;

import java.util.function.DoubleUnaryOperator;

/**
 * A polynomial p(x) = Σ_(j≤d) c_j·T_j(y) on an interval [a, b], in the Chebyshev basis of the
 * affine image y = (2x - a - b)/(b - a) ∈ [-1, 1]. Immutable.
 */
public final class ChebyshevApproximation {
    private final double a;
    private final double b;
    private final double[] coefficients;

    /** The polynomial Σ coefficients[j]·T_j on [a, b] (coefficients[0] is the constant term as is). */
    public ChebyshevApproximation(double a, double b, double[] coefficients) {
        if (!(a < b) || Double.isInfinite(a) || Double.isInfinite(b)) {
            throw new IllegalArgumentException("need a finite interval a < b, got [" + a + ", " + b + "]");
        }
        if (coefficients.length == 0) {
            throw new IllegalArgumentException("need at least one coefficient");
        }
        this.a = a;
        this.b = b;
        this.coefficients = coefficients.clone();
    }

    /**
     * The degree-d interpolant of f at the d + 1 Chebyshev nodes cos(π(k + 1/2)/(d + 1)) mapped
     * to [a, b]; by discrete orthogonality of T_j on those nodes,
     * c_j = (2/(d+1))·Σ_k f(x_k)·T_j(y_k), with c_0 halved.
     */
    public static ChebyshevApproximation interpolate(DoubleUnaryOperator f, double a, double b, int degree) {
        if (degree < 0) {
            throw new IllegalArgumentException("degree must be >= 0, got " + degree);
        }
        int nodes = degree + 1;
        double[] values = new double[nodes];
        double[] angles = new double[nodes];
        for (int k = 0; k < nodes; k++) {
            angles[k] = Math.PI * (k + 0.5) / nodes;
            values[k] = f.applyAsDouble(fromUnit(Math.cos(angles[k]), a, b));
        }
        double[] c = new double[nodes];
        for (int j = 0; j < nodes; j++) {
            double sum = 0;
            for (int k = 0; k < nodes; k++) {
                sum += values[k] * Math.cos(j * angles[k]); // T_j(cos θ) = cos(jθ)
            }
            c[j] = (j == 0 ? 1.0 : 2.0) * sum / nodes;
        }
        return new ChebyshevApproximation(a, b, c);
    }

    public double a() { return a; }
    public double b() { return b; }
    public int degree() { return coefficients.length - 1; }
    public double[] coefficients() { return coefficients.clone(); }

    /** y = (2x - a - b)/(b - a). */
    public double toUnit(double x) {
        return (2 * x - a - b) / (b - a);
    }

    private static double fromUnit(double y, double a, double b) {
        return 0.5 * ((b - a) * y + a + b);
    }

    /** p(x) by Clenshaw's recurrence b_j = c_j + 2y·b_(j+1) - b_(j+2), p = c_0 + y·b_1 - b_2. */
    public double evaluate(double x) {
        double y = toUnit(x);
        double next = 0;
        double afterNext = 0;
        for (int j = coefficients.length - 1; j >= 1; j--) {
            double current = coefficients[j] + 2 * y * next - afterNext;
            afterNext = next;
            next = current;
        }
        return coefficients[0] + y * next - afterNext;
    }

    /** max |f(x) - p(x)| over {@code points} equally spaced points of [a, b], ends included. */
    public double maxError(DoubleUnaryOperator f, int points) {
        if (points < 2) {
            throw new IllegalArgumentException("need at least 2 grid points, got " + points);
        }
        double max = 0;
        for (int i = 0; i < points; i++) {
            double x = a + (b - a) * i / (points - 1);
            max = Math.max(max, Math.abs(f.applyAsDouble(x) - evaluate(x)));
        }
        return max;
    }
}
