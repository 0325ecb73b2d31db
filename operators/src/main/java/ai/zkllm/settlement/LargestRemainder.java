package ai.zkllm.settlement;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Splits an integer amount exactly in proportion to weights: each share is floored, then the
 * units left over go one at a time to the largest fractional parts, ties to the lowest id.
 *
 * <p>Weights given as doubles are taken at their exact binary value (a double is a finite
 * decimal) and scaled to integers on one common decimal scale, so shares are exact rationals
 * total·w[k]/Σw: the floor is an integer division and the fractional parts compare as the
 * division remainders. Nothing is rounded, so the result is the same on every machine.
 */
public final class LargestRemainder {

    private LargestRemainder() {}

    /** Splits by doubles (for example incentive or dividends); see the class comment. */
    public static BigInteger[] split(BigInteger total, double[] weights, int[] ids) {
        return split(total, Arrays.stream(weights).mapToObj(BigDecimal::new).toArray(BigDecimal[]::new), ids);
    }

    /**
     * @param total the amount to split, ≥ 0
     * @param weights finite, ≥ 0, with a positive sum
     * @param ids distinct ids breaking ties between equal fractional parts, lowest first
     * @return the shares, in the order of {@code weights}, summing exactly to {@code total}
     */
    public static BigInteger[] split(BigInteger total, BigDecimal[] weights, int[] ids) {
        int commonScale = Arrays.stream(weights).mapToInt(BigDecimal::scale).max().orElse(0);
        BigInteger[] units = Arrays.stream(weights)
                .map(w -> w.setScale(commonScale).unscaledValue())
                .toArray(BigInteger[]::new);
        BigInteger unitSum = Arrays.stream(units).reduce(BigInteger.ZERO, BigInteger::add);
        if (unitSum.signum() <= 0) {
            throw new IllegalArgumentException("weights must have a positive sum");
        }

        BigInteger[] shares = new BigInteger[units.length];
        BigInteger[] fractions = new BigInteger[units.length];
        BigInteger leftOver = total;
        for (int k = 0; k < units.length; k++) {
            BigInteger[] quotientAndRemainder = total.multiply(units[k]).divideAndRemainder(unitSum);
            shares[k] = quotientAndRemainder[0];
            fractions[k] = quotientAndRemainder[1];
            leftOver = leftOver.subtract(shares[k]);
        }

        // Fewer units are left over than there are shares, since each floor loses less than one.
        IntStream.range(0, units.length).boxed()
                .sorted(Comparator.comparing((Integer k) -> fractions[k]).reversed()
                        .thenComparingInt(k -> ids[k]))
                .limit(leftOver.longValueExact())
                .forEach(k -> shares[k] = shares[k].add(BigInteger.ONE));
        return shares;
    }
}
