package ai.zkllm.jobs.embedded;

import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.jobs.InferenceConnectors;
import ai.zkllm.jobs.InferenceJob;
import ai.zkllm.jobs.InferenceJobConfig;
import ai.zkllm.jobs.RegistryJob;
import ai.zkllm.jobs.ValidationConnectors;
import ai.zkllm.jobs.ValidationJob;
import ai.zkllm.jobs.ValidationJobConfig;
import ai.zkllm.operators.inference.WarmUpSelection;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.registry.RegistryCaps;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A whole local network in this process, its files in one state folder: the embedded KRaft broker
 * ({@link EmbeddedKafka}, log under {@code broker/}), one Flink MiniCluster running an InferenceJob per
 * miner (miner m reads {@code zkllm.prompts.m}), the ValidationJob of one validator and the
 * RegistryJob, writing the Iceberg warehouse {@code warehouse/}; blobs in {@code blobs/}, checkpoints
 * in {@code checkpoints/} (file system storage: the reference model's in-flight state is over the
 * 5 MB of memory storage), Flink's scratch files in {@code flink-tmp/}. The brain's validator and miners are registered on the registrations
 * topic at the start, so the registry, validation and settlement have a brain to work on.
 * {@link #close()} stops it all and deletes the broker log, the checkpoints, the blobs and Flink's scratch files; the
 * warehouse stays until the folder is removed.
 */
public final class EmbeddedNetwork implements AutoCloseable {
    /** Stake of the local network's validator, in base units: 1000 tokens. */
    public static final BigInteger VALIDATOR_STAKE = BigInteger.TEN.pow(21);
    /** Consumer group of the network's RegistryJob (the default of {@code zkllm registry}). */
    public static final String REGISTRY_GROUP = "zkllm-registry";
    private static final long REGISTRY_CHECKPOINT_MS = 2_000;

    /** One job of the network. */
    public record Job(String name, JobID id) {}

    /** What the network is: brain, its validator and miners. */
    public record Members(int brain, long validator, List<Long> miners) {}

    private final Path stateDir;
    private final Members members;
    private EmbeddedKafka kafka;
    private MiniCluster cluster;
    private final List<Job> jobs = new ArrayList<>();

    private EmbeddedNetwork(Path stateDir, Members members) {
        this.stateDir = stateDir;
        this.members = members;
    }

    public static Path warehouse(Path stateDir) {
        return stateDir.resolve("warehouse");
    }

    public static Path blobs(Path stateDir) {
        return stateDir.resolve("blobs");
    }

    /** Flink's checkpoints and scratch files ({@link EmbeddedRuntime#configuration}). */
    static Path flink(Path stateDir) {
        return stateDir.resolve("flink");
    }

    static Path broker(Path stateDir) {
        return stateDir.resolve("broker");
    }

    /** The prompts topic miner {@code miner} reads: the one a validator's prompts source finds by prefix. */
    public static String promptsTopic(long miner) {
        return new ValidationJobConfig().promptsTopic(Long.toString(miner));
    }

    /**
     * Starts the broker, the topics, the registrations, the MiniCluster and the jobs, and returns once
     * every job and each of its tasks is RUNNING; on failure, closes what was started.
     */
    public static EmbeddedNetwork start(Path stateDir, Members members, ProgramRegistry programs,
                                        WarmUpSelection warmUp, Consumer<String> progress) throws Exception {
        EmbeddedNetwork network = new EmbeddedNetwork(stateDir, members);
        try {
            network.startAll(programs, warmUp, progress);
            return network;
        } catch (Exception e) {
            network.close();
            throw e;
        }
    }

    private void startAll(ProgramRegistry programs, WarmUpSelection warmUp, Consumer<String> progress) throws Exception {
        Files.createDirectories(broker(stateDir));
        Files.createDirectories(flink(stateDir));
        Files.createDirectories(blobs(stateDir));
        Files.createDirectories(warehouse(stateDir));
        kafka = EmbeddedKafka.start(EmbeddedRuntime.MAX_MESSAGE_BYTES, broker(stateDir));
        progress.accept("broker " + kafka.bootstrapServers());

        List<InferenceJobConfig> miners = new ArrayList<>();
        for (long miner : members.miners()) {
            miners.add(minerConfig(miner, warmUp));
        }
        ValidationJobConfig validation = validationConfig();
        List<String> topics = new ArrayList<>();
        miners.forEach(m -> topics.add(m.prompts.name));
        InferenceJobConfig any = miners.get(0);
        topics.addAll(List.of(any.kafka.responsesTopic, any.kafka.receiptsTopic, any.kafka.deadLetterTopic,
                validation.canaryTopic(), RegistryJob.TOPIC));
        kafka.createTopics(1, EmbeddedRuntime.MAX_MESSAGE_BYTES, topics.toArray(String[]::new));
        register();
        progress.accept("topics " + String.join(", ", topics) + "; registered brain " + members.brain()
                + ": validator " + members.validator() + ", miners " + members.miners());

        Configuration conf = EmbeddedRuntime.configuration(flink(stateDir));
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                // every job runs at parallelism 1: one slot each (slot sharing), two spare
                .setNumSlotsPerTaskManager(members.miners().size() + 4)
                .withRandomPorts()
                .build());
        cluster.start();
        progress.accept("Flink MiniCluster " + restAddress());

        for (InferenceJobConfig miner : miners) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            InferenceJob.build(env, miner, programs, InferenceConnectors.kafka(miner));
            submit("zkllm-inference-miner-" + miner.minerId, env);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ValidationJob.build(env, validation, programs, ValidationConnectors.of(validation));
        submit("zkllm-validation-" + validation.validatorId, env);

        StreamExecutionEnvironment registry = StreamExecutionEnvironment.getExecutionEnvironment();
        registry.setParallelism(1);
        registry.enableCheckpointing(REGISTRY_CHECKPOINT_MS);
        RegistryJob.wire(registry, RegistryJob.source(kafka.bootstrapServers(), Map.of(), RegistryJob.TOPIC,
                REGISTRY_GROUP, false), NetworkCatalog.local(warehouse(stateDir)), RegistryCaps.NETWORK);
        submit("zkllm-registry", registry);

        Map<JobID, String> names = new LinkedHashMap<>();
        jobs.forEach(j -> names.put(j.id(), j.name()));
        MiniClusterJobs.awaitReady(cluster, names);
        progress.accept("jobs running: " + jobs.stream().map(Job::name).toList());
    }

    private InferenceJobConfig minerConfig(long miner, WarmUpSelection warmUp) {
        InferenceJobConfig cfg = new InferenceJobConfig();
        cfg.warmUp = warmUp;
        cfg.kafka.bootstrapServers = kafka.bootstrapServers();
        cfg.prompts.name = promptsTopic(miner);
        cfg.minerId = Long.toString(miner);
        cfg.groupId = "zkllm-miner-" + miner;
        cfg.transactionalIdPrefix = "zkllm-inference-miner-" + miner;
        cfg.blobs.root = blobs(stateDir).toString();
        // the reference model's first round is ~16 MB: allow the broker's limit
        cfg.maxMessageBytes = EmbeddedRuntime.MAX_MESSAGE_BYTES;
        return cfg;
    }

    private ValidationJobConfig validationConfig() {
        ValidationJobConfig cfg = new ValidationJobConfig();
        cfg.kafka.bootstrapServers = kafka.bootstrapServers();
        cfg.brain = members.brain();
        cfg.validatorId = members.validator();
        // its own consumer group: `zkllm validate --bounded --validator-id V` (group zkllm-validator-V) starts from the
        // committed offsets, which this job would otherwise have moved to the end
        cfg.groupId = "zkllm-network-validator-" + members.validator();
        cfg.miners = new ArrayList<>(members.miners().stream().map(String::valueOf).toList());
        cfg.blobs.root = blobs(stateDir).toString();
        cfg.catalog.warehouse = warehouse(stateDir).toString();
        return cfg;
    }

    /** The brain's validator (staking {@link #VALIDATOR_STAKE}) and miners, as registration requests. */
    private void register() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        String brain = Integer.toString(members.brain());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(RegistryJob.TOPIC, brain, registration("validator", members.validator(),
                    VALIDATOR_STAKE))).get(30, TimeUnit.SECONDS);
            for (long miner : members.miners()) {
                producer.send(new ProducerRecord<>(RegistryJob.TOPIC, brain, registration("miner", miner, BigInteger.ZERO)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private String registration(String role, long id, BigInteger stake) {
        return "{\"brain\": " + members.brain() + ", \"role\": \"" + role + "\", \"id\": " + id
                + ", \"stake\": \"" + stake + "\"}";
    }

    private void submit(String name, StreamExecutionEnvironment env) throws Exception {
        jobs.add(new Job(name, MiniClusterJobs.submit(cluster, name, env)));
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public URI restAddress() throws Exception {
        return cluster.getRestAddress().get(10, TimeUnit.SECONDS);
    }

    public Members members() {
        return members;
    }

    public List<Job> jobs() {
        return List.copyOf(jobs);
    }

    /** Each job's state now, in start order. */
    public Map<Job, JobStatus> states() throws Exception {
        Map<JobID, JobStatus> byId = new LinkedHashMap<>();
        for (JobStatusMessage m : cluster.listJobs().get(10, TimeUnit.SECONDS)) {
            byId.put(m.getJobId(), m.getJobState());
        }
        Map<Job, JobStatus> states = new LinkedHashMap<>();
        for (Job job : jobs) {
            states.put(job, byId.getOrDefault(job.id(), JobStatus.INITIALIZING));
        }
        return states;
    }

    /** Cancels the jobs, stops the cluster and the broker, deletes the broker log, the checkpoints and the blobs. */
    @Override
    public void close() {
        try {
            if (cluster != null) {
                for (Job job : jobs) {
                    try {
                        cluster.cancelJob(job.id()).get(30, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // already finished or failed
                    }
                }
                try {
                    cluster.closeAsync().get(60, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // the folders go below regardless
                }
            }
        } finally {
            try {
                if (kafka != null) {
                    kafka.close();
                }
            } finally {
                deleteRecursively(broker(stateDir));
                deleteRecursively(flink(stateDir));
                deleteRecursively(blobs(stateDir));
            }
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
