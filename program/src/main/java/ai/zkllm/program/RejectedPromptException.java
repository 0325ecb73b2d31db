package ai.zkllm.program;

import ai.zkllm.schemas.v1.DeadLetterReason;
import java.io.IOException;

/** The miners dead-lettered one of this client's prompts; the reason says why. */
public final class RejectedPromptException extends IOException {
    private static final long serialVersionUID = 1L;
    private final DeadLetterReason reason;

    public RejectedPromptException(DeadLetterReason reason, String detail) {
        super("prompt rejected: " + reason + (detail.isEmpty() ? "" : " (" + detail + ")"));
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
