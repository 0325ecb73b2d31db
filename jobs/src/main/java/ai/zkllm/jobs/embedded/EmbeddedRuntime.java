package ai.zkllm.jobs.embedded;

import ai.zkllm.jobs.InferenceConnectors;
import ai.zkllm.jobs.InferenceJob;
import ai.zkllm.jobs.InferenceJobConfig;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.io.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Everything of the demo in one process: the embedded KRaft broker with the four topics, and the
 * InferenceJob on a Flink MiniCluster (a local environment), configured against that broker.
 */
public final class EmbeddedRuntime implements AutoCloseable {
    /** Largest Kafka message the embedded broker and its topics accept. */
    public static final int MAX_MESSAGE_BYTES = 64 << 20;

    private final EmbeddedKafka kafka;
    private final InferenceJobConfig config;
    private JobClient job;
    private Path checkpoints;

    private EmbeddedRuntime(EmbeddedKafka kafka, InferenceJobConfig config) {
        this.kafka = kafka;
        this.config = config;
    }

    /** Starts the broker, creates the topics, and points {@code config} at the broker. */
    public static EmbeddedRuntime startKafka(InferenceJobConfig config, int partitions) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(MAX_MESSAGE_BYTES);
        try {
            config.kafka.bootstrapServers = kafka.bootstrapServers();
            kafka.createTopics(partitions, MAX_MESSAGE_BYTES, config.prompts.name, config.kafka.responsesTopic,
                    config.kafka.receiptsTopic, config.kafka.deadLetterTopic);
            return new EmbeddedRuntime(kafka, config);
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
    }

    /** Submits the InferenceJob on the broker's topics to a fresh MiniCluster; returns once it is submitted. */
    public JobClient startJob(ProgramRegistry programs) throws Exception {
        return startJob(programs, InferenceConnectors.kafka(config));
    }

    /** As {@link #startJob(ProgramRegistry)}, reading and writing through {@code io}. */
    public JobClient startJob(ProgramRegistry programs, InferenceConnectors io) throws Exception {
        checkpoints = TempDirs.create("zkllm-checkpoints-");
        Configuration conf = configuration(checkpoints);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(config.parallelism, conf);
        InferenceJob.build(env, config, programs, io);
        job = env.executeAsync("zkllm-inference");
        return job;
    }

    /**
     * The Flink configuration of an embedded run: a few quick restarts, and everything Flink writes in
     * the folder {@code dir}. In-flight prompts are operator state: a round of a shipped model is
     * megabytes, over the 5 MB the JobManager (memory) checkpoint storage allows, so checkpoints go to
     * {@code dir/checkpoints}; Flink's own temporary files (the RPC system's jar, the MiniCluster's
     * blobs and local state, the web upload folder) go to {@code dir/tmp}, so that removing {@code dir}
     * (a {@link TempDirs} folder: on close or at exit, Ctrl-C included) leaves nothing in java.io.tmpdir.
     */
    public static Configuration configuration(Path dir) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        return localFileSystemState(conf, dir);
    }

    /** File-system checkpoints in {@code dir/checkpoints} and Flink's temporary files in {@code dir/tmp}. */
    public static Configuration localFileSystemState(Configuration conf, Path dir) {
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        conf.set(CoreOptions.TMP_DIRS, dir.resolve("tmp").toString());
        conf.set(BlobServerOptions.STORAGE_DIRECTORY, dir.resolve("tmp").toString());
        conf.set(WebOptions.TMP_DIR, dir.resolve("tmp").toString());
        return conf;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public InferenceJobConfig config() {
        return config;
    }

    @Override
    public void close() throws Exception {
        try {
            if (job != null) {
                try {
                    job.cancel().get();
                } catch (Exception ignored) {
                    // already finished or failed
                }
            }
        } finally {
            kafka.close();
            TempDirs.delete(checkpoints);
        }
    }
}
