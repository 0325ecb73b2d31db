package ai.zkllm.settlement;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Yuma consensus, exactly as the settlement issue states it: stake-weighted κ-quantile
 * consensus per miner, weights clipped to it, rank and incentive from the clipped weights,
 * exponentially smoothed bonds and dividends from them.
 *
 * <p>The decision of who stands behind a weight is exact: whether a set of validators holds at
 * least κ of the stake compares the integer stake sum with κ·total as exact decimals, so a stake
 * exactly at κ counts, one base unit short does not, and stakes beyond 2^53 never collapse into
 * one another. What follows from the consensus (rank, incentive, bonds, dividends) are scores, not
 * money, and run on doubles; the payouts split them exactly ({@link LargestRemainder}).
 *
 * <p>Edge cases: a validator whose weight row is all zero keeps an all-zero row (no division by
 * zero); a miner column whose bond increment is all zero keeps its previous bonds, renormalised,
 * because B = α·0 + (1−α)·B_prev normalises back to B_prev (zero stays zero).
 */
public final class YumaConsensus {

    private YumaConsensus() {}

    /**
     * @param stakes S, one per validator, integers ≥ 0, not all zero
     * @param weights W, one row per validator, one column per miner, finite and ≥ 0
     * @param previousBonds B_prev, same shape as {@code weights}, finite and ≥ 0
     * @param kappa the stake fraction that must back a weight for it to count, in (0, 1]
     * @param alpha how much of this epoch's bond increment enters the bonds, in [0, 1]
     */
    public static ConsensusResult compute(
            BigInteger[] stakes, double[][] weights, double[][] previousBonds, BigDecimal kappa, BigDecimal alpha) {
        int validators = stakes.length;
        int miners = validators == 0 ? 0 : weights[0].length;
        double[] stake = normalised(stakes);
        double smoothing = alpha.doubleValue();
        double[][] weight = new double[validators][];
        for (int i = 0; i < validators; i++) {
            weight[i] = normalised(weights[i]);
        }

        double[] consensus = new double[miners];
        double[] rank = new double[miners];
        double[][] increment = new double[validators][miners];
        StakeQuorum quorum = new StakeQuorum(stakes, kappa);
        for (int j = 0; j < miners; j++) {
            consensus[j] = quorum.consensus(column(weight, j));
            for (int i = 0; i < validators; i++) {
                increment[i][j] = stake[i] * Math.min(weight[i][j], consensus[j]);
                rank[j] += increment[i][j];
            }
        }
        double[] incentive = normalised(rank);

        double[][] bonds = new double[validators][miners];
        for (int i = 0; i < validators; i++) {
            for (int j = 0; j < miners; j++) {
                double normalisedIncrement = rank[j] == 0 ? 0 : increment[i][j] / rank[j];
                bonds[i][j] = smoothing * normalisedIncrement + (1 - smoothing) * previousBonds[i][j];
            }
        }
        normaliseColumns(bonds);

        double[] dividends = new double[validators];
        for (int i = 0; i < validators; i++) {
            for (int j = 0; j < miners; j++) {
                dividends[i] += bonds[i][j] * incentive[j];
            }
        }
        return new ConsensusResult(consensus, rank, incentive, normalised(dividends), bonds);
    }

    /** S / ΣS as doubles, each the exact ratio rounded once (34 digits, then to the nearest double). */
    static double[] normalised(BigInteger[] stakes) {
        BigDecimal total = new BigDecimal(Arrays.stream(stakes).reduce(BigInteger.ZERO, BigInteger::add));
        return Arrays.stream(stakes)
                .mapToDouble(s -> new BigDecimal(s).divide(total, MathContext.DECIMAL128).doubleValue())
                .toArray();
    }

    /** x / Σx, or all zero when Σx = 0 (an all-zero weight row stays zero). */
    static double[] normalised(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        double[] result = new double[values.length];
        if (sum > 0) {
            for (int k = 0; k < values.length; k++) {
                result[k] = values[k] / sum;
            }
        }
        return result;
    }

    private static void normaliseColumns(double[][] matrix) {
        int columns = matrix.length == 0 ? 0 : matrix[0].length;
        for (int j = 0; j < columns; j++) {
            double[] normalised = normalised(column(matrix, j));
            for (int i = 0; i < matrix.length; i++) {
                matrix[i][j] = normalised[i];
            }
        }
    }

    private static double[] column(double[][] matrix, int j) {
        double[] column = new double[matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            column[i] = matrix[i][j];
        }
        return column;
    }

    /** Decides, with exact stake sums, the largest weight that κ of the stake stands behind. */
    private static final class StakeQuorum {
        private final BigInteger[] stakes;
        /** κ·ΣS, exact: a product of decimals is a decimal, so nothing is rounded. */
        private final BigDecimal required;

        StakeQuorum(BigInteger[] stakes, BigDecimal kappa) {
            this.stakes = stakes;
            required = new BigDecimal(Arrays.stream(stakes).reduce(BigInteger.ZERO, BigInteger::add)).multiply(kappa);
        }

        /**
         * The largest w such that validators with weight ≥ w hold ≥ κ of the stake. Only the
         * column's values can be that w (the backing stake only changes at them), so walk them
         * from the largest down, taking each group of equal weights whole, and stop at the first
         * that reaches the quorum. w = 0 always qualifies, since every validator's weight is ≥ 0.
         */
        double consensus(double[] column) {
            Integer[] byWeightDescending = IntStream.range(0, column.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> column[i]).reversed())
                    .toArray(Integer[]::new);
            BigInteger backing = BigInteger.ZERO;
            for (int k = 0; k < byWeightDescending.length; k++) {
                int validator = byWeightDescending[k];
                backing = backing.add(stakes[validator]);
                boolean lastOfGroup = k + 1 == byWeightDescending.length
                        || column[byWeightDescending[k + 1]] != column[validator];
                if (lastOfGroup && new BigDecimal(backing).compareTo(required) >= 0) {
                    return column[validator];
                }
            }
            return 0;
        }
    }
}
