package ai.zkllm.settlement;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Settles one brain's epoch: validates the input, runs {@link YumaConsensus}, computes the
 * epoch's emission and splits it exactly with {@link LargestRemainder}.
 *
 * <p>The split has two stages, so each pool is exact on its own: the emission into the owner,
 * miner and validator pools by {@link RewardShares} (ties in that order), then the miner pool by
 * incentive and the validator pool by dividends. Every epoch pays all of its emission, so when
 * no miner earned incentive (no weights, or all clipped away) the miner pool goes to the
 * validators, and when the dividends are all zero (no bonds yet, e.g. α = 0 at the first epoch)
 * the validators are paid by stake, split exactly on the integer stakes.
 */
public final class Settlement {

    public static final int MAX_MINERS = 1792;
    public static final int MAX_VALIDATORS = 256;
    public static final int MAX_BRAINS = 1024;

    private static final int[] POOL_ORDER = {0, 1, 2};

    private Settlement() {}

    public static EpochSettlement settle(EpochInput input) {
        validate(input);
        double[][] previousBonds = input.previousBonds() != null
                ? input.previousBonds()
                : new double[input.validatorIds().length][input.minerIds().length];
        ConsensusResult consensus = YumaConsensus.compute(
                input.stakes(), input.weights(), previousBonds, input.kappa(), input.alpha());

        BigInteger emission = input.emission().epochEmission(input.epoch());
        RewardShares shares = input.shares();
        BigInteger[] pools = LargestRemainder.split(emission,
                new BigDecimal[] {shares.ownerPercent(), shares.minersPercent(), shares.validatorsPercent()},
                POOL_ORDER);
        BigInteger minerPool = pools[1];
        BigInteger validatorPool = pools[2];

        BigInteger[] minerRewards;
        if (hasPositive(consensus.incentive())) {
            minerRewards = LargestRemainder.split(minerPool, consensus.incentive(), input.minerIds());
        } else {
            minerRewards = zeros(input.minerIds().length);
            validatorPool = validatorPool.add(minerPool);
        }
        BigInteger[] validatorRewards = hasPositive(consensus.dividends())
                ? LargestRemainder.split(validatorPool, consensus.dividends(), input.validatorIds())
                : LargestRemainder.split(validatorPool,
                        Arrays.stream(input.stakes()).map(BigDecimal::new).toArray(BigDecimal[]::new), input.validatorIds());

        return new EpochSettlement(input.brain(), input.epoch(), input.validatorIds(), input.minerIds(),
                consensus, emission, pools[0], minerRewards, validatorRewards);
    }

    /** Throws {@link InvalidEpochException} naming the first problem found. */
    public static void validate(EpochInput input) {
        if (input.brain() < 0 || input.brain() >= MAX_BRAINS) {
            throw new InvalidEpochException("brain", "must be in [0, " + MAX_BRAINS + "), got " + input.brain());
        }
        require(input.emission() != null, "emission", "is required");
        require(input.shares() != null, "emission", "reward shares are required");
        input.emission().firstBlock(input.epoch());
        require(input.kappa() != null && input.kappa().signum() > 0 && input.kappa().compareTo(BigDecimal.ONE) <= 0,
                "kappa", "must be in (0, 1], got " + plain(input.kappa()));
        require(input.alpha() != null && input.alpha().signum() >= 0 && input.alpha().compareTo(BigDecimal.ONE) <= 0,
                "alpha", "must be in [0, 1], got " + plain(input.alpha()));

        int[] validatorIds = input.validatorIds();
        int[] minerIds = input.minerIds();
        require(validatorIds != null && validatorIds.length >= 1, "validators", "at least one validator is required");
        require(validatorIds.length <= MAX_VALIDATORS, "validators",
                "at most " + MAX_VALIDATORS + " per brain, got " + validatorIds.length);
        require(minerIds != null, "miners", "is required");
        require(minerIds.length <= MAX_MINERS, "miners", "at most " + MAX_MINERS + " per brain, got " + minerIds.length);
        requireDistinctIds("validators", validatorIds);
        requireDistinctIds("miners", minerIds);

        BigInteger[] stakes = input.stakes();
        require(stakes != null && stakes.length == validatorIds.length, "validators", "every validator needs a stake");
        for (int i = 0; i < stakes.length; i++) {
            String field = "validators[id=" + validatorIds[i] + "].stake";
            require(stakes[i] != null, field, "is required");
            require(stakes[i].signum() >= 0, field, "must be ≥ 0, got " + stakes[i]);
        }
        require(Arrays.stream(stakes).anyMatch(s -> s.signum() > 0), "validators", "stakes must not all be zero");

        requireMatrix("weights", input.weights(), validatorIds, minerIds, Double.POSITIVE_INFINITY);
        for (int i = 0; i < validatorIds.length; i++) {
            require(Double.isFinite(sum(input.weights()[i])), "weights[validator " + validatorIds[i] + "]",
                    "must sum to a finite number");
        }
        if (input.previousBonds() != null) {
            requireMatrix("previousBonds", input.previousBonds(), validatorIds, minerIds, 1);
        }
    }

    private static void requireMatrix(String field, double[][] matrix, int[] validatorIds, int[] minerIds, double max) {
        require(matrix != null && matrix.length == validatorIds.length, field,
                "needs one row per validator (" + validatorIds.length + ")");
        for (int i = 0; i < matrix.length; i++) {
            String row = field + "[validator " + validatorIds[i] + "]";
            require(matrix[i] != null && matrix[i].length == minerIds.length, row,
                    "needs one entry per miner (" + minerIds.length + ")");
            for (int j = 0; j < minerIds.length; j++) {
                String entry = row + "[miner " + minerIds[j] + "]";
                requireNonNegativeFinite(matrix[i][j], entry);
                require(matrix[i][j] <= max, entry, "must be ≤ " + max + ", got " + matrix[i][j]);
            }
        }
    }

    private static void requireDistinctIds(String field, int[] ids) {
        Set<Integer> seen = new HashSet<>();
        for (int id : ids) {
            require(id >= 0, field, "ids must be ≥ 0, got " + id);
            require(seen.add(id), field, "duplicate id " + id);
        }
    }

    private static void requireNonNegativeFinite(double value, String field) {
        require(Double.isFinite(value) && value >= 0, field, "must be finite and ≥ 0, got " + value);
    }

    private static void require(boolean condition, String field, String problem) {
        if (!condition) {
            throw new InvalidEpochException(field, problem);
        }
    }

    private static boolean hasPositive(double[] values) {
        return Arrays.stream(values).anyMatch(v -> v > 0);
    }

    private static String plain(BigDecimal value) {
        return value == null ? "null" : value.toPlainString();
    }

    private static double sum(double[] values) {
        return Arrays.stream(values).sum();
    }

    private static BigInteger[] zeros(int length) {
        BigInteger[] zeros = new BigInteger[length];
        Arrays.fill(zeros, BigInteger.ZERO);
        return zeros;
    }
}
