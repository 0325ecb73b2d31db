package ai.zkllm.client;

/** Called as tokens arrive; the CLI prints them with a progress line. */
public interface TokenListener {

    void onToken(int index, int token, Progress progress);

    /** Running totals of one generation. */
    record Progress(int tokens, int roundTrips, long bytesUp, long bytesDown, double elapsedSeconds) {
        public double tokensPerSecond() {
            return elapsedSeconds > 0 ? tokens / elapsedSeconds : 0;
        }
    }

    TokenListener NONE = (i, t, p) -> { };
}
