package ai.zkllm.fhe.ckks;

import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.zkllm.fhe.FheFixture;
import org.junit.jupiter.api.Test;

class EncoderTest {
    private static final FheFixture KIT = new FheFixture(FheFixture.small(10, 4, 2));

    @Test
    void realRoundTripIsExactToTheScale() {
        double[] v = KIT.randomValues(1);
        for (int level : new int[] {0, 2, KIT.context.maxLevel()}) {
            double[] back = KIT.encoder.decode(KIT.encoder.encode(v, level, KIT.context.params().scale()));
            FheFixture.assertPrecision("encode/decode level " + level, v, back, 20);
        }
    }

    @Test
    void complexRoundTrip() {
        double[] re = KIT.randomValues(2);
        double[] im = KIT.randomValues(2);
        double[][] back = KIT.encoder.decodeComplex(KIT.encoder.encode(re, im, 3, Math.scalb(1.0, 30)));
        FheFixture.assertPrecision("complex encode/decode re", re, back[0], 20);
        FheFixture.assertPrecision("complex encode/decode im", im, back[1], 20);
    }

    @Test
    void largeScalesBeyondTwoToTheSixtyThreeAreReducedExactly() {
        double[] v = KIT.randomValues(1);
        Plaintext pt = KIT.encoder.encode(v, KIT.context.maxLevel(), Math.scalb(1.0, 90));
        FheFixture.assertPrecision("encode/decode scale 2^90", v, KIT.encoder.decode(pt), 40);
    }

    /** Coefficients below 2^61 take the branch-free reduction, larger ones the exact fallback: both decode back. */
    @Test
    void coefficientsOnEitherSideOfTheFastReductionBoundRoundTrip() {
        double[] v = KIT.randomValues(1);
        for (int logScale : new int[] {58, 60, 61, 62}) {
            Plaintext pt = KIT.encoder.encode(v, KIT.context.maxLevel(), Math.scalb(1.0, logScale));
            FheFixture.assertPrecision("encode/decode scale 2^" + logScale, v, KIT.encoder.decode(pt), 40);
        }
    }

    @Test
    void valuesTooLargeForTheLevelAreRefused() {
        double[] v = KIT.randomValues(1);
        assertThrows(IllegalArgumentException.class, () -> KIT.encoder.encode(v, 0, Math.scalb(1.0, 40)));
    }
}
