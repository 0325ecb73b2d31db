package ai.zkllm.cli;

import ai.zkllm.client.Generation;
import ai.zkllm.program.FheProgram;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.List;

/**
 * What one {@code zkllm demo} run measured, costs per token; {@code zkllm demo --json} prints it as
 * one JSON object whose keys are these components in snake_case.
 *
 * @param bytesUpPerToken   serialized prompts sent, per token, rounded to a byte (round inputs travel
 *                          inline, so there are no blob payloads to add)
 * @param bytesDownPerToken serialized responses received, per token, rounded to a byte
 * @param evaluationKeyBytes size of the evaluation-key blob the client uploaded (once per run)
 * @param ringDegrees       the distinct ring degrees N of the program's parameter sets
 * @param backend           the ring backend the InferenceJob ran on: java or native
 */
record DemoReport(String prompt, String continuation, int tokens, double secondsPerToken, double roundsPerToken,
                  long bytesUpPerToken, long bytesDownPerToken, long evaluationKeyBytes, List<Integer> ringDegrees,
                  String backend) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    static DemoReport of(String prompt, FheProgram program, Generation g, long evaluationKeyBytes, String backend) {
        int tokens = g.tokens().length;
        return new DemoReport(prompt, program.decodeTokens(g.tokens()), tokens, g.secondsPerToken(),
                (double) g.roundTrips() / tokens, Math.round((double) g.bytesUp() / tokens),
                Math.round((double) g.bytesDown() / tokens),
                evaluationKeyBytes, List.of(program.parameters().n()), backend); // a program has one parameter set
    }

    String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings and numbers always serializes", e);
        }
    }
}
