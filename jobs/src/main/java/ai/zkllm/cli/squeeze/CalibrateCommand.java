package ai.zkllm.cli.squeeze;

import ai.zkllm.program.io.AtomicFiles;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.calib.Calibration;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code zkllm squeeze calibrate}: records non-linear site ranges and derives the squeeze constants. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Run calibration text through the model; write site ranges and squeeze constants as JSON.")
public final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Teacher checkpoint folder (config.json, model.safetensors).") Path model;
    @Option(names = "--text", paramLabel = "FILE", description = "Calibration text (default: the shipped corpus' training part).")
    Path text;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Calibration JSON to write.") Path out;
    @Option(names = "--windows", defaultValue = "64",
            description = "Context windows of calibration text (default: ${DEFAULT-VALUE}).") int windows;
    @Option(names = "--bits", defaultValue = "8", description = "Weight bits.") int bits;
    @Option(names = "--gelu-degree", defaultValue = "7",
            description = "Degree of the GELU polynomial (default: ${DEFAULT-VALUE}; 4 to 7 cost the same 3 levels).")
    int degree;
    @Option(names = "--attn-power", defaultValue = "4", description = "n of (1+x/n)^n, a power of two.")
    int power;
    @Option(names = "--normalisation", defaultValue = "CLIENT",
            description = "Who computes softmax and LayerNorm's 1/σ: CLIENT (exactly, at the refresh before each;"
                    + " every stage ends a round) or CALIBRATED (the miner, as power attention and per-position"
                    + " constants; stages may share a round, fidelity is lower). Default: ${DEFAULT-VALUE}.")
    SqueezeParams.Normalisation normalisation;
    @Option(names = "--affine-ln2",
            description = "With CLIENT normalisation, keep ln_2's 1/σ a per-position constant (aligned by"
                    + " distillation): the plan then takes each layer's attention projection and MLP in one"
                    + " round, 2L + 1 rounds per token instead of 3L + 1, at some agreement (`squeeze compile`"
                    + " prints the trade-off).")
    boolean affineLn2;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (affineLn2 && normalisation != SqueezeParams.Normalisation.CLIENT) {
            throw new ParameterException(spec.commandLine(), "--affine-ln2 needs --normalisation CLIENT (with "
                    + normalisation + " every LayerNorm is affine already)");
        }
        Gpt2Weights w = SqueezeTool.importCheckpoint(model);
        int[] tokens = text == null ? Corpus.shipped().train()
                : SqueezeTool.tokenizer(model, w.config).encode(Files.readString(text));
        Calibration c = SqueezeTool.calibrate(w, SqueezeTool.windows(tokens, w.config.nPositions(), windows), bits, degree, power)
                .withNormalisation(normalisation).withAffineLn2(affineLn2);
        AtomicFiles.writeString(out, c.toJson());
        System.out.println("calibrated " + c.sites().size() + " sites -> " + out);
        return 0;
    }
}
