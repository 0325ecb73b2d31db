package ai.zkllm.client;

import java.util.List;

/**
 * The result of one generation: the new tokens, the logits each was sampled from, round-trip
 * timings, and the bytes moved (prompts up, responses down, evaluation keys uploaded).
 *
 * @param clientSeconds of the round trips' time, what the client spent encrypting and decrypting
 *                      ({@code RoundLoop.RoundTrip#clientSeconds}), summed
 * @param firstToken    what the first token cost: it carries the whole prompt, the later ones a position each
 */
public record Generation(int[] tokens, List<double[]> logits, List<Double> roundSeconds, double clientSeconds,
                         int roundTrips, long bytesUp, long bytesDown, long keyBytesUploaded, double seconds,
                         TokenCost firstToken) {
    /** Seconds and prompt / response bytes of one or more tokens. */
    public record TokenCost(double seconds, long bytesUp, long bytesDown) {}

    public double secondsPerToken() {
        return tokens.length == 0 ? 0 : seconds / tokens.length;
    }
}
