package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Aligner;
import ai.zkllm.squeeze.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A few steps of training and of alignment (with the adversarial term): the code paths work. */
class TrainingSmokeTest {
    @Test
    void threeTrainingStepsReduceTheLoss() {
        Gpt2Config c = Gpt2Config.of(1, 2, 16, 16, 256);
        int[] tokens = Arrays.copyOf(Shipped.corpus().train(), 20000);
        Trainer.Result r = Trainer.train(c, tokens, new Trainer.Options(3, 4, 1e-2, 1L), null);
        double[] l = r.losses();
        assertTrue(Double.isFinite(l[2]) && l[2] < l[0], Arrays.toString(l));
        Trainer.Result again = Trainer.train(c, tokens, new Trainer.Options(3, 4, 1e-2, 1L), null);
        assertTrue(Arrays.equals(l, again.losses()), "seeded: a retrain repeats the losses");
    }

    @Test
    void checkpointsArriveEveryNStepsBeforeTheEnd() {
        Gpt2Config c = Gpt2Config.of(1, 2, 16, 16, 256);
        int[] tokens = Arrays.copyOf(Shipped.corpus().train(), 20000);
        List<Integer> saved = new ArrayList<>();
        Trainer.train(c, tokens, new Trainer.Options(5, 4, 1e-2, 1L), null,
                new Trainer.Checkpoints(2, (step, w) -> saved.add(step)));
        assertEquals(List.of(2, 4), saved, "the caller saves the final weights itself");
    }

    @Test
    void threeAlignmentStepsWithAdversarialTerm() {
        Gpt2Weights w = Shipped.reference();
        SqueezeParams p = SqueezeTool.calibrate(w, SqueezeTool.windows(Shipped.corpus().train(), 64, 4), 8, 4, 4)
                .params();
        Aligner.Result r = SqueezeTool.align(w, p, Shipped.corpus().train(), new Aligner.Options(3, 2, 1e-4, 0.1, 1L),
                null);
        assertTrue(Arrays.stream(r.kl()).anyMatch(k -> Double.isFinite(k) && k >= -1e-6), Arrays.toString(r.kl()));
        assertTrue(r.params().ln1Inv[0][0] > 0 && Double.isFinite(r.params().attnInvDen[0][0][5]));
    }
}
