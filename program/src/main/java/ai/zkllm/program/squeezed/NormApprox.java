package ai.zkllm.program.squeezed;

/**
 * The squeezed LayerNorm scale {@code r(t) = 1/σ} of token t, in one of three forms: a Chebyshev
 * polynomial of the token's variance on a calibrated interval ({@code poly != null}), a calibrated
 * constant per position ({@code perPosition != null}), or exact, {@code 1/sqrt(variance + ε)},
 * computed by the client at the refresh before the site ({@link #client}). The output
 * {@code a[t] = x[t]·r(t)} then enters a matrix with mean subtraction, γ and β folded in.
 */
public final class NormApprox {
    /** Polynomial in the variance, or null. */
    public final Chebyshev poly;
    /** Per-position constants, or null. */
    public final double[] perPosition;
    /** ε of the exact client-side form, or NaN. */
    public final double clientEps;

    public NormApprox(Chebyshev poly, double[] perPosition) {
        this(poly, perPosition, Double.NaN);
    }

    private NormApprox(Chebyshev poly, double[] perPosition, double clientEps) {
        this.poly = poly;
        this.perPosition = perPosition;
        this.clientEps = clientEps;
    }

    /** The exact scale, computed by the client (client-aided normalisation). */
    public static NormApprox client(double eps) {
        return new NormApprox(null, null, eps);
    }

    public boolean atClient() {
        return !Double.isNaN(clientEps);
    }

    /** The per-position constant 1/σ at {@code position}. */
    public double constant(int position) {
        if (perPosition == null) {
            throw new IllegalStateException("this LayerNorm scale is not a per-position constant");
        }
        return perPosition[position];
    }

    /** Variance of one token: mean(x²) - mean(x)². */
    public static double variance(double[] x) {
        double s = 0;
        double s2 = 0;
        for (double v : x) {
            s += v;
            s2 += v * v;
        }
        double mu = s / x.length;
        return s2 / x.length - mu * mu;
    }

    public double[][] apply(double[][] x) {
        return apply(x, 0);
    }

    /** a[t] = x[t]·r(t) for rows at positions {@code first}, {@code first + 1}, .... */
    public double[][] apply(double[][] x, int first) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double r = atClient() ? 1 / Math.sqrt(variance(x[t]) + clientEps)
                    : poly != null ? poly.eval(variance(x[t])) : perPosition[first + t];
            y[t] = new double[x[t].length];
            for (int k = 0; k < x[t].length; k++) {
                y[t][k] = x[t][k] * r;
            }
        }
        return y;
    }

    /** Levels: square 1, μ² 1, polynomial, product 1 (constants fold, the client's form is free: 0). */
    public int depth() {
        return poly == null ? 0 : 2 + poly.depth() + 1;
    }
}
