package ai.zkllm.jobs;

import java.io.Serializable;
import picocli.CommandLine.Option;

/**
 * The broker and the topics a brain's miners write and everyone else reads: the same flags for the
 * InferenceJob, the ValidationJob and {@code zkllm chat}, which must all agree on them. The prompts
 * topic is {@link PromptsTopic}: a validator reads every miner's by prefix instead.
 */
public class KafkaTopics implements Serializable {
    private static final long serialVersionUID = 1L;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    public String bootstrapServers = "127.0.0.1:9092";

    @Option(names = "--responses-topic", description = "EncryptedResponse topic the miners answer on (default: ${DEFAULT-VALUE})")
    public String responsesTopic = "zkllm.responses";

    @Option(names = "--receipts-topic", description = "WorkReceipt topic of the miners' rounds (default: ${DEFAULT-VALUE})")
    public String receiptsTopic = "zkllm.receipts";

    @Option(names = "--dead-letter-topic", description = "DeadLetter topic where miners report refused prompts (default: ${DEFAULT-VALUE})")
    public String deadLetterTopic = "zkllm.dead-letters";
}
