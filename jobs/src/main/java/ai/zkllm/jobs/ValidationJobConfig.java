package ai.zkllm.jobs;

import java.io.Serializable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Flags of the ValidationJob and its canary prober; the same names on {@code flink run} and
 * {@code zkllm validate}. Documented in docs/validation.md.
 */
public class ValidationJobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    @Mixin
    public KafkaTopics kafka = new KafkaTopics();

    @Option(names = "--brain", required = true, description = "the brain id (0..1023) this validator scores")
    public int brain;

    @Option(names = "--validator-id", required = true, description = "this validator's registered uid")
    public long validatorId;

    @Option(names = "--miners", split = ",", description = "miner uids to send canaries to, e.g. 10,11,12")
    public java.util.List<String> miners = new java.util.ArrayList<>();

    @Option(names = "--prompts-topic-prefix", description = "miner m reads <prefix>.<m> (default: ${DEFAULT-VALUE})")
    public String promptsTopicPrefix = "zkllm.prompts";

    @Option(names = "--canary-topic", description = "canary results of this validator; default zkllm.canaries.<validator-id>")
    public String canaryTopic;

    @Option(names = "--group-id", description = "Kafka consumer group; default zkllm-validator-<validator-id>")
    public String groupId;

    @Mixin
    public BlobStoreOptions blobs = new BlobStoreOptions();

    @Option(names = "--backend", converter = BackendName.class, description = "ring backend for replays: auto, java, native or cuda (default: ${DEFAULT-VALUE})")
    public String backend = "auto";

    @Option(names = "--replay-fraction", description = "fraction of receipts replayed, by SHA-256 of the request id (default: ${DEFAULT-VALUE})")
    public double replayFraction = 0.05;

    @Option(names = "--replay-retention-s", description = "how long a partial prompt/response/receipt join is kept (default: ${DEFAULT-VALUE})")
    public long replayRetentionSeconds = 3600;

    @Option(names = "--replay-workers", description = "replay threads per subtask (default: ${DEFAULT-VALUE})")
    public int replayWorkers = 1;

    @Option(names = "--replay-max-in-flight", description = "replays queued per subtask before backpressure (default: ${DEFAULT-VALUE})")
    public int replayMaxInFlight = 8;

    @Option(names = "--replay-timeout-ms", description = "a replay taking longer is unverifiable, not a flag (default: ${DEFAULT-VALUE})")
    public long replayTimeoutMs = 300_000;

    @Option(names = "--canary-rate", description = "canary generations per minute per miner (default: ${DEFAULT-VALUE})")
    public double canaryRatePerMinute = 2;

    @Option(names = "--canary-tokens", description = "tokens per canary generation, as `zkllm chat --tokens` (default: ${DEFAULT-VALUE})")
    public int canaryTokens = 8;

    @Option(names = "--canary-timeout-ms", description = "a canary round unanswered this long counts as unavailable (default: ${DEFAULT-VALUE})")
    public long canaryTimeoutMs = 30_000;

    @Option(names = "--tolerance", description = "accuracy: max |decrypted - reference| <= tolerance * max(1, max|reference|) (default: ${DEFAULT-VALUE})")
    public double tolerance = 1e-2;

    @Option(names = "--latency-target-ms", description = "timeliness is 1 up to this mean round latency, then target/latency (default: ${DEFAULT-VALUE})")
    public long latencyTargetMs = 1000;

    @Mixin
    public EpochClock epochs = new EpochClock();

    @Option(names = "--bounded", description = "read the topics up to their current end, close every epoch seen, write and exit")
    public boolean bounded;

    @Mixin
    public IcebergCatalogFlags catalog = new IcebergCatalogFlags();

    @Option(names = "--checkpoint-interval-ms", description = "checkpoint interval; scores are written on checkpoints (default: ${DEFAULT-VALUE})")
    public long checkpointIntervalMs = 10_000;

    @Option(names = "--parallelism", converter = PositiveInt.class, description = "replay parallelism (default: ${DEFAULT-VALUE})")
    public int parallelism = 1;

    public String canaryTopic() {
        return canaryTopic != null ? canaryTopic : "zkllm.canaries." + validatorId;
    }

    public String groupId() {
        return groupId != null ? groupId : "zkllm-validator-" + validatorId;
    }

    public String promptsTopic(String miner) {
        return promptsTopicPrefix + "." + miner;
    }
}
