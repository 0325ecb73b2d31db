package ai.zkllm.settlement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettlementTest {

    private static final EmissionSchedule ONE_UNIT_PER_BLOCK = new EmissionSchedule(BigInteger.ONE, 360);

    static BigInteger[] stakes(long... values) {
        return Arrays.stream(values).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
    }

    static EpochInput input(int[] validatorIds, BigInteger[] stakes, int[] minerIds, double[][] weights) {
        return new EpochInput(3, 0, validatorIds, stakes, minerIds, weights, null,
                EpochInput.DEFAULT_KAPPA, EpochInput.DEFAULT_ALPHA, ONE_UNIT_PER_BLOCK, RewardShares.DEFAULT);
    }

    static BigInteger totalPaid(EpochSettlement settlement) {
        BigInteger total = settlement.ownerReward();
        for (BigInteger reward : settlement.minerRewards()) {
            total = total.add(reward);
        }
        for (BigInteger reward : settlement.validatorRewards()) {
            total = total.add(reward);
        }
        return total;
    }

    private static BigInteger[] units(long... values) {
        return Arrays.stream(values).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
    }

    @Test
    void handExamplePaysEveryUnitOfTheEpoch() {
        // Validators id 7 and id 2, equal stakes, both weight miners (3, 1): C = (0.75, 0.25), nothing clipped,
        // I = (0.75, 0.25); bonds are (0.5, 0.5) in each column, so D = (0.5, 0.5).
        // Emission: 360 blocks × 1 unit = 360 → pools 64.8 / 147.6 / 147.6 → floors 64 / 147 / 147, 2 units left:
        // owner (.8) first, then miners and validators tie at .6 and the miner pool comes first → 65 / 148 / 147.
        // Miners: 148 × (0.75, 0.25) = 111, 37. Validators: 147 × (0.5, 0.5) = 73.5 each, the tie goes to id 2.
        EpochSettlement settlement = Settlement.settle(
                input(new int[] {7, 2}, stakes(1, 1), new int[] {10, 11}, new double[][] {{3, 1}, {3, 1}}));

        assertEquals(BigInteger.valueOf(360), settlement.emission());
        assertEquals(BigInteger.valueOf(65), settlement.ownerReward());
        assertArrayEquals(units(111, 37), settlement.minerRewards());
        assertArrayEquals(units(73, 74), settlement.validatorRewards());
    }

    @Test
    void withoutIncentiveTheMinerPoolGoesToValidatorsByStake() {
        // No weights at all: no incentive, no bonds, so validators take 360 − 65 = 295 units by stake 3 : 1.
        EpochSettlement settlement = Settlement.settle(
                input(new int[] {0, 1}, stakes(3, 1), new int[] {10, 11}, new double[][] {{0, 0}, {0, 0}}));

        assertArrayEquals(units(0, 0), settlement.minerRewards());
        assertArrayEquals(units(221, 74), settlement.validatorRewards()); // 221.25, 73.75
    }

    static Stream<Arguments> invalidInputs() {
        int[] twoIds = {0, 1};
        BigInteger[] twoStakes = stakes(1, 1);
        double[][] weights = {{1, 0}, {0, 1}};
        EpochInput valid = input(twoIds, twoStakes, twoIds, weights);
        return Stream.of(
                invalid("validators", "duplicate id 4",
                        input(new int[] {4, 4}, twoStakes, twoIds, weights)),
                invalid("validators[id=9].stake", "must be ≥ 0, got -1",
                        input(new int[] {0, 9}, stakes(1, -1), twoIds, weights)),
                invalid("validators", "stakes must not all be zero",
                        input(twoIds, stakes(0, 0), twoIds, weights)),
                invalid("weights[validator 1]", "needs one entry per miner (2)",
                        input(twoIds, twoStakes, twoIds, new double[][] {{1, 0}, {1}})),
                invalid("weights[validator 0][miner 1]", "must be finite and ≥ 0, got NaN",
                        input(twoIds, twoStakes, twoIds, new double[][] {{1, Double.NaN}, {0, 1}})),
                invalid("weights", "needs one row per validator (2)",
                        input(twoIds, twoStakes, twoIds, new double[][] {{1, 0}})),
                invalid("previousBonds[validator 1][miner 0]", "must be ≤ 1.0, got 2.0",
                        with(valid, null, new double[][] {{0, 0}, {2, 0}}, "0.5", "0.1")),
                invalid("kappa", "must be in (0, 1], got 0", with(valid, null, null, "0", "0.1")),
                invalid("kappa", "must be in (0, 1], got 1.0000000000000000001",
                        with(valid, null, null, "1.0000000000000000001", "0.1")),
                invalid("alpha", "must be in [0, 1], got 1.5", with(valid, null, null, "0.5", "1.5")),
                invalid("validators", "at most 256 per brain, got 257",
                        input(IntStream.range(0, 257).toArray(), stakes(new long[257]), twoIds, new double[257][2])),
                invalid("miners", "at most 1792 per brain, got 1793",
                        input(twoIds, twoStakes, IntStream.range(0, 1793).toArray(), new double[2][1793])),
                invalid("brain", "must be in [0, 1024), got 1024", with(valid, 1024, null, "0.5", "0.1")));
    }

    /** {@code base} with another brain (unless null), previous bonds, κ and α. */
    private static EpochInput with(EpochInput base, Integer brain, double[][] bonds, String kappa, String alpha) {
        return new EpochInput(brain == null ? base.brain() : brain, base.epoch(), base.validatorIds(), base.stakes(),
                base.minerIds(), base.weights(), bonds, new BigDecimal(kappa), new BigDecimal(alpha),
                base.emission(), base.shares());
    }

    private static Arguments invalid(String field, String problem, EpochInput input) {
        return Arguments.of(field, problem, input);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalidInputs")
    void invalidInputIsRejectedNamingTheField(String field, String problem, EpochInput input) {
        InvalidEpochException e = assertThrows(InvalidEpochException.class, () -> Settlement.settle(input));

        assertEquals(field, e.field());
        assertEquals(field + ": " + problem, e.getMessage());
    }

    @Test
    void rewardSharesMustSumToExactlyAHundred() {
        InvalidEpochException e = assertThrows(InvalidEpochException.class,
                () -> new RewardShares(new BigDecimal("18"), new BigDecimal("41"), new BigDecimal("40.9")));

        assertEquals("emission: ownerPercent + minersPercent + validatorsPercent must be exactly 100, got 99.9",
                e.getMessage());
    }
}
