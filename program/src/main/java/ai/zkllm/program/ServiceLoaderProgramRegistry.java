package ai.zkllm.program;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link FheProgram} on the class path registered under
 * {@code META-INF/services/ai.zkllm.program.FheProgram}, by model hash; loaded once per
 * task on first use. A squeezed model ships as a jar that registers its program this way. A program
 * with insecure parameters is left out, with a warning, once at load.
 */
public final class ServiceLoaderProgramRegistry implements ProgramRegistry {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLoaderProgramRegistry.class);
    private transient Map<String, FheProgram> programs;

    @Override
    public Optional<FheProgram> find(String modelHash) {
        return Optional.ofNullable(programs().get(modelHash));
    }

    @Override
    public Collection<FheProgram> installed() {
        return List.copyOf(programs().values());
    }

    private synchronized Map<String, FheProgram> programs() {
        if (programs == null) {
            Map<String, FheProgram> loaded = new LinkedHashMap<>();
            for (FheProgram p : ServiceLoader.load(FheProgram.class, Thread.currentThread().getContextClassLoader())) {
                // Throwing here would fail every prompt and restart the job forever; one program is simply not served.
                if (p.parameters().insecureForTests() || p.parameters().securityBits() < 128) {
                    LOG.warn("program {} is not served: its parameters are insecure", p.modelHash());
                    continue;
                }
                loaded.put(p.modelHash(), p);
            }
            programs = loaded;
        }
        return programs;
    }
}
