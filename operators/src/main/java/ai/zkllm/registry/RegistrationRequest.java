package ai.zkllm.registry;

import java.math.BigInteger;

/**
 * One registration as read from the {@code registrations} Kafka topic. A Flink POJO (public
 * fields, no-arg constructor). A request that could not be parsed keeps what was readable and
 * names the problem in {@link #problem}; it is refused with that reason, never dropped.
 */
public class RegistrationRequest {

    /** The brain to join; -1 when unreadable. */
    public int brain = -1;
    /** {@code miner} or {@code validator} as sent (checked by {@link RegistrationRules}). */
    public String role;
    /** The miner or validator id (uid) within its role, ≥ 0; -1 when unreadable. */
    public long id = -1;
    /** The registrant's public key or account, free text; may be null. */
    public String hotkey;
    /** Staked base units (10^18 per token); null when unreadable. */
    public BigInteger stake;
    /** Why the message could not be read, or null. */
    public String problem;

    public RegistrationRequest() {}

    public RegistrationRequest(int brain, String role, long id, String hotkey, BigInteger stake) {
        this.brain = brain;
        this.role = role;
        this.id = id;
        this.hotkey = hotkey;
        this.stake = stake;
    }

    public static RegistrationRequest malformed(String problem) {
        RegistrationRequest request = new RegistrationRequest();
        request.problem = problem;
        return request;
    }

    @Override
    public String toString() {
        return "RegistrationRequest{brain=" + brain + ", role=" + role + ", id=" + id + ", stake=" + stake
                + (problem != null ? ", problem=" + problem : "") + "}";
    }
}
