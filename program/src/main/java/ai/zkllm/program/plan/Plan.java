package ai.zkllm.program.plan;

import ai.zkllm.fhe.ckks.Parameters;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled FHE plan: the parameter set, the rounds of one token (one {@link Stage} each) and the
 * level each round's input is encrypted at, which is exactly the levels the round consumes: every
 * response comes back at level 0, one limb per polynomial, the fewest bytes the client can decrypt.
 *
 * @param logN ring degree exponent
 * @param logScale scale primes' bits
 * @param depth levels of the chain (scale primes): the deepest round's
 * @param dnum key-switching digits
 * @param rounds the stage of each round
 * @param inputLevels the level of each round's inputs
 * @param estimatedSeconds the planner's latency estimate per token at {@code planningContext}
 * @param planningContext positions per token the estimate is for (a prompt's prefill)
 * @param rttSeconds round-trip time the planner assumed
 */
public record Plan(int logN, int logScale, int depth, int dnum, List<Stage> rounds, List<Integer> inputLevels,
        double estimatedSeconds, int planningContext, double rttSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Plan {
        rounds = List.copyOf(rounds);
        inputLevels = List.copyOf(inputLevels);
        if (rounds.size() != inputLevels.size()) {
            throw new IllegalArgumentException(rounds.size() + " rounds, " + inputLevels.size() + " input levels");
        }
        for (int level : inputLevels) {
            if (level < 1 || level > depth) {
                throw new IllegalArgumentException("input level " + level + " outside [1, " + depth + "]");
            }
        }
    }

    public Parameters parameters() {
        return Parameters.builder().logN(logN).logScale(logScale).depth(depth).dnum(dnum).build();
    }

    public int roundCount() {
        return rounds.size();
    }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("log_n", logN);
        n.put("log_scale", logScale);
        n.put("depth", depth);
        n.put("dnum", dnum);
        ArrayNode rs = n.putArray("rounds");
        for (int r = 0; r < rounds.size(); r++) {
            ObjectNode o = rs.addObject();
            o.put("kind", rounds.get(r).kind().name());
            o.put("layer", rounds.get(r).layer());
            o.put("input_level", inputLevels.get(r));
        }
        n.put("estimated_seconds_per_token", estimatedSeconds);
        n.put("planning_context", planningContext);
        n.put("rtt_seconds", rttSeconds);
        return n;
    }

    public static Plan fromJson(JsonNode n) throws IOException {
        List<Stage> rounds = new ArrayList<>();
        List<Integer> levels = new ArrayList<>();
        for (JsonNode r : n.get("rounds")) {
            rounds.add(new Stage(Stage.Kind.valueOf(r.get("kind").asText()), r.get("layer").asInt()));
            levels.add(r.get("input_level").asInt());
        }
        return new Plan(n.get("log_n").asInt(), n.get("log_scale").asInt(), n.get("depth").asInt(),
                n.get("dnum").asInt(), rounds, levels, n.get("estimated_seconds_per_token").asDouble(),
                n.get("planning_context").asInt(), n.get("rtt_seconds").asDouble());
    }

    /** One line per round: its stage and input level. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < rounds.size(); r++) {
            b.append(String.format("  round %d: %s@L%d%n", r, rounds.get(r), inputLevels.get(r)));
        }
        return b.toString();
    }
}
