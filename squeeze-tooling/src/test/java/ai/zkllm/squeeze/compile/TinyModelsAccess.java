package ai.zkllm.squeeze.compile;

import ai.zkllm.program.squeezed.SqueezedModel;

/** Public access to {@link TinyModels} for tests in other packages. */
public final class TinyModelsAccess {
    private TinyModelsAccess() {}

    public static ai.zkllm.program.model.Gpt2Weights teacher() {
        return TinyModels.teacher();
    }

    public static SqueezedModel reference() {
        return TinyModels.reference();
    }
}
