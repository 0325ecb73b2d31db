package ai.zkllm.operators.validation;

/**
 * The outcome of replaying one receipt: {@link #OK} (every digest agrees), {@link #MISMATCH} (a
 * proof of a wrong answer: the reason names the request and the digests) or {@link #UNVERIFIABLE}
 * (the validator could not replay, e.g. an unknown model or a missing key blob; never a flag).
 */
public record ReplayVerdict(String requestId, String brainId, String minerId, long completedUnixMs,
                            String status, String reason) {
    public static final String OK = "ok";
    public static final String MISMATCH = "mismatch";
    public static final String UNVERIFIABLE = "unverifiable";

    public boolean mismatch() {
        return MISMATCH.equals(status);
    }
}
