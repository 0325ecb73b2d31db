package ai.zkllm.cli.squeeze;

import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.tool.Fidelity;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Ablation;
import ai.zkllm.squeeze.train.Corpus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code zkllm squeeze ablate}: what one squeezed site costs, measured with that site exact. */
@Command(name = "ablate", mixinStandardHelpOptions = true, description = {
    "Measures what a squeezed site costs: aligns the student with attention and/or LayerNorm in an exact form.",
    "Prints top-1 agreement and perplexity against the teacher on the held-out text (float student, before quantization).",
    "The miner cannot compute the exact forms, so nothing is written. Needs a calibration made with"
        + " --normalisation CALIBRATED."})
public final class AblateCommand implements Callable<Integer> {
    @Mixin DistillationOptions distillation;
    @Option(names = "--attention", defaultValue = "CALIBRATED",
            description = "Attention form: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Ablation.Attention attention;
    @Option(names = "--exact-layer-norm", description = "Use each token's own 1/σ instead of the calibrated scale.")
    boolean exactLayerNorm;
    @Option(names = "--windows", defaultValue = "100",
            description = "Held-out windows of the shipped corpus, 64 predictions each (default: ${DEFAULT-VALUE}).")
    int windows;

    @Override
    public Integer call() throws Exception {
        Gpt2Weights w = distillation.teacher();
        SqueezeParams p = distillation.calibrated();
        Ablation ablation = new Ablation(attention, exactLayerNorm);
        Corpus corpus = Corpus.shipped();
        Fidelity f = SqueezeTool.ablate(w, p, ablation, corpus.train(), distillation.alignment(0),
                Corpus.windows(corpus.heldOut(), w.config.nPositions() + 1, windows), System.err::println);
        System.out.printf("attention %s, LayerNorm %s, n = %d, %d steps: top-1 agreement %.2f %%, perplexity %.3f vs "
                + "teacher %.3f (%+.2f %%), %d predictions%n", attention, exactLayerNorm ? "exact" : "calibrated",
                p.attnPower, distillation.alignSteps, 100 * f.top1Agreement(), f.studentPpl(), f.teacherPpl(),
                100 * f.pplIncrease(), f.positions());
        return 0;
    }
}
