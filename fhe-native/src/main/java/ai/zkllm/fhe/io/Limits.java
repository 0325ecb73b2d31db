package ai.zkllm.fhe.io;

/**
 * Bounds on untrusted input, checked before any large allocation: the serialized size of one
 * message (checked before parsing) and the number of Galois keys in one evaluation-key set.
 */
public record Limits(int maxMessageBytes, int maxGaloisKeys) {
    /** 1 GiB covers evaluation keys of N = 2^16 with some dozens of rotations. */
    public static final Limits DEFAULT = new Limits(1 << 30, 512);

    public Limits {
        if (maxMessageBytes <= 0 || maxGaloisKeys < 0) {
            throw new IllegalArgumentException("limits must be positive, got maxMessageBytes = " + maxMessageBytes
                    + ", maxGaloisKeys = " + maxGaloisKeys);
        }
    }
}
