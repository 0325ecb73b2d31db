package ai.zkllm.program;

/** What a client, a report and a test read off a next-token logit vector. */
public final class Logits {
    private Logits() {}

    /** Index of the largest logit (the first of equal ones): the greedy next token. */
    public static int argmax(double[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
