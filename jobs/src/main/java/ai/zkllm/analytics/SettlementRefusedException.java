package ai.zkllm.analytics;

/**
 * A settlement that must not be committed as asked (the epoch is settled with other inputs and no
 * resettlement was requested, or another settlement of it committed first). The message is one
 * line for the user; nothing was made visible.
 */
public final class SettlementRefusedException extends RuntimeException {

    public SettlementRefusedException(String message) {
        super(message);
    }
}
