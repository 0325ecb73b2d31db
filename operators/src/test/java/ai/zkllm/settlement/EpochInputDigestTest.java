package ai.zkllm.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class EpochInputDigestTest {

    private static EpochInput epoch(String kappa, double weight, long stake) {
        return new EpochInput(3, 42, new int[] {0, 1}, new BigInteger[] {BigInteger.valueOf(stake), BigInteger.TEN},
                new int[] {10}, new double[][] {{weight}, {1}}, null, new BigDecimal(kappa), EpochInput.DEFAULT_ALPHA,
                new EmissionSchedule(BigInteger.ONE, 360), RewardShares.DEFAULT);
    }

    @Test
    void theSameInputsWrittenDifferentlyHaveOneDigest() {
        assertEquals(EpochInputDigest.of(epoch("0.5", 0.0, 5)), EpochInputDigest.of(epoch("0.500", -0.0, 5)));
        assertEquals(64, EpochInputDigest.of(epoch("0.5", 1, 5)).length());
    }

    @Test
    void anyChangedInputChangesTheDigest() {
        String digest = EpochInputDigest.of(epoch("0.5", 1, 5));
        assertNotEquals(digest, EpochInputDigest.of(epoch("0.6", 1, 5)));
        assertNotEquals(digest, EpochInputDigest.of(epoch("0.5", Math.nextUp(1.0), 5)));
        assertNotEquals(digest, EpochInputDigest.of(epoch("0.5", 1, 6)));
    }
}
