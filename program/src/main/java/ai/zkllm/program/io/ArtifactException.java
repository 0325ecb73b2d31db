package ai.zkllm.program.io;

import java.io.IOException;

/**
 * A model artifact that cannot be used: corrupt, truncated, of an unsupported architecture, with a
 * missing tensor, a wrong shape or a content hash that does not match. The message always names
 * the file and, where there is one, the tensor.
 */
public class ArtifactException extends IOException {
    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
