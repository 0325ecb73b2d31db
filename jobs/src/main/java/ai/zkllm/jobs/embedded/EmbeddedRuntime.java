package ai.zkllm.jobs.embedded;

import ai.zkllm.jobs.InferenceConnectors;
import ai.zkllm.jobs.InferenceJob;
import ai.zkllm.jobs.InferenceJobConfig;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.io.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Everything of the demo in one process: the embedded KRaft broker with the four topics, and the
 * InferenceJob on a Flink MiniCluster, configured against that broker.
 */
public final class EmbeddedRuntime implements AutoCloseable {
    /** Largest Kafka message the embedded broker and its topics accept. */
    public static final int MAX_MESSAGE_BYTES = 64 << 20;
    private static final String JOB_NAME = "zkllm-inference";

    private final EmbeddedKafka kafka;
    private final InferenceJobConfig config;
    private MiniCluster cluster;
    private JobID job;
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

    /**
     * Runs the InferenceJob on the broker's topics on a fresh MiniCluster; returns once its tasks run,
     * so that the first prompt waits for neither the deployment nor the miner's warm-up.
     */
    public void startJob(ProgramRegistry programs) throws Exception {
        startJob(programs, InferenceConnectors.kafka(config));
    }

    /** As {@link #startJob(ProgramRegistry)}, reading and writing through {@code io}. */
    public void startJob(ProgramRegistry programs, InferenceConnectors io) throws Exception {
        checkpoints = TempDirs.create("zkllm-checkpoints-");
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration(checkpoints))
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(config.parallelism)
                .withRandomPorts()
                .build());
        cluster.start();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        InferenceJob.build(env, config, programs, io);
        job = MiniClusterJobs.submit(cluster, JOB_NAME, env);
        MiniClusterJobs.awaitReady(cluster, Map.of(job, JOB_NAME));
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
            if (cluster != null) {
                try {
                    if (job != null) {
                        cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
                    }
                    cluster.closeAsync().get(60, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // already finished or failed; the broker and the folder go below regardless
                }
            }
        } finally {
            kafka.close();
            TempDirs.delete(checkpoints);
        }
    }
}
