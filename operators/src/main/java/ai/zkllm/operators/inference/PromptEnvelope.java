package ai.zkllm.operators.inference;

/**
 * A record of the prompts topic as it flows through the job: where it was read, its raw value, and
 * (once validated) the fields the job routes on. A Flink POJO; the parsed protobuf is not carried,
 * so serialization between operators stays a byte copy.
 */
public class PromptEnvelope {
    public String topic = "";
    public int partition;
    public long offset;
    public long timestamp;
    public byte[] value = new byte[0];
    /** Set by the validator. */
    public String requestId = "";
    public String sessionId = "";
    public long deadlineUnixMs;
    /** Wall-clock time the job first saw the record, for latency metrics. */
    public long arrivalUnixMs;

    public PromptEnvelope() {
    }

    public static PromptEnvelope of(String topic, int partition, long offset, long timestamp, byte[] value) {
        PromptEnvelope e = new PromptEnvelope();
        e.topic = topic == null ? "" : topic;
        e.partition = partition;
        e.offset = offset;
        e.timestamp = timestamp;
        e.value = value == null ? new byte[0] : value;
        e.arrivalUnixMs = System.currentTimeMillis();
        return e;
    }
}
