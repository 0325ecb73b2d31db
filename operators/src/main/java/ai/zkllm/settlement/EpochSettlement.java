package ai.zkllm.settlement;

import java.math.BigInteger;

/**
 * One brain's settled epoch: the consensus and the integer payouts, which sum exactly to
 * {@code emission}. Reward arrays follow {@code minerIds} and {@code validatorIds}.
 */
public record EpochSettlement(
        int brain,
        long epoch,
        int[] validatorIds,
        int[] minerIds,
        ConsensusResult consensus,
        BigInteger emission,
        BigInteger ownerReward,
        BigInteger[] minerRewards,
        BigInteger[] validatorRewards) {}
