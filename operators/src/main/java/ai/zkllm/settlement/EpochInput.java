package ai.zkllm.settlement;

/**
 * Everything one brain's epoch settlement reads. Rows of {@code weights} and
 * {@code previousBonds} follow {@code validatorIds}, columns follow {@code minerIds}.
 * Nothing is checked here; {@link Settlement#validate} does that, naming the offending field.
 *
 * @param brain the brain (subnet) id, in [0, {@value Settlement#MAX_BRAINS})
 * @param epoch the epoch number, from 0; with the schedule it fixes the epoch's blocks
 * @param validatorIds distinct ids ≥ 0
 * @param stakes one per validator: finite, ≥ 0, not all zero (any unit; only ratios matter)
 * @param minerIds distinct ids ≥ 0
 * @param weights the validators' raw weights on the miners: finite, ≥ 0 (rows are normalised)
 * @param previousBonds last epoch's bonds, each in [0, 1]; {@code null} at the first epoch
 * @param kappa the consensus quorum, in (0, 1]
 * @param alpha the bond smoothing factor, in [0, 1]
 */
public record EpochInput(
        int brain,
        long epoch,
        int[] validatorIds,
        double[] stakes,
        int[] minerIds,
        double[][] weights,
        double[][] previousBonds,
        double kappa,
        double alpha,
        EmissionSchedule emission,
        RewardShares shares) {

    public static final double DEFAULT_KAPPA = 0.5;
    public static final double DEFAULT_ALPHA = 0.1;
}
