package ai.zkllm.fhe.circuits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearTransformTest {
    private static final FheFixture FIXTURE = new FheFixture(FheFixture.small(10, 2, 2));
    private final Random random = new Random(11);

    @Test
    void square16x16() {
        checkAgainstPlainProduct(16, 16);
    }

    @Test
    void wide8x32() {
        checkAgainstPlainProduct(8, 32);
    }

    @Test
    void tall32x8() {
        checkAgainstPlainProduct(32, 8);
    }

    @Test
    void tallMatrixNeedsOnlyInPeriodDiagonals() {
        LinearTransform transform = new LinearTransform(FIXTURE.context.slots(), randomMatrix(32, 8));
        // inPeriod 8, baby stride 4: baby steps 1..3, giant step 4.
        assertArrayEquals(new int[] {1, 2, 3, 4}, transform.requiredRotations());
    }

    @Test
    void sparseDiagonalsNeedOnlyTheirRotations() {
        double[][] m = new double[16][16];
        for (int i = 0; i < 16; i++) {
            m[i][i] = 1;            // diagonal 0
            m[i][(i + 5) % 16] = 2; // diagonal 5 = 1·4 + 1
        }
        LinearTransform transform = new LinearTransform(FIXTURE.context.slots(), m);
        assertArrayEquals(new int[] {1, 4}, transform.requiredRotations());
    }

    @Test
    void missingRotationKeyIsReported() {
        LinearTransform transform = new LinearTransform(FIXTURE.context.slots(), randomMatrix(16, 16));
        int[] steps = transform.requiredRotations();
        Ciphertext x = FIXTURE.encrypt(transform.packInput(randomVector(16)));
        for (int removed : new int[] {steps[0], steps[steps.length - 1]}) {
            int[] fewer = Arrays.stream(steps).filter(s -> s != removed).toArray();
            Evaluator evaluator = FIXTURE.evaluator(fewer, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> transform.apply(evaluator, x));
            assertTrue(e.getMessage().contains("no Galois key"), e.getMessage());
        }
    }

    /** Keys generated from requiredRotations() alone suffice, and the result matches M·x. */
    private void checkAgainstPlainProduct(int rows, int cols) {
        double[][] m = randomMatrix(rows, cols);
        double[] x = randomVector(cols);
        LinearTransform transform = new LinearTransform(FIXTURE.context.slots(), m);
        Evaluator evaluator = FIXTURE.evaluator(transform.requiredRotations(), false);
        Ciphertext input = FIXTURE.encrypt(transform.packInput(x));
        Ciphertext output = transform.apply(evaluator, input);
        assertEquals(input.level() - 1, output.level());
        assertEquals(input.scale(), output.scale(), input.scale() * 1e-12);

        double[] decrypted = FIXTURE.decrypt(output);
        double[] expected = new double[FIXTURE.context.slots()];
        for (int j = 0; j < expected.length; j++) {
            int i = j % transform.outPeriod();
            for (int c = 0; i < rows && c < cols; c++) {
                expected[j] += m[i][c] * x[c];
            }
        }
        String what = rows + "×" + cols + " matvec (" + transform.requiredRotations().length + " rotations)";
        double bits = FheFixture.bitsOfPrecision(what, expected, decrypted, expected.length);
        assertTrue(bits >= 12, "precision " + bits + " bits");
        // A second call reuses the plaintexts encoded for this level and gives the same result.
        assertArrayEquals(decrypted, FIXTURE.decrypt(transform.apply(evaluator, input)), 0);
    }

    private double[][] randomMatrix(int rows, int cols) {
        double[][] m = new double[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = randomVector(cols);
        }
        return m;
    }

    private double[] randomVector(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 2 * random.nextDouble() - 1;
        }
        return v;
    }
}
