package ai.zkllm.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code zkllm bench model --json}: one JSON object with the plan, the keys and every token's figures. */
class BenchCommandTest {
    @Test
    void modelBenchmarkPrintsThePromptsTokenThenOnePositionPerToken() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, UTF_8));
            code = Zkllm.commandLine().execute("bench", "model", "--shape", "reference", "--layers", "1",
                    "--prompt", "3", "--tokens", "2", "--json");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        JsonNode j = new ObjectMapper().readTree(out.toString(UTF_8));
        assertEquals(1, j.at("/shape/layers").asInt());
        assertEquals(64, j.at("/shape/d").asInt());
        assertEquals(4, j.get("rounds").asInt(), "QKV, PROJ, MLP, HEAD");
        assertEquals(13, j.get("log_n").asInt());
        assertTrue(j.get("evaluation_key_bytes").asLong() > 0);
        assertEquals(2, j.get("tokens").size());
        assertEquals(3, j.at("/tokens/0/positions").asInt());
        assertEquals(1, j.at("/tokens/1/positions").asInt());
        for (JsonNode token : j.get("tokens")) {
            assertTrue(token.get("max_logit_error").asDouble() <= 1e-2, token.toString());
            assertEquals(List.of("QKV", "PROJ", "MLP", "HEAD"), fieldNames(token.get("seconds_by_stage")));
        }
        assertEquals(j.at("/tokens/1/seconds").asDouble(), j.get("seconds_per_token_after_first").asDouble());
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
