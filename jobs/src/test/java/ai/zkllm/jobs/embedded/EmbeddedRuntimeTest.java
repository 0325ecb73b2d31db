package ai.zkllm.jobs.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.jobs.InferenceJobConfig;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import ai.zkllm.operators.inference.WarmUpSelection;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ProgramRegistry;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** startJob returns once the miner has warmed up: a first prompt waits for neither a deployment nor the warm-up. */
public class EmbeddedRuntimeTest {
    private static final FheProgram PROGRAM = new LinearSquareProgram();
    /** Its own hash: the warm-up runs once per JVM and program, and other tests warm the plain one. */
    private static final String HASH = "5a".repeat(32);
    private static final AtomicInteger EVALUATIONS = new AtomicInteger();
    private static final FheProgram COUNTED = (FheProgram) Proxy.newProxyInstance(
            EmbeddedRuntimeTest.class.getClassLoader(), new Class<?>[] {FheProgram.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "modelHash" -> {
                        return HASH;
                    }
                    case "evaluate", "evaluateBatch" -> EVALUATIONS.incrementAndGet(); // the executor calls the batch form
                    default -> { }
                }
                return method.invoke(PROGRAM, args);
            });

    /** Serializable, as the job graph needs; the program itself is this JVM's static. */
    static final class CountingRegistry implements ProgramRegistry {
        @Override
        public Optional<FheProgram> find(String modelHash) {
            return HASH.equals(modelHash) ? Optional.of(COUNTED) : Optional.empty();
        }

        @Override
        public Collection<FheProgram> installed() {
            return List.of(COUNTED);
        }
    }

    @TempDir
    Path tmp;

    @Test
    void startJobReturnsOnceTheMinerHasRunItsWarmUpToken() throws Exception {
        InferenceJobConfig cfg = new InferenceJobConfig();
        cfg.blobs.root = tmp.resolve("blobs").toString();
        cfg.warmUp = WarmUpSelection.of(HASH);
        try (EmbeddedRuntime runtime = EmbeddedRuntime.startKafka(cfg, 1)) {
            runtime.startJob(new CountingRegistry());
            assertEquals(PROGRAM.rounds(), EVALUATIONS.get(), "the rounds of one token, before startJob returned");
        }
    }
}
