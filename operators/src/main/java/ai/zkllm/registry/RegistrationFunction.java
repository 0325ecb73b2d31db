package ai.zkllm.registry;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides registrations, keyed by brain: the ids each role holds (unique per role) and their
 * counts live in keyed state, so the caps hold across restarts from a checkpoint. Every request
 * gives one {@link RegistrationDecision}, accepted or refused with its reason. Requests of one
 * brain must reach one subtask in order: key the Kafka topic by brain.
 */
public class RegistrationFunction extends KeyedProcessFunction<Integer, RegistrationRequest, RegistrationDecision> {

    private final RegistryCaps caps;
    private transient MapState<String, Boolean> members;
    private transient ValueState<Integer> miners;
    private transient ValueState<Integer> validators;

    public RegistrationFunction(RegistryCaps caps) {
        this.caps = caps;
    }

    @Override
    public void open(OpenContext openContext) {
        members = getRuntimeContext().getMapState(new MapStateDescriptor<>("members", Types.STRING, Types.BOOLEAN));
        miners = getRuntimeContext().getState(new ValueStateDescriptor<>("miners", Types.INT));
        validators = getRuntimeContext().getState(new ValueStateDescriptor<>("validators", Types.INT));
    }

    @Override
    public void processElement(RegistrationRequest request, Context ctx, Collector<RegistrationDecision> out)
            throws Exception {
        Role role = Role.parse(request.role);
        ValueState<Integer> count = role == Role.VALIDATOR ? validators : miners;
        String member = role == null ? null : role.label() + ":" + request.id;
        boolean already = member != null && members.contains(member);
        int registered = count.value() == null ? 0 : count.value();
        String refusal = RegistrationRules.refusal(request, caps, already, registered);
        if (refusal == null) {
            members.put(member, true);
            count.update(registered + 1);
        }
        Long timestamp = ctx.timestamp();
        out.collect(RegistrationDecision.of(request, refusal,
                timestamp != null && timestamp > 0 ? timestamp : System.currentTimeMillis()));
    }
}
