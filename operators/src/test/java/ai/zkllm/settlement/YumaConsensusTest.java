package ai.zkllm.settlement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class YumaConsensusTest {

    private static final double EPS = 1e-12;

    /*
     * Three validators, two miners, κ = 0.5, α = 0.1, stakes 5:3:2 → S = (0.5, 0.3, 0.2).
     * Raw weights: V0 (8, 2), V1 (4, 6), V2 (0, 5) → W = (0.8, 0.2), (0.4, 0.6), (0, 1).
     * Miner 0, weights from the top: 0.8 (V0, stake 0.5) → 0.5 ≥ κ, so C0 = 0.8.
     * Miner 1: 1.0 (V2, 0.2) → 0.2 < κ; 0.6 (V1) → 0.5 ≥ κ, so C1 = 0.6.
     * Clipped: V0 (0.8, 0.2), V1 (0.4, 0.6), V2 (0, 0.6)  (V2's 1.0 is cut to 0.6).
     * R0 = 0.5·0.8 + 0.3·0.4 = 0.52;  R1 = 0.5·0.2 + 0.3·0.6 + 0.2·0.6 = 0.40;  ΣR = 0.92.
     * I = (0.52/0.92, 0.40/0.92) = (13/23, 10/23).
     * ΔB column 0 = (0.40, 0.12, 0)/0.52 = (10/13, 3/13, 0); column 1 = (0.10, 0.18, 0.12)/0.40 = (1/4, 9/20, 3/10).
     */
    private static final BigInteger[] STAKES = stakes(5, 3, 2);
    private static final BigDecimal HALF = new BigDecimal("0.5");
    private static final BigDecimal TENTH = new BigDecimal("0.1");

    private static BigInteger[] stakes(long... values) {
        return Arrays.stream(values).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
    }
    private static final double[][] WEIGHTS = {{8, 2}, {4, 6}, {0, 5}};

    @Test
    void firstEpochBondsAreTheNormalisedIncrement() {
        // B_prev = 0, so B = 0.1·ΔB, which normalises back to ΔB.
        // D = (10/13·13/23 + 1/4·10/23, 3/13·13/23 + 9/20·10/23, 3/10·10/23) = (12.5, 7.5, 3)/23, sums to 1.
        ConsensusResult result = YumaConsensus.compute(STAKES, WEIGHTS, new double[3][2], HALF, TENTH);

        assertArrayEquals(new double[] {0.8, 0.6}, result.consensus(), EPS);
        assertArrayEquals(new double[] {0.52, 0.40}, result.rank(), EPS);
        assertArrayEquals(new double[] {13.0 / 23, 10.0 / 23}, result.incentive(), EPS);
        assertArrayEquals(new double[] {10.0 / 13, 1.0 / 4}, result.bonds()[0], EPS);
        assertArrayEquals(new double[] {3.0 / 13, 9.0 / 20}, result.bonds()[1], EPS);
        assertArrayEquals(new double[] {0, 3.0 / 10}, result.bonds()[2], EPS);
        assertArrayEquals(new double[] {12.5 / 23, 7.5 / 23, 3.0 / 23}, result.dividends(), EPS);
    }

    @Test
    void previousBondsAreSmoothedIn() {
        // B_prev = ((1, 0), (0, 0), (0, 1)); both columns of 0.1·ΔB + 0.9·B_prev already sum to 1:
        // column 0 = (0.1·10/13 + 0.9, 0.1·3/13, 0) = (12.7/13, 0.3/13, 0);
        // column 1 = (0.025, 0.045, 0.03 + 0.9) = (0.025, 0.045, 0.93).
        // D = (12.7/23 + 0.25/23, 0.3/23 + 0.45/23, 9.3/23) = (12.95, 0.75, 9.3)/23.
        double[][] previous = {{1, 0}, {0, 0}, {0, 1}};
        ConsensusResult result = YumaConsensus.compute(STAKES, WEIGHTS, previous, HALF, TENTH);

        assertArrayEquals(new double[] {12.7 / 13, 0.025}, result.bonds()[0], EPS);
        assertArrayEquals(new double[] {0.3 / 13, 0.045}, result.bonds()[1], EPS);
        assertArrayEquals(new double[] {0, 0.93}, result.bonds()[2], EPS);
        assertArrayEquals(new double[] {12.95 / 23, 0.75 / 23, 9.3 / 23}, result.dividends(), EPS);
    }

    @Test
    void stakeExactlyAtKappaCountsAsAQuorum() {
        // Two equal stakes, κ = 0.5: the validator weighting miner 0 at 1.0 alone holds exactly κ,
        // which satisfies "at least κ", so C0 = 1.0 and nothing is clipped.
        ConsensusResult result = YumaConsensus.compute(
                stakes(1, 1), new double[][] {{1, 0}, {0, 1}}, new double[2][2], HALF, TENTH);

        assertArrayEquals(new double[] {1, 1}, result.consensus(), EPS);
        assertArrayEquals(new double[] {0.5, 0.5}, result.incentive(), EPS);
    }

    @Test
    void stakesBeyondTwoToThe53AreComparedExactly() {
        // 10^24 + 1 against 10^24 (equal as doubles): only the larger holds half, κ = 0.5.
        BigInteger large = BigInteger.TEN.pow(24);
        ConsensusResult result = YumaConsensus.compute(new BigInteger[] {large.add(BigInteger.ONE), large},
                new double[][] {{1, 0}, {0, 1}}, new double[2][2], HALF, TENTH);

        assertArrayEquals(new double[] {1, 0}, result.consensus(), EPS);
    }

    @Test
    void stakeJustBelowKappaIsClippedToTheNextWeight() {
        // κ = 0.6 needs both validators, so each miner's consensus is the smaller weight, 0.
        ConsensusResult result = YumaConsensus.compute(
                stakes(1, 1), new double[][] {{1, 0}, {0, 1}}, new double[2][2], new BigDecimal("0.6"), TENTH);

        assertArrayEquals(new double[] {0, 0}, result.consensus(), EPS);
        assertArrayEquals(new double[] {0, 0}, result.incentive(), EPS);
        assertArrayEquals(new double[] {0, 0}, result.dividends(), EPS);
    }

    @Test
    void allZeroWeightRowStaysZeroInsteadOfDividingByZero() {
        // V1 (stake 0.25) sets no weights; V0 (0.75) puts everything on miner 0: C = (1, 0), I = (1, 0).
        ConsensusResult result = YumaConsensus.compute(
                stakes(3, 1), new double[][] {{1, 0}, {0, 0}}, new double[2][2], HALF, TENTH);

        assertArrayEquals(new double[] {1, 0}, result.consensus(), EPS);
        assertArrayEquals(new double[] {1, 0}, result.incentive(), EPS);
        assertArrayEquals(new double[] {1, 0}, result.dividends(), EPS);
        assertArrayEquals(new double[] {0, 0}, result.bonds()[1], EPS);
    }

    @Test
    void minerWithoutIncrementKeepsItsPreviousBonds() {
        // Nobody weights miner 1 now, so its bond column is 0.9·B_prev renormalised = B_prev / ΣB_prev.
        ConsensusResult result = YumaConsensus.compute(
                stakes(1, 1), new double[][] {{1, 0}, {1, 0}}, new double[][] {{0, 3}, {0, 1}}, HALF, TENTH);

        assertEquals(0.75, result.bonds()[0][1], EPS);
        assertEquals(0.25, result.bonds()[1][1], EPS);
        assertEquals(0, result.incentive()[1], EPS);
    }
}
