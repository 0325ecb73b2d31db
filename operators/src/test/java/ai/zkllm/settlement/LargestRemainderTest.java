package ai.zkllm.settlement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LargestRemainderTest {

    private static BigInteger[] units(long... values) {
        return Arrays.stream(values).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
    }

    @Test
    void leftOverUnitsGoToTheLargestFractionalParts() {
        // 10 split 0.55 : 0.3 : 0.15 → 5.5, 3, 1.5: floors 5, 3, 1 and one unit left;
        // the fractional parts 0.5 and 0.5 tie, so the lowest id (id 1, the third share) wins.
        BigInteger[] shares = LargestRemainder.split(BigInteger.TEN, new double[] {11, 6, 3}, new int[] {4, 7, 1});

        assertArrayEquals(units(5, 3, 2), shares);
    }

    @Test
    void equalWeightsBreakTiesByLowestIdNotByPosition() {
        BigInteger[] shares = LargestRemainder.split(BigInteger.TWO, new double[] {1, 1, 1}, new int[] {5, 2, 9});

        assertArrayEquals(units(1, 1, 0), shares);
    }

    @Test
    void largerFractionBeatsLowerId() {
        // 1 unit by 1 : 2 → 1/3, 2/3: the larger fraction wins though its id is higher.
        BigInteger[] shares = LargestRemainder.split(BigInteger.ONE, new double[] {1, 2}, new int[] {0, 1});

        assertArrayEquals(units(0, 1), shares);
    }

    @Test
    void doublesAreTakenAtTheirExactValue() {
        // 0.1 + 0.2 as doubles is not 0.3, yet the split still sums exactly to the total.
        BigInteger total = new BigInteger("1000000000000000000000");
        BigInteger[] shares = LargestRemainder.split(total, new double[] {0.1, 0.2, 0.7}, new int[] {0, 1, 2});

        assertEquals(total, shares[0].add(shares[1]).add(shares[2]));
    }
}
