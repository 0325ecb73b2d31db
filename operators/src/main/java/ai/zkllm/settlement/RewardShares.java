package ai.zkllm.settlement;

import java.math.BigDecimal;

/**
 * How an epoch's emission is divided between the brain's owner, its miners and its validators,
 * in percent. Exact decimals, so "sums to 100" is checked without rounding.
 */
public record RewardShares(BigDecimal ownerPercent, BigDecimal minersPercent, BigDecimal validatorsPercent) {

    /** Declared before DEFAULT, whose construction checks against it. */
    private static final BigDecimal HUNDRED = new BigDecimal(100);
    /** Far finer than one base unit (10^-18 token) of any emission. */
    private static final int MAX_DECIMALS = 30;

    public static final RewardShares DEFAULT =
            new RewardShares(new BigDecimal("18"), new BigDecimal("41"), new BigDecimal("41"));

    public RewardShares {
        requirePercent("emission.ownerPercent", ownerPercent);
        requirePercent("emission.minersPercent", minersPercent);
        requirePercent("emission.validatorsPercent", validatorsPercent);
        if (ownerPercent.add(minersPercent).add(validatorsPercent).compareTo(HUNDRED) != 0) {
            throw new InvalidEpochException("emission",
                    "ownerPercent + minersPercent + validatorsPercent must be exactly 100, got "
                            + ownerPercent.add(minersPercent).add(validatorsPercent).toPlainString());
        }
    }

    private static void requirePercent(String field, BigDecimal percent) {
        if (percent == null || percent.signum() < 0 || percent.compareTo(HUNDRED) > 0) {
            throw new InvalidEpochException(field, "must be a percentage in [0, 100]");
        }
        // A percentage like 1e-999999999 is in range, but summing it would need a billion digits.
        if (percent.stripTrailingZeros().scale() > MAX_DECIMALS) {
            throw new InvalidEpochException(field, "must have at most " + MAX_DECIMALS + " decimal places");
        }
    }
}
