package ai.zkllm.cli.squeeze;

import ai.zkllm.squeeze.model.Gpt2Weights;
import ai.zkllm.squeeze.squeeze.SqueezeParams;
import ai.zkllm.squeeze.squeeze.SqueezedModel;
import ai.zkllm.squeeze.squeeze.SqueezedModelIO;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Aligner;
import ai.zkllm.squeeze.train.Corpus;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code zkllm squeeze squeeze}: builds (and optionally aligns) the squeezed model artifact. */
@Command(name = "squeeze", mixinStandardHelpOptions = true,
        description = "Quantize, fold and replace non-linearities using a calibration; optionally align by distillation.")
public final class SqueezeModelCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Teacher checkpoint folder (config.json, model.safetensors).") Path model;
    @Option(names = "--calibration", required = true, paramLabel = "FILE",
            description = "Calibration JSON written by `zkllm squeeze calibrate`.") Path calibration;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Squeezed model folder to write.")
    Path out;
    @Option(names = "--align-steps", defaultValue = "0",
            description = "Distillation steps against the teacher, batch 16 (0 = calibration only; default: ${DEFAULT-VALUE}).")
    int alignSteps;
    @Option(names = "--align-lr", defaultValue = "1e-3",
            description = "Peak learning rate of the cosine schedule (default: ${DEFAULT-VALUE}).") double alignLr;
    @Option(names = "--adversarial", defaultValue = "0", description = "Weight of the adversarial term (0 = KL only).")
    double adversarial;

    @Override
    public Integer call() throws Exception {
        Gpt2Weights w = SqueezeTool.importCheckpoint(model);
        String params = new ObjectMapper().readTree(Files.readString(calibration)).get("params").toString();
        SqueezeParams p = SqueezeParams.fromJson(params);
        if (alignSteps > 0) {
            Aligner.Result r = SqueezeTool.align(w, p, Corpus.shipped().train(),
                    new Aligner.Options(alignSteps, 16, alignLr, adversarial, 7L), System.err::println);
            w = r.weights();
            p = r.params();
        }
        SqueezedModel m = SqueezeTool.squeeze(w, p);
        SqueezedModelIO.save(m, out);
        System.out.println("squeezed model -> " + out + " (hash " + SqueezedModelIO.modelHash(out) + ")");
        return 0;
    }
}
