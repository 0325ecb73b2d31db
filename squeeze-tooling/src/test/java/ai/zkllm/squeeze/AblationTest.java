package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.tool.Fidelity;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Ablation;
import ai.zkllm.squeeze.train.Aligner;
import ai.zkllm.squeeze.train.Corpus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ablated student swaps exactly the sites it names: with softmax, exact LayerNorm and a GELU
 * polynomial of degree 31 it is the teacher again (up to near-ties); the squeezed form, unaligned,
 * is far from it, and each single swap changes it.
 */
class AblationTest {
    private static final Gpt2Weights TEACHER = Shipped.reference();
    /** GELU degree 31: its polynomial error is far below what flips a top-1 token. */
    private static final SqueezeParams CALIBRATED = calibrated();
    private static final List<int[]> HELD_OUT = Corpus.windows(Shipped.corpus().heldOut(), 65, 4);
    private static final Aligner.Options NO_ALIGNMENT = Aligner.Options.recipe(0, 2e-3, 0);

    @Test
    void everySiteExactIsTheTeacher() {
        Fidelity f = SqueezeTool.ablate(TEACHER, CALIBRATED, new Ablation(Ablation.Attention.SOFTMAX, true),
                Shipped.corpus().train(), NO_ALIGNMENT, HELD_OUT, null);
        assertTrue(f.top1Agreement() >= 0.99 && f.meanKl() < 1e-3, f.toString()); // near-ties may flip
        assertEquals(1.0, f.studentPpl() / f.teacherPpl(), 1e-3);
    }

    @Test
    void eachSqueezedSiteCosts() {
        double squeezed = agreement(Ablation.NONE);
        double softmaxOnly = agreement(new Ablation(Ablation.Attention.SOFTMAX, false));
        double layerNormOnly = agreement(new Ablation(Ablation.Attention.CALIBRATED, true));
        double rowNormalised = agreement(new Ablation(Ablation.Attention.ROW_NORMALISED, false));
        assertTrue(squeezed < 0.9, "unaligned squeezed student: " + squeezed);
        for (double other : new double[] {softmaxOnly, layerNormOnly, rowNormalised}) {
            assertTrue(other != squeezed && other < 1.0, squeezed + " vs " + other);
        }
    }

    @Test
    void aFewAlignmentStepsRunOnAnAblatedStudent() {
        Fidelity f = SqueezeTool.ablate(TEACHER, CALIBRATED, new Ablation(Ablation.Attention.ROW_NORMALISED, true),
                Shipped.corpus().train(), new Aligner.Options(2, 2, 1e-4, 0, 1L), HELD_OUT, null);
        assertTrue(Double.isFinite(f.studentPpl()) && f.positions() == 4 * 64, f.toString());
    }

    private static SqueezeParams calibrated() {
        return SqueezeTool.calibrate(TEACHER, SqueezeTool.windows(Shipped.corpus().train(), 64, 8), 8, 31, 4)
                .params().withNormalisation(SqueezeParams.Normalisation.CALIBRATED);
    }

    private static double agreement(Ablation a) {
        return SqueezeTool.ablate(TEACHER, CALIBRATED, a, Shipped.corpus().train(), NO_ALIGNMENT, HELD_OUT, null)
                .top1Agreement();
    }
}
