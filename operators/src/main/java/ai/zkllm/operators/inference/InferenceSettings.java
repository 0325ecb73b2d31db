package ai.zkllm.operators.inference;

import java.io.Serializable;

/**
 * Knobs of the inference operator.
 *
 * @param minerId         written into responses and receipts
 * @param workers         FHE worker threads per operator instance (the bounded pool)
 * @param backend         ring backend: auto, java, native or cuda
 * @param keyCacheBytes   evaluation-key cache bound, in bytes of decoded keys in memory (about 4x
 *                        their seeded wire size)
 * @param keyCacheEntries evaluation-key cache bound, in key sets (sessions)
 * @param keyCacheTtlMs   an unused key set is dropped after this long
 * @param warmUp          the installed programs to run one token of when the operator opens, so that
 *                        their first user does not wait for the weights' encodings
 * @param batchSize       rounds run in batches of up to this many prompts, those of one program and round
 *                        sharing the work the program can share (1: each prompt on its own); the pool then
 *                        has at least this many workers, so that as many prompts can wait together
 */
public record InferenceSettings(String minerId, int workers, String backend, long keyCacheBytes,
                                int keyCacheEntries, long keyCacheTtlMs, WarmUpSelection warmUp, int batchSize)
        implements Serializable {
    public InferenceSettings {
        if (workers < 1 || keyCacheBytes < 1 || keyCacheEntries < 1 || keyCacheTtlMs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("workers, batch size and key cache bounds must be positive");
        }
    }

    public static InferenceSettings defaults(String minerId) {
        return new InferenceSettings(minerId, 1, "auto", 2L << 30, 256, 30 * 60_000L, WarmUpSelection.ALL, 1);
    }
}
