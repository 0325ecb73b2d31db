package ai.zkllm.squeeze.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A non-finite gradient is skipped and cleared, and the gradient keeps its own storage afterwards.
 * Clearing it with {@code set(float[])} once swapped in a Java buffer that was freed with its
 * temporary wrapper: after a garbage collection the next backward pass wrote into freed memory
 * (wrong gradients, then a crash of the JVM some steps later).
 */
class AdamOptimizerTest {
    @Test
    void nonFiniteStepIsSkippedAndTheGradientStaysUsable() {
        Engine engine = Djl.engine();
        try (NDManager manager = engine.newBaseManager()) {
            float[] start = new float[4096];
            for (int i = 0; i < start.length; i++) {
                start[i] = (float) Math.sin(i);
            }
            NDArray p = manager.create(start);
            p.setRequiresGradient(true);
            AdamOptimizer adam = new AdamOptimizer(Map.of("p", p), 1.0);

            backward(engine, () -> p.mul(Float.NaN).sum());
            adam.step(1e-2);
            assertEquals(1, adam.skipped());
            assertArrayEquals(start, p.toFloatArray(), "a skipped step leaves the weights alone");

            for (int round = 0; round < 3; round++) {
                System.gc();
                // churn direct buffers so that freed memory is reused
                try (NDManager churn = engine.newBaseManager()) {
                    for (int i = 0; i < 64; i++) {
                        churn.create(new float[4096]).add(1);
                    }
                }
            }
            float[] before = p.toFloatArray();
            backward(engine, () -> p.square().sum());
            float[] grad = p.getGradient().toFloatArray();
            for (int i = 0; i < grad.length; i++) {
                assertEquals(2 * before[i], grad[i], 1e-5, "d(sum p²)/dp at " + i);
            }
            adam.step(1e-2);
            assertEquals(1, adam.skipped());
            assertFalse(Arrays.equals(before, p.toFloatArray()), "a finite step moves the weights");
        }
    }

    private static void backward(Engine engine, java.util.function.Supplier<NDArray> loss) {
        try (NDScope scope = new NDScope(); GradientCollector gc = engine.newGradientCollector()) {
            scope.suppressNotUsedWarning();
            gc.backward(loss.get());
        }
    }
}
