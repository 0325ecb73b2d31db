package ai.zkllm.squeeze.tool;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.squeeze.train.Trainer;

/**
 * The project's reference models: their architectures and the training recipes that produced the shipped checkpoints.
 * The small one (the Jargon File) is the fast test fixture; the English one (Jane Austen) is the larger model whose
 * FHE layout width W = 512 (the power of two ≥ max(3d, n_inner)) still fits N = 2^13.
 */
public final class ReferenceModel {
    /** 2 layers, d = 64, 4 heads, context 64, byte vocabulary. */
    public static final Gpt2Config CONFIG = Gpt2Config.of(2, 4, 64, 64, 256);
    public static final long SEED = 20260101L;
    public static final Trainer.Options RECIPE = new Trainer.Options(800, 32, 2e-3, SEED);
    /** Classpath folder of the shipped checkpoint. */
    public static final String RESOURCE_DIR = "/reference/bytegpt2";

    /** 4 layers, d = 128, 4 heads, context 128, n_inner 512, byte vocabulary. */
    public static final Gpt2Config ENGLISH_CONFIG = Gpt2Config.of(4, 4, 128, 128, 256);
    public static final long ENGLISH_SEED = 20261205L;
    public static final Trainer.Options ENGLISH_RECIPE = new Trainer.Options(4000, 32, 2e-3, ENGLISH_SEED);
    public static final String ENGLISH_RESOURCE_DIR = "/reference/austen-gpt2";

    private ReferenceModel() {}
}
