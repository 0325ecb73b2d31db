package ai.zkllm.operators.inference;

import ai.zkllm.program.blob.Sha256;
import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.SourceRef;
import org.apache.flink.util.OutputTag;

/** Dead-letter records: a reference to the original bytes (topic, partition, offset, digest) and why. */
public final class DeadLetters {
    /** The side output every function of the inference job sends rejected records to. */
    public static final OutputTag<OutRecord> TAG = new OutputTag<>("dead-letters") {
    };
    private static final int MAX_DETAIL = 1000;

    private DeadLetters() {
    }

    public static OutRecord of(PromptEnvelope e, DeadLetterReason reason, String detail) {
        String d = detail == null ? "" : detail;
        DeadLetter letter = DeadLetter.newBuilder()
                .setSource(SourceRef.newBuilder()
                        .setTopic(e.topic)
                        .setPartition(e.partition)
                        .setOffset(e.offset)
                        .setTimestampUnixMs(e.timestamp)
                        .setSha256(Sha256.hex(e.value))
                        .setSizeBytes(e.value.length))
                .setReason(reason)
                .setDetail(d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) : d)
                .setRequestId(e.requestId)
                .setSessionId(e.sessionId)
                .setDeadLetteredUnixMs(System.currentTimeMillis())
                .build();
        String key = e.requestId.isEmpty() ? e.topic + "-" + e.partition + "@" + e.offset : e.requestId;
        return new OutRecord(key, letter.toByteArray());
    }
}
