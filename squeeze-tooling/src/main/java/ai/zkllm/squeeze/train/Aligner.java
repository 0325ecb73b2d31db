package ai.zkllm.squeeze.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Alignment: fine-tunes the squeezed student (its weights and its calibrated constants: per-position
 * 1/σ, attention denominators) against the frozen teacher by distillation, KL(teacher ‖ student)
 * on next-token distributions (Hinton et al.). Optionally adds an adversarial term: a small
 * {@link Discriminator} learns to tell teacher from student distributions and the student is also
 * trained to fool it (non-saturating GAN loss, weight {@code adversarialWeight}).
 */
public final class Aligner {
    /** Alignment hyper-parameters; {@code adversarialWeight = 0} is plain KL distillation. */
    public record Options(int steps, int batch, double lr, double adversarialWeight, long seed) {
        /** The shipped recipe's batch (16 windows) and seed (7). */
        public static Options recipe(int steps, double lr, double adversarialWeight) {
            return new Options(steps, 16, lr, adversarialWeight, 7);
        }
    }

    /** Result: aligned weights and constants, and the KL of every step. */
    public record Result(Gpt2Weights weights, SqueezeParams params, double[] kl, double seconds) {}

    private Aligner() {}

    /**
     * The student starts from {@code startWeights} and {@code startParams}: the teacher's weights and a
     * calibration's constants for a fresh alignment, or an earlier {@link Result} to continue one.
     */
    public static Result align(Gpt2Weights teacherWeights, Gpt2Weights startWeights, SqueezeParams startParams,
            int[] tokens, Options o, Consumer<String> log) {
        return align(teacherWeights, startWeights, startParams, Ablation.NONE, tokens, o, log);
    }

    /** Aligns a student with the sites {@code ablation} names in their exact form (measurement only). */
    public static Result align(Gpt2Weights teacherWeights, SqueezeParams calibrated, Ablation ablation, int[] tokens,
            Options o, Consumer<String> log) {
        return align(teacherWeights, teacherWeights, calibrated, ablation, tokens, o, log);
    }

    private static Result align(Gpt2Weights teacherWeights, Gpt2Weights startWeights, SqueezeParams calibrated,
            Ablation ablation, int[] tokens, Options o, Consumer<String> log) {
        Engine engine = Djl.engine();
        engine.setRandomSeed((int) o.seed());
        long t0 = System.nanoTime();
        int V = teacherWeights.config.vocabSize();
        int T = teacherWeights.config.nPositions();
        try (NDManager manager = engine.newBaseManager();
                DjlGpt2 teacher = DjlGpt2.fromWeights(manager, teacherWeights, null, false);
                DjlGpt2 student = DjlGpt2.fromWeights(manager, startWeights, calibrated, true, ablation);
                Discriminator disc = new Discriminator(manager, V, 64, o.seed() + 7)) {
            Map<String, NDArray> params = student.trainable();
            AdamOptimizer adam = new AdamOptimizer(params, 1.0);
            AdamOptimizer dAdam = new AdamOptimizer(disc.params(), 1.0);
            Trainer.CosineTracker lr = new Trainer.CosineTracker(o.lr(), o.steps());
            Random data = new Random(o.seed() + 3);
            double[] kls = new double[o.steps()];
            boolean adv = o.adversarialWeight() > 0;
            for (int step = 0; step < o.steps(); step++) {
                List<int[]> in = new ArrayList<>();
                for (int b = 0; b < o.batch(); b++) {
                    int start = data.nextInt(tokens.length - T);
                    in.add(Arrays.copyOfRange(tokens, start, start + T));
                }
                if (adv) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray x = DjlGpt2.batch(manager, in);
                        NDArray logT = teacher.forward(x).logSoftmax(-1).stopGradient();
                        NDArray logS = student.forward(x).logSoftmax(-1).stopGradient();
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            NDArray dl = Discriminator.softplus(disc.score(logT).neg()).mean()
                                    .add(Discriminator.softplus(disc.score(logS)).mean());
                            gc.backward(dl);
                        }
                    }
                    dAdam.step(o.lr());
                    disc.params().values().forEach(p -> p.getGradient().muli(0));
                }
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = DjlGpt2.batch(manager, in);
                    NDArray logT = teacher.forward(x).logSoftmax(-1).stopGradient();
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray logS = student.forward(x).logSoftmax(-1);
                        NDArray kl = logT.exp().mul(logT.sub(logS)).sum(new int[] {-1}).mean();
                        NDArray loss = kl;
                        if (adv) {
                            loss = loss.add(Discriminator.softplus(disc.score(logS).neg()).mean()
                                    .mul(o.adversarialWeight()));
                        }
                        gc.backward(loss);
                        kls[step] = kl.getFloat();
                    }
                }
                adam.step(lr.getNewValue(step));
                if (adv) {
                    disc.params().values().forEach(p -> p.getGradient().muli(0));
                }
                if (log != null && (step % 25 == 0 || step == o.steps() - 1)) {
                    log.accept(String.format("align step %d kl %.5f (%.1f s)", step, kls[step],
                            (System.nanoTime() - t0) / 1e9));
                }
            }
            return new Result(student.toWeights(), student.toSqueezeParams(), kls, (System.nanoTime() - t0) / 1e9);
        }
    }
}
