package ai.zkllm.jobs;

import ai.zkllm.operators.inference.WarmUpSelection;
import java.io.Serializable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Flags of the InferenceJob; the same names on {@code flink run zkllm-jobs.jar ...} and in the
 * embedded runtime of {@code zkllm demo}.
 */
public class InferenceJobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    @Mixin
    public KafkaTopics kafka = new KafkaTopics();

    @Mixin
    public PromptsTopic prompts = new PromptsTopic();

    @Option(names = "--group-id", description = "Kafka consumer group (default: ${DEFAULT-VALUE})")
    public String groupId = "zkllm-miner";

    @Option(names = "--miner-id", description = "written into responses and receipts (default: ${DEFAULT-VALUE})")
    public String minerId = "miner-0";

    @Option(names = "--transactional-id-prefix", description = "prefix of the receipts sink's Kafka transactional ids (default: ${DEFAULT-VALUE})")
    public String transactionalIdPrefix = "zkllm-inference";

    @Option(names = "--parallelism", converter = PositiveInt.class, description = "job parallelism (default: ${DEFAULT-VALUE})")
    public int parallelism = 1;

    @Option(names = "--workers", description = "FHE worker threads per inference subtask (default: ${DEFAULT-VALUE})")
    public int workers = 1;

    @Option(names = "--batch-size", converter = PositiveInt.class, description = "rounds of up to this many prompts"
            + " (concurrent sessions) run as one batch that encodes each weight diagonal once; needs as many in flight"
            + " (1: each prompt on its own) (default: ${DEFAULT-VALUE})")
    public int batchSize = 1;

    @Option(names = "--max-in-flight", description = "prompts in flight per inference subtask before backpressure (default: ${DEFAULT-VALUE})")
    public int maxInFlight = 4;

    @Option(names = "--evaluation-timeout-ms", description = "one round's timeout, then a dead letter (default: ${DEFAULT-VALUE})")
    public long evaluationTimeoutMs = 120_000;

    @Option(names = "--checkpoint-interval-ms", description = "checkpoint (and receipts transaction commit) interval (default: ${DEFAULT-VALUE})")
    public long checkpointIntervalMs = 200;

    @Option(names = "--buffer-timeout-ms", description = "network buffer flush timeout; 0 flushes after every record (default: ${DEFAULT-VALUE})")
    public long bufferTimeoutMs = 0;

    @Mixin
    public BlobStoreOptions blobs = new BlobStoreOptions();

    @Option(names = "--backend", converter = BackendName.class, description = "ring backend: auto, java, native or cuda (default: ${DEFAULT-VALUE})")
    public String backend = "auto";

    @Option(names = "--max-message-bytes", description = "larger prompts go to the dead letters (default: ${DEFAULT-VALUE})")
    public long maxMessageBytes = 8L << 20;

    @Option(names = "--dedup-retention-s", description = "how long a request id is remembered (default: ${DEFAULT-VALUE})")
    public long dedupRetentionSeconds = 24 * 3600;

    @Option(names = "--key-cache-bytes", description = "evaluation-key cache bound, in bytes of decoded keys in memory, about 4x their wire size (default: ${DEFAULT-VALUE})")
    public long keyCacheBytes = 2L << 30;

    @Option(names = "--key-cache-entries", description = "evaluation-key cache bound in key sets (default: ${DEFAULT-VALUE})")
    public int keyCacheEntries = 256;

    @Option(names = "--key-cache-ttl-s", description = "evaluation keys unused this long are dropped (default: ${DEFAULT-VALUE})")
    public long keyCacheTtlSeconds = 1800;

    @Option(names = "--warm-up", converter = WarmUpModels.class, paramLabel = "all|none|HASH[,HASH...]",
            description = "programs to run one token of, under a throwaway key, before taking prompts, so that their first user does not wait for the weights' encodings (default: ${DEFAULT-VALUE})")
    public WarmUpSelection warmUp = WarmUpSelection.ALL;
}
