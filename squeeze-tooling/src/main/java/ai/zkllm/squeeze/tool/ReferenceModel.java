package ai.zkllm.squeeze.tool;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.squeeze.train.Trainer;

/** The project's reference model: its architecture and the training recipe that produced the shipped checkpoint. */
public final class ReferenceModel {
    /** 2 layers, d = 64, 4 heads, context 64, byte vocabulary. */
    public static final Gpt2Config CONFIG = Gpt2Config.of(2, 4, 64, 64, 256);
    public static final long SEED = 20260101L;
    public static final Trainer.Options RECIPE = new Trainer.Options(800, 32, 2e-3, SEED);
    /** Classpath folder of the shipped checkpoint. */
    public static final String RESOURCE_DIR = "/reference/bytegpt2";
    public static final String SQUEEZED_RESOURCE_DIR = "/reference/bytegpt2-squeezed";

    private ReferenceModel() {}
}
