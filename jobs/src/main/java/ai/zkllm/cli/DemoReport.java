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
 * @param secondsPerRound   a round trip as the client saw it, which splits into the next three
 * @param clientSecondsPerRound encrypting the inputs and decrypting the outputs
 * @param minerSecondsPerRound  the miner's FHE work (keys, decode, evaluate, encode), from the receipts
 * @param streamSecondsPerRound the rest: Kafka both ways, Flink's network and the operator's queue
 * @param firstTokenSeconds the first token, which carries the whole prompt (time to first token)
 * @param secondsPerTokenAfterFirst each later token (a position each); null with one token
 * @param bytesUpPerTokenAfterFirst prompts per later token; null with one token
 * @param bytesDownPerTokenAfterFirst responses per later token; null with one token
 */
record DemoReport(String prompt, String continuation, int tokens, double secondsPerToken, double roundsPerToken,
                  long bytesUpPerToken, long bytesDownPerToken, long evaluationKeyBytes, List<Integer> ringDegrees,
                  String backend, double secondsPerRound, double clientSecondsPerRound, double minerSecondsPerRound,
                  double streamSecondsPerRound, double firstTokenSeconds, Double secondsPerTokenAfterFirst,
                  Long bytesUpPerTokenAfterFirst, Long bytesDownPerTokenAfterFirst) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    /** @param miner the receipts of the run's round trips, all of them (the demo waits for them) */
    static DemoReport of(String prompt, FheProgram program, Generation g, long evaluationKeyBytes, String backend,
                         ReceiptTimings miner) {
        int tokens = g.tokens().length;
        int rounds = g.roundTrips();
        double round = g.roundSeconds().stream().mapToDouble(Double::doubleValue).sum() / rounds;
        double client = g.clientSeconds() / rounds;
        double work = miner.minerSeconds() / miner.receipts();
        Generation.TokenCost first = g.firstToken();
        int later = tokens - 1;
        return new DemoReport(prompt, program.decodeTokens(g.tokens()), tokens, g.secondsPerToken(),
                (double) rounds / tokens, Math.round((double) g.bytesUp() / tokens),
                Math.round((double) g.bytesDown() / tokens),
                evaluationKeyBytes, List.of(program.parameters().n()), backend, // a program has one parameter set
                round, client, work, round - client - work, first.seconds(),
                later == 0 ? null : (g.seconds() - first.seconds()) / later,
                later == 0 ? null : Math.round((double) (g.bytesUp() - first.bytesUp()) / later),
                later == 0 ? null : Math.round((double) (g.bytesDown() - first.bytesDown()) / later));
    }

    String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings and numbers always serializes", e);
        }
    }
}
