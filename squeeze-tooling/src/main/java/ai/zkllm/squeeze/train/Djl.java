package ai.zkllm.squeeze.train;

import ai.djl.engine.Engine;

/** Starts DJL's PyTorch engine offline on the CPU build (the only one Maven Central serves). */
public final class Djl {
    private Djl() {}

    public static Engine engine() {
        System.setProperty("ai.djl.offline", "true");
        if (System.getenv("PYTORCH_FLAVOR") == null && System.getProperty("PYTORCH_FLAVOR") == null) {
            System.setProperty("PYTORCH_FLAVOR", "cpu");
        }
        // one intra-op and one inter-op thread: on shared small machines spinning thread pools cost 10x
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        return Engine.getEngine("PyTorch");
    }
}
