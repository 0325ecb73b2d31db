package ai.zkllm.program;

import java.io.Serializable;
import java.util.Optional;

/**
 * Resolves a model hash to its compiled {@link FheProgram}. Serializable so that it ships with the
 * job graph; programs themselves are created on the task managers.
 */
public interface ProgramRegistry extends Serializable {

    Optional<FheProgram> find(String modelHash);
}
