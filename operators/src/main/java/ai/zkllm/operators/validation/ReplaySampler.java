package ai.zkllm.operators.validation;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which receipts a validator replays: a request is sampled when the first 8 bytes of
 * SHA-256("zkllm-replay-v1" ‖ request id), read as an unsigned 64-bit fraction of 2^64, fall below
 * {@code fraction}. Deterministic: any run, machine or parallelism picks the same requests, so anyone
 * holding the topics can reproduce a flag. A miner can compute the hash too, so sampling deters
 * rather than hides (a miner cannot know a validator's fraction, and several validators sample
 * independently); the secret part of validation is the canaries. Fraction 0 replays nothing, 1 everything.
 */
public final class ReplaySampler implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final byte[] DOMAIN = "zkllm-replay-v1".getBytes(StandardCharsets.US_ASCII);

    private final double fraction;

    public ReplaySampler(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("replay fraction must be in [0, 1], got " + fraction);
        }
        this.fraction = fraction;
    }

    public double fraction() {
        return fraction;
    }

    public boolean sampled(String requestId) {
        if (fraction >= 1) {
            return true;
        }
        if (fraction <= 0) {
            return false;
        }
        return point(requestId) < fraction;
    }

    /** The request's position in [0, 1). */
    public static double point(String requestId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN);
            byte[] d = sha.digest(requestId.getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(d, 0, 8).getLong() >>> 11; // 53 bits: exact in a double
            return bits / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
