package ai.zkllm.registry;

import ai.zkllm.settlement.Settlement;
import java.io.Serializable;

/**
 * How many brains the network holds and how many miners and validators each brain holds.
 * Brain ids are {@code 0 .. maxBrains-1} (the ids {@link Settlement} accepts), so the network
 * can never hold more than {@code maxBrains} brains. Tests use smaller caps to stay fast.
 */
public record RegistryCaps(int maxBrains, int maxMiners, int maxValidators) implements Serializable {

    /** The paper's figures: 1024 brains, 1792 miners and 256 validators per brain. */
    public static final RegistryCaps NETWORK =
            new RegistryCaps(Settlement.MAX_BRAINS, Settlement.MAX_MINERS, Settlement.MAX_VALIDATORS);

    public RegistryCaps {
        if (maxBrains < 1 || maxMiners < 0 || maxValidators < 1) {
            throw new IllegalArgumentException("caps must be positive: " + maxBrains + "/" + maxMiners + "/" + maxValidators);
        }
        if (maxBrains > Settlement.MAX_BRAINS || maxMiners > Settlement.MAX_MINERS
                || maxValidators > Settlement.MAX_VALIDATORS) {
            throw new IllegalArgumentException("caps above the network's (" + NETWORK + ") could not be settled");
        }
    }

    public int max(Role role) {
        return role == Role.MINER ? maxMiners : maxValidators;
    }
}
