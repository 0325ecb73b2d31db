package ai.zkllm.fhe.circuits;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Evaluator;
import java.util.Arrays;

/**
 * Evaluates a {@link ChebyshevApproximation} of degree d on a ciphertext whose slots lie in its
 * interval [a, b], with baby-step/giant-step splitting in the Chebyshev basis (Bossuat et al.).
 *
 * <p><b>Depth.</b> The result is {@link #depth} levels below the input: ⌈log2(d + 1)⌉, plus one
 * for the affine map to [-1, 1] unless b - a = 2 (then the map is a mere addition). The map is
 * not folded into the basis: it is one {@link Evaluator#multiplyConstant} and a rescale.
 *
 * <p><b>Algorithm.</b> Baby steps T_1..T_(2^l), l = max(1, ⌊m/2⌋) with m = ⌈log2(d + 1)⌉, giant
 * steps T_(2^k). A polynomial p is split as p = q·T_g + r with g the highest power of two
 * ≤ deg p (Chebyshev division: T_j·T_g = (T_(g+j) + T_(g-j))/2), recursively, until it is a
 * baby-step linear combination Σ c_i·T_i whose deepest term still fits the level budget of its
 * node; on the critical path that forces finer splits, which is what keeps the depth optimal.
 *
 * <p><b>Scales.</b> Each node is asked for a ciphertext at an exact level t and scale S. A linear
 * combination brings every T_i to level t + 1, multiplies it by c_i encoded at S·q_(t+1)/scale(T_i)
 * so all terms share scale S·q_(t+1), adds them and rescales once to S. A split asks for q at
 * level t + 1 and scale S·q_(t+1)/scale(T_g), so q·T_g rescales to S as well, and for r at (t, S).
 * The output has the input's scale.
 */
public final class PolynomialEvaluator {
    private final CkksContext context;
    private final Encoder encoder;
    private final Evaluator evaluator;

    public PolynomialEvaluator(Evaluator evaluator) {
        this.context = evaluator.context();
        this.encoder = evaluator.encoder();
        this.evaluator = evaluator;
    }

    /** Levels {@link #evaluate} consumes for p. */
    public static int depth(ChebyshevApproximation p) {
        return chebyshevDepth(p.degree()) + (needsScaling(p) ? 1 : 0);
    }

    /** ⌈log2(d + 1)⌉, the bit length of d. */
    static int chebyshevDepth(int degree) {
        return 32 - Integer.numberOfLeadingZeros(degree);
    }

    private static boolean needsScaling(ChebyshevApproximation p) {
        return p.b() - p.a() != 2.0;
    }

    /**
     * p(x) slot-wise, at level x.level() - depth(p) and scale x.scale(). Throws before any
     * computation when x has fewer levels left than that.
     */
    public Ciphertext evaluate(Ciphertext x, ChebyshevApproximation p) {
        int depth = depth(p);
        if (x.level() < depth) {
            throw new IllegalArgumentException(String.format(
                    "polynomial of degree %d on [%s, %s] needs %d levels, the ciphertext has %d left",
                    p.degree(), p.a(), p.b(), depth, x.level()));
        }
        Ciphertext y = toUnitInterval(x, p);
        double[] c = trimmed(p.coefficients());
        int degree = c.length - 1;
        int target = y.level() - chebyshevDepth(p.degree());
        if (degree == 0) {
            // 0·y keeps y's level and scale exactly: the result encrypts the public constant alone.
            return evaluator.add(evaluator.dropLevel(evaluator.multiplyInteger(y, 0), target), c[0]);
        }
        int babyLog = Math.max(1, chebyshevDepth(degree) / 2);
        ChebyshevBasis basis = new ChebyshevBasis(evaluator, encoder, y, degree, 1 << babyLog);
        return evaluateAt(basis, c, target, y.scale());
    }

    /** y = α·x + β with α = 2/(b - a), β = -(a + b)/(b - a); multiplyConstant + rescale keep the scale. */
    private Ciphertext toUnitInterval(Ciphertext x, ChebyshevApproximation p) {
        double alpha = 2 / (p.b() - p.a());
        double beta = -(p.a() + p.b()) / (p.b() - p.a());
        Ciphertext scaled = needsScaling(p) ? evaluator.rescale(evaluator.multiplyConstant(x, alpha)) : x;
        return beta == 0 ? scaled : evaluator.add(scaled, beta);
    }

    /** Σ c_i·T_i (deg c ≥ 1, leading coefficient non-zero) at exactly level target and scale. */
    private Ciphertext evaluateAt(ChebyshevBasis basis, double[] c, int target, double scale) {
        int degree = c.length - 1;
        if (degree <= basis.babyMax() && basis.power(degree).level() > target) {
            return linearCombination(basis, c, target, scale);
        }
        int g = Integer.highestOneBit(degree);
        double[] quotient = new double[degree - g + 1];
        double[] remainder = Arrays.copyOf(c, g);
        quotient[0] = c[g];
        for (int j = 1; j <= degree - g; j++) {
            quotient[j] = 2 * c[g + j];
            remainder[g - j] -= c[g + j];
        }
        int work = target + 1;
        Ciphertext giant = evaluator.dropLevel(basis.power(g), work);
        double productScale = scale * context.qModulus(work).value();
        double[] q = trimmed(quotient);
        Ciphertext product = q.length == 1
                ? ScaledConstant.multiplyToScale(evaluator, encoder, giant, q[0], productScale)
                : evaluator.multiplyRelin(evaluateAt(basis, q, work, productScale / giant.scale()), giant);
        return plus(basis, evaluator.rescale(product), trimmed(remainder), target, scale);
    }

    /** Σ_(i≥1) c_i·T_i brought to one scale at level target + 1, one rescale, then c_0. */
    private Ciphertext linearCombination(ChebyshevBasis basis, double[] c, int target, double scale) {
        int work = target + 1;
        double termScale = scale * context.qModulus(work).value();
        Ciphertext sum = null;
        for (int i = 1; i < c.length; i++) {
            if (c[i] != 0) {
                Ciphertext power = evaluator.dropLevel(basis.power(i), work);
                Ciphertext term = ScaledConstant.multiplyToScale(evaluator, encoder, power, c[i], termScale);
                sum = sum == null ? term : evaluator.add(sum, term);
            }
        }
        return evaluator.add(evaluator.rescale(sum), c[0]);
    }

    /** ct + Σ c_i·T_i, where ct is already at (target, scale). */
    private Ciphertext plus(ChebyshevBasis basis, Ciphertext ct, double[] c, int target, double scale) {
        if (c.length == 1) {
            return c[0] == 0 ? ct : evaluator.add(ct, c[0]);
        }
        return evaluator.add(ct, evaluateAt(basis, c, target, scale));
    }

    /** Without trailing zero coefficients, keeping at least the constant term. */
    private static double[] trimmed(double[] c) {
        int length = c.length;
        while (length > 1 && c[length - 1] == 0) {
            length--;
        }
        return Arrays.copyOf(c, length);
    }
}
