package ai.zkllm.fhe.io;

/**
 * Serialized FHE data that must not be used: unparsable, of another parameter set, malformed,
 * over a limit or not matching its digest. The message names the field and the offending values.
 * Unchecked, since callers can rarely recover other than by dropping the message.
 */
public final class InvalidFheDataException extends RuntimeException {
    public InvalidFheDataException(String message) {
        super(message);
    }

    public InvalidFheDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
