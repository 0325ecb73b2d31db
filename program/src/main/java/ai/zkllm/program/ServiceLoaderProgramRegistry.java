package ai.zkllm.program;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Every {@link FheProgram} on the class path registered under
 * {@code META-INF/services/ai.zkllm.program.FheProgram}, by model hash; loaded once per
 * task on first use. A squeezed model ships as a jar that registers its program this way.
 */
public final class ServiceLoaderProgramRegistry implements ProgramRegistry {
    private static final long serialVersionUID = 1L;
    private transient Map<String, FheProgram> programs;

    @Override
    public synchronized Optional<FheProgram> find(String modelHash) {
        if (programs == null) {
            Map<String, FheProgram> loaded = new HashMap<>();
            for (FheProgram p : ServiceLoader.load(FheProgram.class, Thread.currentThread().getContextClassLoader())) {
                if (p.parameters().insecureForTests() || p.parameters().securityBits() < 128) {
                    throw new IllegalStateException("program " + p.modelHash() + " uses insecure parameters; no job accepts them");
                }
                loaded.put(p.modelHash(), p);
            }
            programs = loaded;
        }
        return Optional.ofNullable(programs.get(modelHash));
    }
}
