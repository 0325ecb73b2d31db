package ai.zkllm.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.Parameters;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An insecure program on the class path is left out at load; the others are still served. */
public class ServiceLoaderProgramRegistryTest {
    @TempDir
    Path dir;

    /** {@link RoundExecutorTest.ROTATE} as a provider class, which the service loader needs. */
    public static class Secure implements FheProgram {
        private final FheProgram p = RoundExecutorTest.ROTATE;
        @Override public String modelHash() { return p.modelHash(); }
        @Override public Parameters parameters() { return p.parameters(); }
        @Override public int[] rotationSteps() { return p.rotationSteps(); }
        @Override public int rounds() { return p.rounds(); }
        @Override public int maxContext() { return p.maxContext(); }
        @Override public int vocabularySize() { return p.vocabularySize(); }
        @Override public boolean acceptsInputCount(int round, int count) { return p.acceptsInputCount(round, count); }
        @Override public TokenDecoder newDecoder() { return p.newDecoder(); }
        @Override public List<Ciphertext> evaluate(int round, List<Ciphertext> in, Evaluator ev) { return p.evaluate(round, in, ev); }
    }

    public static class Insecure extends Secure {
        static final String HASH = "cd".repeat(32);
        private static final Parameters PARAMS =
                Parameters.builder().logN(10).logScale(30).depth(1).dnum(2).insecureForTests(true).build();
        @Override public String modelHash() { return HASH; }
        @Override public Parameters parameters() { return PARAMS; }
    }

    @Test
    void anInsecureProgramIsNotServedAndDoesNotStopTheOthers() throws Exception {
        Path services = dir.resolve("META-INF/services/" + FheProgram.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, Insecure.class.getName() + "\n" + Secure.class.getName() + "\n");
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, previous)) {
            thread.setContextClassLoader(loader);
            ServiceLoaderProgramRegistry registry = new ServiceLoaderProgramRegistry();
            assertEquals(Optional.empty(), registry.find(Insecure.HASH));
            assertTrue(registry.find(RoundExecutorTest.ROTATE.modelHash()).isPresent());
            List<String> installed = registry.installed().stream().map(FheProgram::modelHash).toList();
            assertTrue(installed.contains(RoundExecutorTest.ROTATE.modelHash()), installed::toString);
            assertFalse(installed.contains(Insecure.HASH), installed::toString);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
