package ai.zkllm.cli.squeeze;

import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.program.squeezed.SqueezedModelIO;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Aligner;
import ai.zkllm.squeeze.train.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code zkllm squeeze squeeze}: builds (and optionally aligns) the squeezed model artifact. */
@Command(name = "squeeze", mixinStandardHelpOptions = true,
        description = "Quantize, fold and replace non-linearities using a calibration; optionally align by distillation.")
public final class SqueezeModelCommand implements Callable<Integer> {
    @Mixin DistillationOptions distillation;
    @Spec CommandSpec spec;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Squeezed model folder to write.")
    Path out;
    @Option(names = "--adversarial", defaultValue = "0", description = "Weight of the adversarial term (0 = KL only).")
    double adversarial;
    @Option(names = "--text", paramLabel = "FILE",
            description = "Alignment text, e.g. the teacher's training text (default: the shipped corpus' training part).")
    Path text;
    @Option(names = "--save-aligned", paramLabel = "DIR",
            description = "Also write the aligned student before quantization: a GPT-2 checkpoint and its constants ("
                    + SqueezeTool.ALIGNED_PARAMS + "), to continue with --align-from DIR --calibration DIR/"
                    + SqueezeTool.ALIGNED_PARAMS + ".")
    Path saveAligned;
    @Option(names = "--align-from", paramLabel = "DIR",
            description = "Start the student from an alignment saved with --save-aligned (give its "
                    + SqueezeTool.ALIGNED_PARAMS + " as --calibration) instead of from the teacher's weights.")
    Path alignFrom;

    @Override
    public Integer call() throws Exception {
        if (saveAligned != null && distillation.alignSteps == 0) {
            throw new ParameterException(spec.commandLine(), "--save-aligned needs --align-steps above 0");
        }
        Gpt2Weights teacher = distillation.teacher();
        Gpt2Weights w = alignFrom == null ? teacher : SqueezeTool.importCheckpoint(alignFrom);
        SqueezeParams p = distillation.calibrated();
        if (distillation.alignSteps > 0) {
            int[] tokens = text == null ? Corpus.shipped().train()
                    : SqueezeTool.tokenizer(distillation.model, teacher.config).encode(Files.readString(text));
            Aligner.Result r = SqueezeTool.align(teacher, w, p, tokens, distillation.alignment(adversarial),
                    System.err::println);
            if (saveAligned != null) {
                SqueezeTool.saveAligned(r, saveAligned);
                System.out.println("aligned student -> " + saveAligned);
            }
            w = r.weights();
            p = r.params();
        }
        SqueezedModel m = SqueezeTool.squeeze(w, p);
        SqueezedModelIO.save(m, out);
        System.out.println("squeezed model -> " + out + " (hash " + SqueezedModelIO.modelHash(out) + ")");
        return 0;
    }
}
