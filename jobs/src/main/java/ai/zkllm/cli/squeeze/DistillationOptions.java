package ai.zkllm.cli.squeeze;

import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.calib.Calibration;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Aligner;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The teacher, its calibration and the alignment schedule: shared by {@code squeeze squeeze} and {@code squeeze ablate}. */
final class DistillationOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Teacher checkpoint folder (config.json, model.safetensors).") Path model;
    @Option(names = "--calibration", required = true, paramLabel = "FILE",
            description = "Calibration JSON written by `zkllm squeeze calibrate` (it fixes n of the power attention).")
    Path calibration;
    @Option(names = "--align-steps", defaultValue = "0",
            description = "Distillation steps against the teacher, batch 16 (0 = calibration only; default: ${DEFAULT-VALUE}).")
    int alignSteps;
    @Option(names = "--align-lr", defaultValue = "2e-3",
            description = "Peak learning rate of the cosine schedule (default: ${DEFAULT-VALUE}).") double alignLr;

    Gpt2Weights teacher() throws IOException {
        return SqueezeTool.importCheckpoint(model);
    }

    SqueezeParams calibrated() throws IOException {
        return Calibration.readParams(calibration);
    }

    Aligner.Options alignment(double adversarialWeight) {
        return Aligner.Options.recipe(alignSteps, alignLr, adversarialWeight);
    }
}
