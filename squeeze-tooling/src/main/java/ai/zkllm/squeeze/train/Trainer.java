package ai.zkllm.squeeze.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Trains the reference GPT-2 on the corpus with next-token cross entropy, DJL autograd and Adam.
 * Seeded: weights are initialised from {@code java.util.Random(seed)}, batches are drawn from
 * {@code Random(seed + 1)}, and the engine seed is set, so a retrain repeats the run.
 */
public final class Trainer {
    /** Training hyper-parameters. */
    public record Options(int steps, int batch, double lr, long seed) {}

    /** Result: weights and the loss of every step. */
    public record Result(Gpt2Weights weights, double[] losses, double seconds) {}

    /** Receives the weights every {@code every} steps, so that an interrupted run still leaves a model. */
    public record Checkpoints(int every, BiConsumer<Integer, Gpt2Weights> save) {
        public static final Checkpoints NONE = new Checkpoints(0, (step, w) -> {});
    }

    private Trainer() {}

    public static Result train(Gpt2Config config, int[] tokens, Options o, Consumer<String> log) {
        return train(config, tokens, o, log, Checkpoints.NONE);
    }

    public static Result train(Gpt2Config config, int[] tokens, Options o, Consumer<String> log,
            Checkpoints checkpoints) {
        Engine engine = Djl.engine();
        engine.setRandomSeed((int) o.seed());
        long t0 = System.nanoTime();
        try (NDManager manager = engine.newBaseManager(); DjlGpt2 model = DjlGpt2.init(manager, config, o.seed())) {
            Map<String, NDArray> params = model.trainable();
            AdamOptimizer adam = new AdamOptimizer(params, 1.0);
            CosineTracker lr = new CosineTracker(o.lr(), o.steps());
            Random data = new Random(o.seed() + 1);
            int T = config.nPositions();
            double[] losses = new double[o.steps()];
            for (int step = 0; step < o.steps(); step++) {
                List<int[]> in = new ArrayList<>();
                List<int[]> out = new ArrayList<>();
                for (int b = 0; b < o.batch(); b++) {
                    int start = data.nextInt(tokens.length - T - 1);
                    in.add(Arrays.copyOfRange(tokens, start, start + T));
                    out.add(Arrays.copyOfRange(tokens, start + 1, start + T + 1));
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray x = DjlGpt2.batch(manager, in);
                        NDArray y = DjlGpt2.batch(manager, out);
                        NDArray loss = DjlGpt2.crossEntropy(model.forward(x), y, config.vocabSize());
                        gc.backward(loss);
                        losses[step] = loss.getFloat();
                    }
                }
                double norm = adam.step(lr.getNewValue(step));
                if (log != null && (step % 50 == 0 || step == o.steps() - 1)) {
                    log.accept(String.format("step %d loss %.4f grad-norm %.3f skipped %d (%.1f s)", step, losses[step],
                            norm, adam.skipped(),
                            (System.nanoTime() - t0) / 1e9));
                }
                if (checkpoints.every() > 0 && (step + 1) % checkpoints.every() == 0 && step + 1 < o.steps()) {
                    checkpoints.save().accept(step + 1, model.toWeights());
                }
            }
            return new Result(model.toWeights(), losses, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Linear warm-up (5 % of the steps) then cosine decay to 10 %. */
    static final class CosineTracker implements Tracker {
        private final double base;
        private final int steps;

        CosineTracker(double base, int steps) {
            this.base = base;
            this.steps = Math.max(1, steps);
        }

        @Override
        public float getNewValue(int numUpdate) {
            int warm = Math.max(1, steps / 20);
            if (numUpdate < warm) {
                return (float) (base * (numUpdate + 1) / warm);
            }
            double f = Math.min(1.0, (double) (numUpdate - warm) / Math.max(1, steps - warm));
            return (float) (base * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * f))));
        }
    }
}
