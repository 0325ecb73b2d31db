package ai.zkllm.fhe.ckks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.FheFixture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    private static final int[] STEPS = {1, 2, 3, 7, -1, 100};
    private static final FheFixture KIT = new FheFixture(FheFixture.small(10, 7, 3), STEPS);
    private final Evaluator eval = KIT.evaluator;

    @Test
    void additionsAndSubtractions() {
        double[] a = KIT.randomValues(1);
        double[] b = KIT.randomValues(1);
        Ciphertext ca = KIT.encrypt(a);
        Ciphertext cb = KIT.encrypt(b);
        Plaintext pb = KIT.encoder.encode(b, KIT.context.maxLevel(), ca.scale());
        double[] sum = new double[a.length];
        double[] diff = new double[a.length];
        double[] plusConstant = new double[a.length];
        double[] negated = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
            diff[i] = a[i] - b[i];
            plusConstant[i] = a[i] + 0.25;
            negated[i] = -a[i];
        }
        FheFixture.assertPrecision("add ct-ct", sum, KIT.decrypt(eval.add(ca, cb)), 13);
        FheFixture.assertPrecision("sub ct-ct", diff, KIT.decrypt(eval.sub(ca, cb)), 13);
        FheFixture.assertPrecision("add ct-pt", sum, KIT.decrypt(eval.add(ca, pb)), 13);
        FheFixture.assertPrecision("sub ct-pt", diff, KIT.decrypt(eval.sub(ca, pb)), 13);
        FheFixture.assertPrecision("add ct-constant", plusConstant, KIT.decrypt(eval.add(ca, 0.25)), 13);
        FheFixture.assertPrecision("negate", negated, KIT.decrypt(eval.negate(ca)), 13);
        // Level matching: the higher operand is dropped.
        FheFixture.assertPrecision("add across levels", sum, KIT.decrypt(eval.add(eval.dropLevel(ca, 2), cb)), 13);
    }

    /** A sum of plaintext products: the bytes of multiplying and adding term by term, and refusals. */
    /** A batch is of one context and one level, an evaluator per ciphertext; an empty batch is empty. */
    @Test
    void batchesOfSessionsAreRefusedWhenTheyDoNotShareAContextOrLevel() {
        Evaluator eval = KIT.evaluator;
        Ciphertext top = KIT.encrypt(KIT.randomValues(1));
        Ciphertext lower = eval.dropLevel(top, top.level() - 1);
        FheFixture other = new FheFixture(FheFixture.small(10, 7, 3), STEPS);
        IllegalArgumentException levels = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.rotateEach(List.of(eval, eval), List.of(top, lower), 1));
        assertTrue(levels.getMessage().contains("one level"), levels.getMessage());
        IllegalArgumentException contexts = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.rotateEach(List.of(eval, other.evaluator), List.of(top, top), 1));
        assertTrue(contexts.getMessage().contains("one context"), contexts.getMessage());
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                () -> Evaluator.rotateEach(List.of(eval), List.of(top, top), 1));
        assertTrue(sizes.getMessage().contains("1 evaluators for 2 ciphertexts"), sizes.getMessage());
        assertTrue(Evaluator.rotateEach(List.of(), List.of(), 1).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> eval.addEach(List.of(top), List.of()));
    }

    @Test
    void multiplySumEqualsAddingTheProducts() {
        Ciphertext ca = KIT.encrypt(KIT.randomValues(1));
        Ciphertext cb = KIT.encrypt(KIT.randomValues(1));
        double scale = KIT.context.qModulus(ca.level()).value();
        Plaintext pa = KIT.encoder.encode(KIT.randomValues(1), ca.level(), scale);
        Plaintext pb = KIT.encoder.encode(KIT.randomValues(1), ca.level(), scale);
        Ciphertext expected = eval.add(eval.add(eval.multiply(ca, pa), eval.multiply(cb, pb)), eval.multiply(ca, pb));
        Ciphertext sum = eval.multiplySum(List.of(ca, cb, ca), List.of(pa, pb, pb));
        assertEquals(expected.level(), sum.level());
        assertEquals(expected.scale(), sum.scale());
        for (int i = 0; i < 2; i++) {
            assertEquals(expected.poly(i), sum.poly(i), "poly " + i);
        }
        // a higher ciphertext meets a plaintext at the product's level, as multiply does
        Plaintext lowA = KIT.encoder.encode(KIT.randomValues(1), ca.level() - 1, scale);
        Plaintext lowB = KIT.encoder.encode(KIT.randomValues(1), ca.level() - 1, scale);
        Ciphertext low = eval.multiplySum(List.of(ca, cb), List.of(lowA, lowB));
        assertEquals(eval.add(eval.multiply(ca, lowA), eval.multiply(cb, lowB)).poly(1), low.poly(1));

        assertThrows(IllegalArgumentException.class, () -> eval.multiplySum(List.of(ca, cb), List.of(pa, lowB)),
                "products at two levels");
        Plaintext otherScale = KIT.encoder.encode(KIT.randomValues(1), ca.level(), scale * 2);
        assertThrows(IllegalArgumentException.class, () -> eval.multiplySum(List.of(ca, cb), List.of(pa, otherScale)),
                "two scales");
        assertThrows(IllegalArgumentException.class, () -> eval.multiplySum(List.of(ca), List.of(pa, pb)), "lengths");
        assertThrows(IllegalArgumentException.class, () -> eval.multiplySum(List.of(), List.of()), "no terms");
        Ciphertext three = eval.multiply(ca, cb);  // not relinearized
        assertThrows(IllegalArgumentException.class, () -> eval.multiplySum(List.of(three), List.of(pa)), "3 polys");
    }

    @Test
    void multiplicationsAndRescale() {
        double[] a = KIT.randomValues(1);
        double[] b = KIT.randomValues(1);
        Ciphertext ca = KIT.encrypt(a);
        Ciphertext cb = KIT.encrypt(b);
        double[] product = new double[a.length];
        double[] times3 = new double[a.length];
        double[] timesConstant = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            product[i] = a[i] * b[i];
            times3[i] = -3 * a[i];
            timesConstant[i] = 0.7 * a[i];
        }
        Ciphertext tensor = eval.multiply(ca, cb);
        assertEquals(3, tensor.size());
        FheFixture.assertPrecision("multiply (3 polys)", product, KIT.decrypt(tensor), 13);
        Ciphertext relin = eval.multiplyRelin(ca, cb);
        assertEquals(2, relin.size());
        FheFixture.assertPrecision("multiplyRelin", product, KIT.decrypt(relin), 13);
        Ciphertext rescaled = eval.rescale(relin);
        assertEquals(KIT.context.maxLevel() - 1, rescaled.level());
        FheFixture.assertPrecision("multiplyRelin + rescale", product, KIT.decrypt(rescaled), 13);
        Plaintext pb = KIT.encoder.encode(b, KIT.context.maxLevel(), KIT.context.params().scale());
        FheFixture.assertPrecision("multiply ct-pt + rescale", product, KIT.decrypt(eval.rescale(eval.multiply(ca, pb))), 13);
        Ciphertext integer = eval.multiplyInteger(ca, -3);
        assertEquals(ca.level(), integer.level());
        FheFixture.assertPrecision("multiplyInteger", times3, KIT.decrypt(integer), 12);
        // A plaintext at scale 1 (here the constant polynomial -3) multiplies without consuming a level.
        double[] minusThrees = new double[a.length];
        java.util.Arrays.fill(minusThrees, -3);
        Ciphertext byIntegerPlaintext = eval.multiply(ca, KIT.encoder.encode(minusThrees, ca.level(), 1.0));
        assertEquals(ca.level(), byIntegerPlaintext.level());
        assertEquals(ca.scale(), byIntegerPlaintext.scale(), 0);
        FheFixture.assertPrecision("multiply by integer plaintext", times3, KIT.decrypt(byIntegerPlaintext), 12);
        Ciphertext scaled = eval.rescale(eval.multiplyConstant(ca, 0.7));
        assertEquals(ca.scale(), scaled.scale(), 0);
        FheFixture.assertPrecision("multiplyConstant + rescale", timesConstant, KIT.decrypt(scaled), 13);
    }

    @Test
    void everyGeneratedRotationAndConjugation() {
        double[] re = KIT.randomValues(1);
        double[] im = KIT.randomValues(1);
        Ciphertext ct = KIT.encryptor.encrypt(KIT.encoder.encode(re, im, KIT.context.maxLevel(), KIT.context.params().scale()));
        int slots = KIT.context.slots();
        for (int k : STEPS) {
            double[][] got = KIT.encoder.decodeComplex(KIT.decryptor.decrypt(eval.rotate(ct, k)));
            double[] expectedRe = new double[slots];
            double[] expectedIm = new double[slots];
            for (int j = 0; j < slots; j++) {
                expectedRe[j] = re[Math.floorMod(j + k, slots)];
                expectedIm[j] = im[Math.floorMod(j + k, slots)];
            }
            FheFixture.assertPrecision("rotate " + k + " (re)", expectedRe, got[0], 13);
            FheFixture.assertPrecision("rotate " + k + " (im)", expectedIm, got[1], 13);
        }
        double[][] conjugated = KIT.encoder.decodeComplex(KIT.decryptor.decrypt(eval.conjugate(ct)));
        double[] minusIm = im.clone();
        for (int j = 0; j < slots; j++) {
            minusIm[j] = -im[j];
        }
        FheFixture.assertPrecision("conjugate (re)", re, conjugated[0], 13);
        FheFixture.assertPrecision("conjugate (im)", minusIm, conjugated[1], 13);
    }

    @Test
    void hoistedRotationsEqualPlainRotations() {
        Ciphertext ct = eval.rescale(eval.multiplyRelin(KIT.encrypt(KIT.randomValues(1)), KIT.encrypt(KIT.randomValues(1))));
        Map<Integer, Ciphertext> hoisted = eval.rotateHoisted(ct, STEPS);
        assertEquals(STEPS.length, hoisted.size());
        for (int k : STEPS) {
            Ciphertext plain = eval.rotate(ct, k);
            Ciphertext h = hoisted.get(k);
            assertEquals(plain.level(), h.level());
            for (int i = 0; i < 2; i++) {
                assertEquals(plain.poly(i), h.poly(i), "step " + k + " poly " + i);
            }
        }
    }

    @Test
    void innerSumAddsBlocks() {
        int batch = 4;
        int n = 7;
        FheFixture kit = new FheFixture(FheFixture.small(10, 1, 1), Evaluator.innerSumSteps(batch, n));
        double[] v = kit.randomValues(1);
        int slots = kit.context.slots();
        double[] expected = new double[slots];
        for (int i = 0; i < slots; i++) {
            for (int j = 0; j < n; j++) {
                expected[i] += v[(i + j * batch) % slots];
            }
        }
        FheFixture.assertPrecision("innerSum(4, 7)", expected, kit.decrypt(kit.evaluator.innerSum(kit.encrypt(v), batch, n)), 11);
    }

    @Test
    void randomCircuitOfDepthSevenMixingEveryOperationMatchesPlainArithmetic() {
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3));
        Collections.shuffle(order, new Random(11));
        double[] x = KIT.randomValues(1);
        double[] y = KIT.randomValues(1);
        Ciphertext cx = KIT.encrypt(x);
        Ciphertext cy = KIT.encrypt(y);
        int slots = x.length;
        StringBuilder trace = new StringBuilder();
        for (int depth = 0, round = 0; depth < KIT.context.maxLevel(); depth++, round++) {
            // One multiplicative level per round, with linear operations mixed in; values stay in [-1, 1].
            switch (order.get(round % order.size())) {
                case 0 -> {
                    cx = eval.rescale(eval.multiplyRelin(cx, cy));
                    for (int i = 0; i < slots; i++) x[i] *= y[i];
                    trace.append("mul ");
                }
                case 1 -> {
                    cx = eval.rescale(eval.multiplyConstant(eval.add(cx, cy), 0.5));
                    for (int i = 0; i < slots; i++) x[i] = 0.5 * (x[i] + y[i]);
                    trace.append("avg ");
                }
                case 2 -> {
                    cx = eval.rotate(eval.rescale(eval.multiplyRelin(cx, cx)), 3);
                    double[] squared = new double[slots];
                    for (int i = 0; i < slots; i++) squared[i] = x[(i + 3) % slots] * x[(i + 3) % slots];
                    x = squared;
                    trace.append("sq-rot ");
                }
                default -> {
                    cx = eval.sub(eval.rescale(eval.multiplyConstant(cx, -0.75)), eval.dropLevel(cy, cx.level() - 1));
                    cx = eval.multiplyConstant(cx, 0.5);
                    cx = eval.rescale(cx);
                    for (int i = 0; i < slots; i++) x[i] = 0.5 * (-0.75 * x[i] - y[i]);
                    trace.append("affine ");
                    depth++;
                }
            }
            cy = eval.dropLevel(cy, Math.min(cy.level(), cx.level()));
            if (Math.abs(cy.scale() - cx.scale()) > 1e-9 * cx.scale()) {
                // Keep y at x's scale for the next round by re-encrypting it (a client-aided refresh).
                cy = KIT.encryptor.encrypt(KIT.encoder.encode(y, cx.level(), cx.scale()));
            }
        }
        assertTrue(cx.level() <= 1);
        FheFixture.assertPrecision("random circuit [" + trace.toString().trim() + "]", x, KIT.decrypt(cx), 10);
    }

    @Test
    void missingGaloisKeyIsNamed() {
        Ciphertext ct = KIT.encrypt(KIT.randomValues(1));
        int g = KIT.context.galoisElementForRotation(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval.rotate(ct, 5));
        assertTrue(e.getMessage().contains("rotate by [5]: no Galois key for element " + g), e.getMessage());
        assertTrue(e.getMessage().contains("generated: [5, "), e.getMessage());
    }

    @Test
    void mismatchedScalesAreRefused() {
        Ciphertext a = KIT.encrypt(KIT.randomValues(1));
        Ciphertext b = eval.multiplyInteger(KIT.encryptor.encrypt(
                KIT.encoder.encode(KIT.randomValues(1), KIT.context.maxLevel(), Math.scalb(1.0, 31))), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> eval.add(a, b));
        assertTrue(e.getMessage().startsWith("add: mismatched scales 2^30"), e.getMessage());
    }

    @Test
    void exhaustedLevelsAreRefused() {
        Ciphertext bottom = eval.dropLevel(KIT.encrypt(KIT.randomValues(1)), 0);
        IllegalStateException rescale = assertThrows(IllegalStateException.class, () -> eval.rescale(bottom));
        assertTrue(rescale.getMessage().startsWith("rescale: ciphertext is at level 0"), rescale.getMessage());
        IllegalStateException mul = assertThrows(IllegalStateException.class, () -> eval.multiply(bottom, bottom));
        assertTrue(mul.getMessage().startsWith("multiply: level exhausted"), mul.getMessage());
    }
}
