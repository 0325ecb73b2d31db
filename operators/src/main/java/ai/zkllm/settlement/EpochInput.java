package ai.zkllm.settlement;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Everything one brain's epoch settlement reads. Rows of {@code weights} and
 * {@code previousBonds} follow {@code validatorIds}, columns follow {@code minerIds}.
 * Nothing is checked here; {@link Settlement#validate} does that, naming the offending field.
 *
 * @param brain the brain (subnet) id, in [0, {@value Settlement#MAX_BRAINS})
 * @param epoch the epoch number, from 0; with the schedule it fixes the epoch's blocks
 * @param validatorIds distinct ids ≥ 0
 * @param stakes one per validator: integers ≥ 0 of any size, not all zero (base units; only ratios
 *     matter). Integers, so that who is paid never depends on rounding
 * @param minerIds distinct ids ≥ 0
 * @param weights the validators' raw weights on the miners: finite, ≥ 0 (rows are normalised)
 * @param previousBonds last epoch's bonds, each in [0, 1]; {@code null} at the first epoch
 * @param kappa the consensus quorum, in (0, 1], an exact decimal: the quorum is decided exactly
 * @param alpha the bond smoothing factor, in [0, 1], an exact decimal (so the inputs digest is too)
 */
public record EpochInput(
        int brain,
        long epoch,
        int[] validatorIds,
        BigInteger[] stakes,
        int[] minerIds,
        double[][] weights,
        double[][] previousBonds,
        BigDecimal kappa,
        BigDecimal alpha,
        EmissionSchedule emission,
        RewardShares shares) {

    public static final BigDecimal DEFAULT_KAPPA = new BigDecimal("0.5");
    public static final BigDecimal DEFAULT_ALPHA = new BigDecimal("0.1");
}
