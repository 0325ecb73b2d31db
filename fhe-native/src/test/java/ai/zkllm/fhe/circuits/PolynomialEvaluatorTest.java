package ai.zkllm.fhe.circuits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class PolynomialEvaluatorTest {
    private static final int DEPTH = 6;
    private static final FheFixture FIXTURE = new FheFixture(FheFixture.small(10, DEPTH, 2));
    private static final PolynomialEvaluator EVALUATOR = new PolynomialEvaluator(FIXTURE.evaluator(new int[0], true));
    private final Random random = new Random(5);

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    @Test
    void geluDegree15() {
        check(PolynomialEvaluatorTest::gelu, -4, 4, 15, 5);
    }

    @Test
    void expDegree7() {
        check(Math::exp, -2, 1, 7, 4);
    }

    @Test
    void unitIntervalNeedsNoAffineLevel() {
        check(Math::sin, -1, 1, 7, 3);
    }

    @Test
    void edgeDegrees() {
        check(Math::exp, -2, 1, 1, 2);
        check(Math::exp, -2, 1, 2, 3);
        check(Math::exp, -2, 1, 3, 3);
        check(PolynomialEvaluatorTest::gelu, -4, 4, 31, 6);
        check(x -> 0.75, -1, 1, 0, 0);
    }

    @Test
    void geluAfterLinearTransform() {
        int n = 16;
        double[][] m = new double[n][n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2 * random.nextDouble() - 1;
            for (int j = 0; j < n; j++) {
                m[i][j] = (2 * random.nextDouble() - 1) / 4; // keeps |M·v| ≤ 4
            }
        }
        LinearTransform transform = new LinearTransform(FIXTURE.context.slots(), m);
        ChebyshevApproximation p = ChebyshevApproximation.interpolate(PolynomialEvaluatorTest::gelu, -4, 4, 15);
        Evaluator evaluator = FIXTURE.evaluator(transform.requiredRotations(), true);
        Ciphertext input = FIXTURE.encrypt(transform.packInput(v));
        Ciphertext output = new PolynomialEvaluator(evaluator)
                .evaluate(transform.apply(evaluator, input), p);
        assertEquals(input.level() - 1 - PolynomialEvaluator.depth(p), output.level());
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            double y = 0;
            for (int j = 0; j < n; j++) {
                y += m[i][j] * v[j];
            }
            expected[i] = p.evaluate(y);
        }
        double bits = FheFixture.bitsOfPrecision("GELU_15(M·x), 16×16", expected, FIXTURE.decrypt(output), n);
        assertTrue(bits >= 10, "precision " + bits + " bits");
    }

    @Test
    void tooDeepPolynomialIsRefusedBeforeComputing() {
        ChebyshevApproximation p = ChebyshevApproximation.interpolate(Math::exp, -2, 1, 63);
        Ciphertext x = FIXTURE.encrypt(new double[] {0.5});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EVALUATOR.evaluate(x, p));
        assertEquals("polynomial of degree 63 on [-2.0, 1.0] needs 7 levels, the ciphertext has 6 left",
                e.getMessage());
    }

    /** Encrypted p(x) against the plaintext Clenshaw value, at the expected depth and the input's scale. */
    private void check(DoubleUnaryOperator f, double a, double b, int degree, int expectedDepth) {
        ChebyshevApproximation p = ChebyshevApproximation.interpolate(f, a, b, degree);
        System.out.printf("degree %d on [%s, %s]: approximation error %.3e%n", degree, a, b, p.maxError(f, 2001));
        assertEquals(expectedDepth, PolynomialEvaluator.depth(p));
        double[] x = new double[FIXTURE.context.slots()];
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = a + (b - a) * random.nextDouble();
            expected[i] = p.evaluate(x[i]);
        }
        Ciphertext input = FIXTURE.encrypt(x);
        Ciphertext output = EVALUATOR.evaluate(input, p);
        assertEquals(expectedDepth, input.level() - output.level(), "levels consumed");
        assertEquals(input.scale(), output.scale(), input.scale() * 1e-9);
        double bits = FheFixture.bitsOfPrecision(String.format("degree %d on [%s, %s] (depth %d)",
                degree, a, b, expectedDepth), expected, FIXTURE.decrypt(output), x.length);
        assertTrue(bits >= 10, "precision " + bits + " bits");
    }
}
