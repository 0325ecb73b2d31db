package ai.zkllm.jobs;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The broker and the topics a brain's miners write and everyone else reads: the same flags for the
 * InferenceJob, the ValidationJob and {@code zkllm chat}, which must all agree on them. The prompts
 * topic is {@link PromptsTopic}: a validator reads every miner's by prefix instead. The Kafka
 * properties reach every client a job creates, so SASL/SSL or message sizes are set in one place.
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

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "a Kafka client property for every source, sink and admin client of the job, repeatable;"
                    + " e.g. security.protocol=SASL_SSL. It wins over the job's own settings")
    public Map<String, String> properties = new LinkedHashMap<>();
}
