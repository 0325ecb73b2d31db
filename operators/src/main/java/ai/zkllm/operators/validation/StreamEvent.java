package ai.zkllm.operators.validation;

/**
 * A record of one of the inference topics as the replayer joins them: the raw value of a prompt,
 * response or receipt, keyed by its request id. A Flink POJO.
 */
public class StreamEvent {
    public static final int PROMPT = 0;
    public static final int RESPONSE = 1;
    public static final int RECEIPT = 2;

    public int kind;
    public String requestId = "";
    public byte[] value = new byte[0];

    public StreamEvent() {}

    public static StreamEvent of(int kind, String requestId, byte[] value) {
        StreamEvent e = new StreamEvent();
        e.kind = kind;
        e.requestId = requestId;
        e.value = value;
        return e;
    }
}
