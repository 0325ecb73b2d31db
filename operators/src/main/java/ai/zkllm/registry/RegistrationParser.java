package ai.zkllm.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.Set;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Reads one JSON message of the {@code registrations} topic:
 * <pre>{"brain": 3, "role": "miner", "id": 10, "stake": "1000000000000000000", "hotkey": "5F…"}</pre>
 * {@code stake} is in base units, as a string or an integer ({@code hotkey} optional). Anything
 * unreadable becomes a request whose {@code problem} says why, so it is refused with a reason.
 */
public class RegistrationParser implements MapFunction<String, RegistrationRequest> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The registrations table stores stakes as DECIMAL(38,0): below 10^38. */
    private static final BigInteger DECIMAL_38_LIMIT = BigInteger.TEN.pow(38);
    private static final Set<String> FIELDS = Set.of("brain", "role", "id", "stake", "hotkey");

    @Override
    public RegistrationRequest map(String message) {
        return parse(message);
    }

    public static RegistrationRequest parse(String message) {
        JsonNode node;
        try {
            node = JSON.readTree(message);
        } catch (Exception e) {
            return RegistrationRequest.malformed("not JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            return RegistrationRequest.malformed("not a JSON object");
        }
        RegistrationRequest request = new RegistrationRequest();
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                request.problem = "unknown field \"" + name + "\"";
            }
        }
        JsonNode brain = node.get("brain");
        if (brain != null && brain.canConvertToInt() && brain.isIntegralNumber()) {
            request.brain = brain.intValue();
        } else {
            request.problem = first(request.problem, "brain: an integer is required");
        }
        request.role = node.hasNonNull("role") ? node.get("role").asText() : null;
        JsonNode id = node.get("id");
        if (id != null && id.isIntegralNumber() && id.canConvertToLong()) {
            request.id = id.longValue();
        } else {
            request.problem = first(request.problem, "id: an integer is required");
        }
        request.hotkey = node.hasNonNull("hotkey") ? node.get("hotkey").asText() : null;
        JsonNode stake = node.get("stake");
        try {
            if (stake != null && stake.isIntegralNumber()) {
                request.stake = stake.bigIntegerValue();
            } else if (stake != null && stake.isTextual()) {
                request.stake = new BigInteger(stake.textValue());
            } else {
                request.problem = first(request.problem, "stake: base units as an integer or a string are required");
            }
        } catch (NumberFormatException e) {
            request.problem = first(request.problem, "stake: not an integer: \"" + stake.textValue() + "\"");
        }
        if (request.stake != null && request.stake.compareTo(DECIMAL_38_LIMIT) >= 0) {
            request.problem = first(request.problem, "stake: more than DECIMAL(38,0) holds");
        }
        return request;
    }

    private static String first(String existing, String problem) {
        return existing != null ? existing : problem;
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
