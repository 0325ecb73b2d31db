package ai.zkllm.registry;

import java.math.BigInteger;

/** A registration request with its outcome: one row of the {@code registrations} table. A Flink POJO. */
public class RegistrationDecision {

    public static final String ACCEPTED = "accepted";
    public static final String REFUSED = "refused";

    public int brain;
    public String role;
    public long id;
    public String hotkey;
    public BigInteger stake;
    /** When the registry decided, epoch milliseconds (the Kafka record time when there is one). */
    public long registeredAtMillis;
    /** {@link #ACCEPTED} or {@link #REFUSED}. */
    public String status;
    /** Why it was refused; null when accepted. */
    public String reason;

    public RegistrationDecision() {}

    public static RegistrationDecision of(RegistrationRequest request, String refusal, long atMillis) {
        RegistrationDecision decision = new RegistrationDecision();
        decision.brain = request.brain;
        decision.role = request.role;
        decision.id = request.id;
        decision.hotkey = request.hotkey;
        decision.stake = request.stake;
        decision.registeredAtMillis = atMillis;
        decision.status = refusal == null ? ACCEPTED : REFUSED;
        decision.reason = refusal;
        return decision;
    }

    public boolean accepted() {
        return ACCEPTED.equals(status);
    }

    @Override
    public String toString() {
        return "RegistrationDecision{brain=" + brain + ", role=" + role + ", id=" + id + ", status=" + status
                + (reason != null ? ", reason=" + reason : "") + "}";
    }
}
