package ai.zkllm.settlement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Properties that must hold for any valid epoch, checked on seeded random inputs. */
class SettlementPropertiesTest {

    private static final int TRIALS = 300;

    /** A random epoch: sparse weights, some zero rows and stakes, stakes up to ~10^27, awkward emission amounts. */
    private static EpochInput randomEpoch(Random random) {
        int validators = 1 + random.nextInt(8);
        int miners = 1 + random.nextInt(12);
        BigInteger[] stakes = Stream.generate(() -> random.nextInt(5) == 0 ? BigInteger.ZERO : new BigInteger(1 + random.nextInt(90), random))
                .limit(validators).toArray(BigInteger[]::new);
        int someone = random.nextInt(validators);
        stakes[someone] = stakes[someone].add(BigInteger.ONE); // never all zero
        double[][] weights = new double[validators][miners];
        double[][] bonds = new double[validators][miners];
        for (int i = 0; i < validators; i++) {
            for (int j = 0; j < miners; j++) {
                weights[i][j] = random.nextInt(3) == 0 ? 0 : random.nextDouble() * 65535;
                bonds[i][j] = random.nextDouble();
            }
        }
        EmissionSchedule emission = new EmissionSchedule(
                new BigInteger(70, random), 1 + random.nextInt(1000));
        return new EpochInput(random.nextInt(Settlement.MAX_BRAINS), random.nextInt(100_000),
                distinctIds(random, validators), stakes, distinctIds(random, miners), weights,
                random.nextBoolean() ? bonds : null,
                BigDecimal.valueOf(0.05 + 0.95 * random.nextDouble()), BigDecimal.valueOf(random.nextDouble()),
                emission, RewardShares.DEFAULT);
    }

    private static int[] distinctIds(Random random, int count) {
        return random.ints(0, 4096).distinct().limit(count).toArray();
    }

    private static void forRandomEpochs(Consumer<EpochInput> property) {
        Random random = new Random(20261125);
        for (int trial = 0; trial < TRIALS; trial++) {
            property.accept(randomEpoch(random));
        }
    }

    @Test
    void payoutsAreNonNegativeAndSumExactlyToTheEmission() {
        forRandomEpochs(input -> {
            EpochSettlement settlement = Settlement.settle(input);
            assertEquals(settlement.emission(), SettlementTest.totalPaid(settlement));
            assertTrue(settlement.ownerReward().signum() >= 0);
            assertTrue(Arrays.stream(settlement.minerRewards()).allMatch(r -> r.signum() >= 0));
            assertTrue(Arrays.stream(settlement.validatorRewards()).allMatch(r -> r.signum() >= 0));
        });
    }

    @Test
    void incentiveAndDividendsSumToOneOrAreAllZero() {
        forRandomEpochs(input -> {
            ConsensusResult result = Settlement.settle(input).consensus();
            for (double[] distribution : new double[][] {result.incentive(), result.dividends()}) {
                double sum = Arrays.stream(distribution).sum();
                assertTrue(sum == 0 || Math.abs(sum - 1) < 1e-12, "sum " + sum);
            }
        });
    }

    @Test
    void aMinerNobodyWeightsEarnsNothing() {
        forRandomEpochs(input -> {
            for (double[] row : input.weights()) {
                row[0] = 0;
            }
            EpochSettlement settlement = Settlement.settle(input);
            assertEquals(0, settlement.consensus().consensus()[0]);
            assertEquals(0, settlement.consensus().incentive()[0]);
            assertEquals(BigInteger.ZERO, settlement.minerRewards()[0]);
        });
    }

    @Test
    void aLoneValidatorAgainstTheStakeMajorityIsClipped() {
        // Validator 0 holds under κ of the stake and puts all its weight on miner 0. Above the largest
        // weight any other validator gives miner 0, only validator 0 remains, short of the quorum;
        // so its weight is clipped to at most that, and its excess adds nothing to miner 0's rank.
        forRandomEpochs(input -> {
            BigInteger[] stakes = input.stakes();
            BigInteger others = Arrays.stream(stakes).reduce(BigInteger.ZERO, BigInteger::add).subtract(stakes[0]);
            if (others.signum() == 0) {
                return;
            }
            stakes[0] = new BigDecimal(stakes[0].min(others)).multiply(input.kappa())
                    .multiply(new BigDecimal("0.99")).toBigInteger();
            Arrays.fill(input.weights()[0], 0);
            input.weights()[0][0] = 1;

            ConsensusResult result = Settlement.settle(input).consensus();
            double[] stake = YumaConsensus.normalised(stakes);
            double largestOtherWeight = 0;
            double othersRank = 0;
            for (int i = 1; i < stakes.length; i++) {
                double weight = YumaConsensus.normalised(input.weights()[i])[0];
                largestOtherWeight = Math.max(largestOtherWeight, weight);
                othersRank += stake[i] * Math.min(weight, result.consensus()[0]);
            }
            assertTrue(result.consensus()[0] <= largestOtherWeight);
            assertEquals(othersRank + stake[0] * result.consensus()[0], result.rank()[0], 1e-12);
        });
    }

    @Test
    void settlingTheSameEpochAgainGivesTheSameResult() {
        forRandomEpochs(input -> {
            EpochSettlement first = Settlement.settle(input);
            EpochSettlement second = Settlement.settle(input);
            assertArrayEquals(first.consensus().consensus(), second.consensus().consensus());
            assertArrayEquals(first.consensus().incentive(), second.consensus().incentive());
            assertArrayEquals(first.consensus().dividends(), second.consensus().dividends());
            assertTrue(Arrays.deepEquals(first.consensus().bonds(), second.consensus().bonds()));
            assertArrayEquals(first.minerRewards(), second.minerRewards());
            assertArrayEquals(first.validatorRewards(), second.validatorRewards());
            assertEquals(first.ownerReward(), second.ownerReward());
        });
    }

    @Test
    void settlesAFullBrainAtTheCaps() {
        Random random = new Random(1);
        int validators = Settlement.MAX_VALIDATORS;
        int miners = Settlement.MAX_MINERS;
        double[][] weights = new double[validators][];
        for (int i = 0; i < validators; i++) {
            weights[i] = random.doubles(miners).toArray();
        }
        EpochInput input = new EpochInput(Settlement.MAX_BRAINS - 1, 7, IntStream.range(0, validators).toArray(),
                Stream.generate(() -> new BigInteger(80, random)).limit(validators).toArray(BigInteger[]::new),
                IntStream.range(0, miners).toArray(), weights, null,
                EpochInput.DEFAULT_KAPPA, EpochInput.DEFAULT_ALPHA,
                new EmissionSchedule(EmissionSchedule.BASE_UNITS_PER_TOKEN, 360), RewardShares.DEFAULT);

        EpochSettlement settlement = Settlement.settle(input);

        assertEquals(settlement.emission(), SettlementTest.totalPaid(settlement));
    }
}
