package ai.zkllm.registry;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The registry in memory, for one process: applies {@link RegistrationRules} over all brains.
 * {@link RegistrationFunction} does the same with Flink keyed state; this one serves tests and
 * tools that check a batch of requests without a cluster.
 */
public final class BrainRoster {

    private final RegistryCaps caps;
    private final Map<Integer, Map<Role, Set<Long>>> members = new HashMap<>();

    public BrainRoster(RegistryCaps caps) {
        this.caps = caps;
    }

    public RegistrationDecision register(RegistrationRequest request, long atMillis) {
        Role role = Role.parse(request.role);
        Set<Long> ids = role == null ? Set.of()
                : members.computeIfAbsent(request.brain, b -> new HashMap<>()).computeIfAbsent(role, r -> new HashSet<>());
        String refusal = RegistrationRules.refusal(request, caps, ids.contains(request.id), ids.size());
        if (refusal == null) {
            ids.add(request.id);
        }
        return RegistrationDecision.of(request, refusal, atMillis);
    }

    public int count(int brain, Role role) {
        return members.getOrDefault(brain, Map.of()).getOrDefault(role, Set.of()).size();
    }
}
