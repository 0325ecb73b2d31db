package ai.zkllm.squeeze.tool;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.squeeze.calib.Calibration;
import ai.zkllm.squeeze.compress.Squeezer;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * A squeezed model of a given shape from seeded random weights: GPT-2's initialisation (weights
 * N(0, 0.02), the residual projections N(0, 0.02/sqrt(2L)), zero biases, unit LayerNorm gains),
 * calibrated on random token windows and squeezed as the shipped models are (8-bit weights, GELU
 * degree 7, client normalisation). It measures what a shape costs under encryption where no trained
 * checkpoint of it can be had ({@code zkllm bench model}); its outputs mean nothing, but the FHE
 * program must still reproduce them.
 */
public final class RandomModel {
    /** GPT-2 small's shape: 12 layers, 12 heads, d = 768, n_inner 3072, vocabulary 50257, context 128 (of its 1024). */
    public static final Gpt2Config GPT2_SMALL = Gpt2Config.of(12, 12, 768, 128, 50257);
    /** The shapes by name: GPT-2 small's, and those of the shipped English and reference models. */
    public static final Map<String, Gpt2Config> SHAPES = Map.of("gpt2-small", GPT2_SMALL,
            "english", ReferenceModel.ENGLISH_CONFIG, "reference", ReferenceModel.CONFIG);
    /** Calibration windows and their length: the statistics only set the GELU interval here. */
    private static final int WINDOWS = 2;
    private static final int WINDOW_LENGTH = 8;

    private RandomModel() {}

    /** The shape called {@code name} ({@link #SHAPES}), with {@code layers} layers instead of its own when not null. */
    public static Gpt2Config shape(String name, Integer layers) {
        Gpt2Config c = SHAPES.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown shape '" + name + "'; valid names: "
                    + String.join(", ", new TreeSet<>(SHAPES.keySet())));
        }
        return layers == null ? c : new Gpt2Config(layers, c.nHead(), c.nEmbd(), c.nPositions(), c.vocabSize(),
                c.nInner(), c.activation(), c.layerNormEps());
    }

    /** The squeezed model of {@code config} from the weights of {@code seed}. */
    public static SqueezedModel squeezed(Gpt2Config config, long seed) {
        Random r = new Random(seed);
        Gpt2Weights w = weights(config, r);
        List<int[]> windows = new ArrayList<>();
        for (int i = 0; i < WINDOWS; i++) {
            windows.add(r.ints(Math.min(WINDOW_LENGTH, config.nPositions()), 0, config.vocabSize()).toArray());
        }
        SqueezeParams params = Calibration.run(new Gpt2Teacher(w), windows, 8, 7, 0).params()
                .withNormalisation(SqueezeParams.Normalisation.CLIENT);
        return Squeezer.squeeze(w, params);
    }

    private static Gpt2Weights weights(Gpt2Config c, Random r) {
        int d = c.nEmbd();
        int f = c.nInner();
        double residual = 0.02 / Math.sqrt(2 * c.nLayer());
        Gpt2Weights.Layer[] layers = new Gpt2Weights.Layer[c.nLayer()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Gpt2Weights.Layer(ones(d), new float[d], gauss(r, d * 3 * d, 0.02), new float[3 * d],
                    gauss(r, d * d, residual), new float[d], ones(d), new float[d],
                    gauss(r, d * f, 0.02), new float[f], gauss(r, f * d, residual), new float[d]);
        }
        return new Gpt2Weights(c, gauss(r, c.vocabSize() * d, 0.02), gauss(r, c.nPositions() * d, 0.01), layers,
                ones(d), new float[d]);
    }

    /** n ones (LayerNorm gains). */
    public static float[] ones(int n) {
        float[] f = new float[n];
        Arrays.fill(f, 1f);
        return f;
    }

    /** n draws of N(0, std²) from r, in order. */
    public static float[] gauss(Random r, int n, double std) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * std);
        }
        return f;
    }
}
