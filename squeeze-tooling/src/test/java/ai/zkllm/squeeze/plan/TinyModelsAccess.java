package ai.zkllm.squeeze.plan;

import ai.zkllm.squeeze.squeeze.SqueezedModel;

/** Public access to {@link TinyModels} for tests in other packages. */
public final class TinyModelsAccess {
    private TinyModelsAccess() {}

    public static ai.zkllm.squeeze.model.Gpt2Weights teacher() {
        return TinyModels.teacher();
    }

    public static SqueezedModel reference() {
        return TinyModels.reference();
    }
}
