package ai.zkllm.client;

/**
 * The client could not start talking to its brain: no broker answered at the bootstrap address,
 * or the broker lacks a topic the client reads. Unchecked, since a client is built in a constructor;
 * the message names the address and the topic.
 */
public final class BrokerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
