package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ring.NativeLibrary;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.artifact.ShippedEnglishProgram;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code zkllm demo} in-process, as the launcher runs it: broker, MiniCluster, job and client, a token or two. */
class DemoCommandTest {
    private static final FheProgram PROGRAM = new ShippedEnglishProgram(); // the default
    private static final int TOKENS = 2;
    private static final String PROMPT = "The cat sat on the mat.";

    @Test
    void jsonIsOneObjectOfEveryMeasureAndNothingElseOnStdout() throws Exception {
        // 23 bytes: the first token sends three ciphertexts a round (8 positions each), the next one
        CliRun run = CliRun.of("demo", "--json", "--tokens", Integer.toString(TOKENS), "--prompt", PROMPT);
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, run.out().lines().count(), "stdout is the JSON object alone: " + run.out());
        JsonNode report = new ObjectMapper().readTree(run.out());
        Set<String> fields = new HashSet<>();
        report.fieldNames().forEachRemaining(fields::add);
        assertEquals(Set.of("prompt", "continuation", "tokens", "seconds_per_token", "rounds_per_token",
                "bytes_up_per_token", "bytes_down_per_token", "evaluation_key_bytes", "ring_degrees", "backend",
                "seconds_per_round", "client_seconds_per_round", "miner_seconds_per_round", "stream_seconds_per_round",
                "first_token_seconds", "seconds_per_token_after_first", "bytes_up_per_token_after_first",
                "bytes_down_per_token_after_first"), fields);

        assertEquals(PROMPT, report.get("prompt").textValue());
        assertTrue(report.get("tokens").isInt() && report.get("tokens").intValue() == TOKENS, report.toString());
        // byte-level model: a token is one UTF-8 byte, so a character or a piece of one
        String continuation = report.get("continuation").textValue();
        int characters = continuation.codePointCount(0, continuation.length());
        assertTrue(characters >= 1 && characters <= TOKENS, continuation);
        if (continuation.indexOf('\uFFFD') < 0) {
            assertEquals(TOKENS, PROGRAM.encodeText(continuation).length, continuation);
        }

        assertTrue(report.get("seconds_per_token").isNumber() && report.get("seconds_per_token").doubleValue() > 0,
                report.toString());
        assertEquals(PROGRAM.rounds(), report.get("rounds_per_token").doubleValue(), report.toString());
        // a round splits into the client's, the miner's (from the receipts) and the stream's time, each real
        double round = report.get("seconds_per_round").doubleValue();
        double client = report.get("client_seconds_per_round").doubleValue();
        double miner = report.get("miner_seconds_per_round").doubleValue();
        double stream = report.get("stream_seconds_per_round").doubleValue();
        assertTrue(client > 0 && miner > 0 && stream > 0 && client + miner + stream <= round + 1e-9, report.toString());
        assertTrue(round * PROGRAM.rounds() <= report.get("seconds_per_token").doubleValue() + 1e-9, report.toString());
        int n = PROGRAM.parameters().n();
        // every round sends and receives at least one ciphertext: at least N coefficients of a byte or more
        long leastPerToken = (long) PROGRAM.rounds() * n;
        for (String bytes : new String[] {"bytes_up_per_token", "bytes_down_per_token"}) {
            assertTrue(report.get(bytes).isIntegralNumber() && report.get(bytes).longValue() >= leastPerToken,
                    report.toString());
        }
        // the first token and the later ones make up the whole; the prompt's three ciphertexts a round cost more bytes
        double first = report.get("first_token_seconds").doubleValue();
        double later = report.get("seconds_per_token_after_first").doubleValue();
        assertTrue(first > 0 && later > 0, report.toString());
        assertEquals(TOKENS * report.get("seconds_per_token").doubleValue(), first + (TOKENS - 1) * later, 1e-6);
        long laterUp = report.get("bytes_up_per_token_after_first").longValue();
        long firstUp = TOKENS * report.get("bytes_up_per_token").longValue() - (TOKENS - 1) * laterUp;
        assertTrue(laterUp >= leastPerToken && firstUp > 2 * laterUp, report.toString());
        assertTrue(report.get("bytes_down_per_token_after_first").longValue() >= leastPerToken, report.toString());
        assertTrue(report.get("evaluation_key_bytes").isIntegralNumber()
                && report.get("evaluation_key_bytes").longValue() > n, report.toString());
        assertEquals(List.of(n), new ObjectMapper().convertValue(report.get("ring_degrees"), List.class));
        // the demo's default --backend auto takes the native kernels where they load
        assertEquals(NativeLibrary.isAvailable() ? "native" : "java", report.get("backend").textValue());
    }

    @Test
    void textPrintsThePromptAndTheContinuationOnLinesOfTheirOwn() {
        CliRun run = CliRun.of("demo", "--tokens", "1", "--prompt", "The cat");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(2, lines.size(), run.out());
        assertEquals("prompt:       The cat", lines.get(0));
        assertTrue(lines.get(1).matches("continuation: .+"), lines.get(1));
    }
}
