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
 * A compiled FHE plan: the parameter set, the rounds (runs of stages between client refreshes),
 * the level every stage starts at, and the latency estimate the planner chose it by.
 *
 * @param logN ring degree exponent
 * @param logScale scale primes' bits
 * @param depth levels one round may consume (the chain has depth + 1 scale primes: one spare
 *     level keeps every round's output above level 0, where |value| would have to be below 1)
 * @param dnum key-switching digits
 * @param rounds stages per round
 * @param stageLevels level at which each stage starts, per round
 * @param estimatedSeconds the planner's latency estimate per token at {@code planningContext}
 * @param planningContext T the estimate is for
 * @param rttSeconds round-trip time the planner assumed
 */
public record Plan(int logN, int logScale, int depth, int dnum, List<List<Stage>> rounds,
        List<List<Integer>> stageLevels, double estimatedSeconds, int planningContext, double rttSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Parameters parameters() {
        return Parameters.builder().logN(logN).logScale(logScale).depth(depth + 1).dnum(dnum).build();
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
            ArrayNode st = rs.addArray();
            for (int s = 0; s < rounds.get(r).size(); s++) {
                Stage stage = rounds.get(r).get(s);
                ObjectNode o = st.addObject();
                o.put("kind", stage.kind().name());
                o.put("layer", stage.layer());
                o.put("level", stageLevels.get(r).get(s));
            }
        }
        n.put("estimated_seconds_per_token", estimatedSeconds);
        n.put("planning_context", planningContext);
        n.put("rtt_seconds", rttSeconds);
        return n;
    }

    public static Plan fromJson(JsonNode n) throws IOException {
        List<List<Stage>> rounds = new ArrayList<>();
        List<List<Integer>> levels = new ArrayList<>();
        for (JsonNode r : n.get("rounds")) {
            List<Stage> st = new ArrayList<>();
            List<Integer> lv = new ArrayList<>();
            for (JsonNode s : r) {
                st.add(new Stage(Stage.Kind.valueOf(s.get("kind").asText()), s.get("layer").asInt()));
                lv.add(s.get("level").asInt());
            }
            rounds.add(st);
            levels.add(lv);
        }
        return new Plan(n.get("log_n").asInt(), n.get("log_scale").asInt(), n.get("depth").asInt(),
                n.get("dnum").asInt(), rounds, levels, n.get("estimated_seconds_per_token").asDouble(),
                n.get("planning_context").asInt(), n.get("rtt_seconds").asDouble());
    }

    /** One line per round: its stages and start levels. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < rounds.size(); r++) {
            b.append(String.format("  round %d:", r));
            for (int s = 0; s < rounds.get(r).size(); s++) {
                b.append(' ').append(rounds.get(r).get(s)).append("@L").append(stageLevels.get(r).get(s));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
