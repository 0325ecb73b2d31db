package ai.zkllm.squeeze.compile;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.squeeze.calib.Calibration;
import ai.zkllm.squeeze.compress.Squeezer;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import ai.zkllm.squeeze.tool.ReferenceModel;
import ai.zkllm.squeeze.train.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;

/**
 * A squeezed model of the reference architecture from seeded random weights, calibrated on the
 * corpus: with calibrated normalisations ({@link #reference}) or client normalisation.
 */
final class TinyModels {
    private static SqueezedModel model;
    private static SqueezedModel clientNormalised;
    private static Gpt2Weights teacher;
    private static SqueezeParams params;

    private TinyModels() {}

    static synchronized SqueezedModel reference() {
        if (model == null) {
            Gpt2Config c = ReferenceModel.CONFIG;
            Random r = new Random(7);
            int d = c.nEmbd();
            Gpt2Weights.Layer[] layers = new Gpt2Weights.Layer[c.nLayer()];
            for (int l = 0; l < layers.length; l++) {
                Gpt2Weights.Layer L = new Gpt2Weights.Layer();
                L.ln1W = ones(d); L.ln1B = gauss(r, d, 0.02);
                L.attnW = gauss(r, d * 3 * d, 0.07); L.attnB = gauss(r, 3 * d, 0.02);
                L.attnProjW = gauss(r, d * d, 0.08); L.attnProjB = gauss(r, d, 0.02);
                L.ln2W = ones(d); L.ln2B = gauss(r, d, 0.02);
                L.fcW = gauss(r, d * c.nInner(), 0.06); L.fcB = gauss(r, c.nInner(), 0.02);
                L.fcProjW = gauss(r, c.nInner() * d, 0.05); L.fcProjB = gauss(r, d, 0.02);
                layers[l] = L;
            }
            Gpt2Weights w = new Gpt2Weights(c, gauss(r, c.vocabSize() * d, 0.3), gauss(r, c.nPositions() * d, 0.1),
                    layers, ones(d), gauss(r, d, 0.02));
            try {
                List<int[]> windows = Corpus.windows(Corpus.shipped().train(), c.nPositions(), 64);
                Calibration cal = Calibration.run(new Gpt2Teacher(w), windows, 8, 15, 4);
                cal.params().normalisation = SqueezeParams.Normalisation.CALIBRATED;
                model = Squeezer.squeeze(w, cal.params());
                teacher = w;
                params = cal.params();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    static synchronized SqueezedModel clientNormalised() {
        if (clientNormalised == null) {
            reference();
            SqueezeParams p = params.copy();
            p.normalisation = SqueezeParams.Normalisation.CLIENT;
            clientNormalised = Squeezer.squeeze(teacher, p);
        }
        return clientNormalised;
    }

    static SqueezedModel of(SqueezeParams.Normalisation normalisation) {
        return normalisation == SqueezeParams.Normalisation.CLIENT ? clientNormalised() : reference();
    }

    static synchronized Gpt2Weights teacher() {
        reference();
        return teacher;
    }

    private static float[] ones(int n) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, 1f);
        return f;
    }

    private static float[] gauss(Random r, int n, double std) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * std);
        }
        return f;
    }
}
