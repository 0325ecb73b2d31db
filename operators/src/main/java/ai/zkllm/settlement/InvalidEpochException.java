package ai.zkllm.settlement;

/** An epoch input that cannot be settled; the message names the offending field or id. */
public final class InvalidEpochException extends IllegalArgumentException {

    private final String field;

    public InvalidEpochException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The offending field as a JSON-like path, e.g. {@code weights[2][5]} or {@code validators[id=7]}. */
    public String field() {
        return field;
    }
}
