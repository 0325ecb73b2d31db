package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.io.SafeTensors;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.program.squeezed.SqueezedModelIO;
import ai.zkllm.squeeze.compress.Squeezer;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import ai.zkllm.squeeze.tool.Fidelity;
import ai.zkllm.squeeze.tool.SqueezeTool;
import ai.zkllm.squeeze.train.Ablation;
import ai.zkllm.squeeze.train.Aligner;
import ai.zkllm.squeeze.train.Corpus;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client normalisation: the client's softmax and LayerNorm are the teacher's, so with near-exact
 * weights (16 bits) and GELU (degree 31) the squeezed model is the teacher again, in the plaintext
 * mirror and in the DJL student alike, without any alignment.
 */
class ClientNormalisationTest {
    private static final Gpt2Weights TEACHER = Shipped.reference();
    private static final List<int[]> HELD_OUT = Corpus.windows(Shipped.corpus().heldOut(), 65, 4);

    @TempDir
    Path dir;

    private static SqueezeParams params(int bits, SqueezeParams.Normalisation normalisation) {
        return SqueezeTool.calibrate(TEACHER, SqueezeTool.windows(Shipped.corpus().train(), 64, 8), bits, 31, 4)
                .params().withNormalisation(normalisation);
    }

    @Test
    void nearExactWeightsAndGeluGiveTheTeacher() {
        SqueezedModel m = Squeezer.squeeze(TEACHER, params(16, SqueezeParams.Normalisation.CLIENT));
        int[] ctx = Arrays.copyOfRange(Shipped.corpus().heldOut(), 300, 364);
        double[][] teacher = new Gpt2Teacher(TEACHER).forward(ctx);
        double[][] squeezed = m.logitsAll(ctx);
        double err = 0;
        for (int t = 0; t < ctx.length; t++) {
            for (int v = 0; v < teacher[t].length; v++) {
                err = Math.max(err, Math.abs(teacher[t][v] - squeezed[t][v]));
            }
        }
        assertTrue(err < 5e-2, "max logit difference to the teacher " + err);
        // the calibrated normalisations at the same bits and degree are far from it before alignment
        Fidelity calibrated = Fidelity.measure(new Gpt2Teacher(TEACHER),
                Squeezer.squeeze(TEACHER, params(16, SqueezeParams.Normalisation.CALIBRATED)), HELD_OUT);
        assertTrue(calibrated.top1Agreement() < 0.9, calibrated.toString());
    }

    @Test
    void theDjlStudentComputesTheClientForms() {
        Fidelity f = SqueezeTool.ablate(TEACHER, params(8, SqueezeParams.Normalisation.CLIENT), Ablation.NONE,
                Shipped.corpus().train(), Aligner.Options.recipe(0, 2e-3, 0), HELD_OUT, null);
        assertTrue(f.top1Agreement() >= 0.99 && f.meanKl() < 1e-3, f.toString());
    }

    @Test
    void paramsFilesNameTheirNormalisation() throws Exception {
        String json = params(8, SqueezeParams.Normalisation.CLIENT).toJson();
        assertEquals(SqueezeParams.Normalisation.CLIENT, SqueezeParams.fromJson(json).normalisation);
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(json);
        n.remove("normalisation");
        assertEquals(SqueezeParams.Normalisation.CALIBRATED, SqueezeParams.fromJson(n.toString()).normalisation,
                "a file from before the field holds the calibrated form");
        n.put("normalisation", "server");
        IOException e = assertThrows(IOException.class, () -> SqueezeParams.fromJson(n.toString()));
        assertTrue(e.getMessage().contains("\"server\""), e.getMessage());
    }

    @Test
    void aClientCalibrationHasNothingToAblate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqueezeTool.ablate(TEACHER,
                params(8, SqueezeParams.Normalisation.CLIENT), new Ablation(Ablation.Attention.ROW_NORMALISED, false),
                Shipped.corpus().train(), Aligner.Options.recipe(0, 2e-3, 0), HELD_OUT, null));
        assertTrue(e.getMessage().contains("--normalisation CALIBRATED"), e.getMessage());
    }

    @Test
    void artifactHoldsNoCalibratedNormalisationConstants() throws Exception {
        SqueezedModel m = Squeezer.squeeze(TEACHER, params(8, SqueezeParams.Normalisation.CLIENT));
        Path out = dir.resolve("sq");
        SqueezedModelIO.save(m, out);
        assertTrue(Files.readString(out.resolve(SqueezedModelIO.SPEC)).contains("\"normalisation\" : \"client\""));
        for (String name : SafeTensors.read(out.resolve(SqueezedModelIO.TENSORS)).tensors().keySet()) {
            assertFalse(name.contains("inv_sigma") || name.contains("attn.kappa") || name.contains("attn.shift"), name);
        }
        SqueezedModel back = SqueezedModelIO.load(out);
        assertTrue(back.clientNormalised() && back.layer(1).ln2.atClient());
        int[] ctx = Arrays.copyOfRange(Shipped.corpus().heldOut(), 100, 140);
        assertArrayEquals(m.logits(ctx), back.logits(ctx), 1e-5); // constants are stored as f32
        assertEquals(4, m.attentionDepth(), "QKV, q·k, P·V, proj: nothing between scores and probabilities");
    }

    /** An affine ln_2 keeps its constants through params files, the artifact and the DJL student. */
    @Test
    void anAffineLn2IsTheCalibratedConstantEverywhere() throws Exception {
        SqueezeParams p = params(16, SqueezeParams.Normalisation.CLIENT).withAffineLn2(true);
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(p.toJson());
        assertTrue(SqueezeParams.fromJson(n.toString()).affineLn2);
        n.remove("affine_ln2");
        assertFalse(SqueezeParams.fromJson(n.toString()).affineLn2, "a file from before the field: exact ln_2");
        assertThrows(IllegalArgumentException.class, () -> p.withNormalisation(SqueezeParams.Normalisation.CALIBRATED));

        SqueezedModel m = Squeezer.squeeze(TEACHER, p);
        assertTrue(m.affineLn2() && m.layer(0).ln1.atClient() && m.lnf().atClient());
        assertEquals((float) p.ln2Inv[1][5], m.layer(1).ln2.constant(5));
        Path out = dir.resolve("affine");
        SqueezedModelIO.save(m, out);
        SqueezedModel back = SqueezedModelIO.load(out);
        assertTrue(back.affineLn2() && back.layer(0).ln1.atClient());
        int[] ctx = Arrays.copyOfRange(Shipped.corpus().heldOut(), 100, 140);
        assertArrayEquals(m.logits(ctx), back.logits(ctx), 1e-5); // other tensors are stored as f32

        // the student aligns what the squeezed model computes: near its agreement, below the exact ln_2's
        Fidelity squeezed = Fidelity.measure(new Gpt2Teacher(TEACHER), m, HELD_OUT);
        Fidelity student = SqueezeTool.ablate(TEACHER, p, Ablation.NONE, Shipped.corpus().train(),
                Aligner.Options.recipe(0, 2e-3, 0), HELD_OUT, null);
        assertEquals(squeezed.top1Agreement(), student.top1Agreement(), 0.02, student + " vs " + squeezed);
        assertTrue(student.meanKl() > 1e-3, student.toString());
    }
}
