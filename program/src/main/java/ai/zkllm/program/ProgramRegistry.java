package ai.zkllm.program;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a model hash to its compiled {@link FheProgram}. Serializable so that it ships with the
 * job graph; programs themselves are created on the task managers.
 */
public interface ProgramRegistry extends Serializable {

    Optional<FheProgram> find(String modelHash);

    /** Every program this registry serves (what a miner warms up when it opens). */
    Collection<FheProgram> installed();

    /** A registry of one program, for use in one process (it serializes only if the program does). */
    static ProgramRegistry of(FheProgram program) {
        return new ProgramRegistry() {
            private static final long serialVersionUID = 1L;

            @Override
            public Optional<FheProgram> find(String modelHash) {
                return modelHash.equals(program.modelHash()) ? Optional.of(program) : Optional.empty();
            }

            @Override
            public Collection<FheProgram> installed() {
                return List.of(program);
            }
        };
    }
}
