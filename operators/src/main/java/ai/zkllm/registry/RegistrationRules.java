package ai.zkllm.registry;

/**
 * The registry's rules, free of Flink: whether one request is accepted given what the brain
 * already holds. Checked in this order, the first failure being the refusal reason:
 * readable message, brain id within the network's cap, known role, id ≥ 0, stake ≥ 0 (a
 * validator's &gt; 0, since stake is its voting power), id not yet registered in that role, and
 * the role's cap not yet reached.
 */
public final class RegistrationRules {

    private RegistrationRules() {}

    /**
     * @param alreadyRegistered whether this id already holds a place in this brain and role
     * @param registeredInRole how many ids this brain already holds in this role
     * @return null when accepted, else the reason for the refusal
     */
    public static String refusal(RegistrationRequest request, RegistryCaps caps,
                                 boolean alreadyRegistered, int registeredInRole) {
        if (request.problem != null) {
            return "malformed request: " + request.problem;
        }
        if (request.brain < 0 || request.brain >= caps.maxBrains()) {
            return "brain " + request.brain + " out of range: the network holds at most " + caps.maxBrains()
                    + " brains (ids 0.." + (caps.maxBrains() - 1) + ")";
        }
        Role role = Role.parse(request.role);
        if (role == null) {
            return "unknown role \"" + request.role + "\": must be miner or validator";
        }
        if (request.id < 0 || request.id > Integer.MAX_VALUE) {
            return role.label() + " id must be in [0, " + Integer.MAX_VALUE + "], got " + request.id;
        }
        if (request.stake == null || request.stake.signum() < 0) {
            return "stake must be an integer number of base units ≥ 0";
        }
        if (role == Role.VALIDATOR && request.stake.signum() == 0) {
            return "a validator's stake must be > 0";
        }
        if (alreadyRegistered) {
            return role.label() + " " + request.id + " is already registered to brain " + request.brain;
        }
        if (registeredInRole >= caps.max(role)) {
            return "brain " + request.brain + " is full: it already has " + registeredInRole + " "
                    + role.label() + "s (cap " + caps.max(role) + ")";
        }
        return null;
    }
}
