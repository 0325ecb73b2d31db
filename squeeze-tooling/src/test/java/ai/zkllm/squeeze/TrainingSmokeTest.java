package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.calib.Calibration;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Aligner;
import ai.zkllm.squeeze.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        Aligner.Result r = SqueezeTool.align(w, w, p, Shipped.corpus().train(), new Aligner.Options(3, 2, 1e-4, 0.1, 1L),
                null);
        assertTrue(Arrays.stream(r.kl()).anyMatch(k -> Double.isFinite(k) && k >= -1e-6), Arrays.toString(r.kl()));
        assertTrue(r.params().ln1Inv[0][0] > 0 && Double.isFinite(r.params().attnInvDen[0][0][5]));
    }

    /** A saved alignment continues where it stopped: its first step sees the KL its last one left. */
    @Test
    void aSavedAlignmentContinuesWhereItStopped(@TempDir Path dir) throws Exception {
        Gpt2Weights w = Shipped.reference();
        SqueezeParams p = SqueezeTool.calibrate(w, SqueezeTool.windows(Shipped.corpus().train(), 64, 4), 8, 7, 4)
                .params();
        int[] text = Shipped.corpus().train();
        Aligner.Options thirty = new Aligner.Options(30, 4, 2e-3, 0, 1L);
        Aligner.Result first = SqueezeTool.align(w, w, p, text, thirty, null);
        SqueezeTool.saveAligned(first, dir);
        Gpt2Weights saved = SqueezeTool.importCheckpoint(dir);
        SqueezeParams savedParams = Calibration.readParams(dir.resolve(SqueezeTool.ALIGNED_PARAMS));
        assertEquals(first.params().toJson(), savedParams.toJson());
        first.weights().toTensors().forEach((name, t) ->
                assertArrayEquals(t.floats(), saved.toTensors().get(name).floats(), name));

        // the same seed draws the same first batch: from the saved student its KL is the aligned one, far below
        // the calibrated start's
        Aligner.Options one = new Aligner.Options(1, 4, 2e-3, 0, 1L);
        double fresh = SqueezeTool.align(w, w, p, text, one, null).kl()[0];
        double resumed = SqueezeTool.align(w, saved, savedParams, text, one, null).kl()[0];
        assertTrue(resumed < fresh / 2, "resumed " + resumed + ", fresh " + fresh);
        assertEquals(first.kl()[0], fresh, 1e-9, "the fresh start is the first run's start");
    }
}
