package ai.zkllm.squeeze.compile;

import static ai.zkllm.squeeze.tool.RandomModel.gauss;
import static ai.zkllm.squeeze.tool.RandomModel.ones;

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
                // arguments are evaluated in order, so r draws as when the fields were set one by one
                layers[l] = new Gpt2Weights.Layer(ones(d), gauss(r, d, 0.02),
                        gauss(r, d * 3 * d, 0.07), gauss(r, 3 * d, 0.02),
                        gauss(r, d * d, 0.08), gauss(r, d, 0.02),
                        ones(d), gauss(r, d, 0.02),
                        gauss(r, d * c.nInner(), 0.06), gauss(r, c.nInner(), 0.02),
                        gauss(r, c.nInner() * d, 0.05), gauss(r, d, 0.02));
            }
            Gpt2Weights w = new Gpt2Weights(c, gauss(r, c.vocabSize() * d, 0.3), gauss(r, c.nPositions() * d, 0.1),
                    layers, ones(d), gauss(r, d, 0.02));
            try {
                List<int[]> windows = Corpus.windows(Corpus.shipped().train(), c.nPositions(), 64);
                Calibration cal = Calibration.run(new Gpt2Teacher(w), windows, 8, 7, 4); // GELU degree 7, as shipped
                params = cal.params().withNormalisation(SqueezeParams.Normalisation.CALIBRATED);
                model = Squeezer.squeeze(w, params);
                teacher = w;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    static synchronized SqueezedModel clientNormalised() {
        if (clientNormalised == null) {
            reference();
            clientNormalised = Squeezer.squeeze(teacher, params.withNormalisation(SqueezeParams.Normalisation.CLIENT));
        }
        return clientNormalised;
    }

    /** Client normalisation with ln_2's calibrated per-position 1/σ kept: 2L + 1 rounds. */
    static synchronized SqueezedModel affineLn2() {
        reference();
        return Squeezer.squeeze(teacher, params.withNormalisation(SqueezeParams.Normalisation.CLIENT).withAffineLn2(true));
    }

    static SqueezedModel of(SqueezeParams.Normalisation normalisation) {
        return normalisation == SqueezeParams.Normalisation.CLIENT ? clientNormalised() : reference();
    }

    static synchronized Gpt2Weights teacher() {
        reference();
        return teacher;
    }
}
