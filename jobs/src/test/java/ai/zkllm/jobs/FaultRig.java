package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.client.Generation;
import ai.zkllm.client.ZkllmClient;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.jobs.demo.DemoVocabulary;
import ai.zkllm.jobs.embedded.EmbeddedRuntime;
import ai.zkllm.operators.inference.WarmUpSelection;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The real parts the fault tests break: the embedded KRaft broker with the four topics, a Flink
 * MiniCluster of two TaskManagers (two slots each, tasks spread over both) running the
 * InferenceJob with the Kafka connectors, LinearSquareProgram, checkpoints every 200 ms and a
 * fixed-delay restart strategy; and clients generating in the background. A test starts the
 * generations, waits for a first token so that prompts are in flight, breaks something, and then
 * checks with {@link #assertEveryPromptAnswered()} what the clients and the validators see.
 */
final class FaultRig implements AutoCloseable {
    private static final String[] PROMPTS = {"the cat sat on", "a dog ran to the"};
    private static final int TOKENS = 4;

    final InferenceJobConfig cfg = new InferenceJobConfig();
    final EmbeddedRuntime kafka;
    final MiniCluster flink;
    final JobID job;
    private final BlobStore blobs;
    private final SecretKey sk;
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final List<Future<Generation>> generations = new ArrayList<>();
    private final CountDownLatch firstToken = new CountDownLatch(1);
    private final ConcurrentLinkedQueue<Long> responseArrivals = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;

    /** Starts everything; {@code connectors} may wrap the production Kafka connectors with a fault. */
    FaultRig(Path tmp, UnaryOperator<InferenceConnectors> connectors) throws Exception {
        cfg.parallelism = 2;
        cfg.blobs.root = tmp.resolve("blobs").toString();
        cfg.maxMessageBytes = 2 << 20;
        cfg.checkpointIntervalMs = 200;
        cfg.warmUp = WarmUpSelection.of(InferenceJobEndToEndTest.PROGRAM.modelHash());
        cfg.maxInFlight = 4;
        kafka = EmbeddedRuntime.startKafka(cfg, 2);
        Configuration conf = new Configuration();
        // Enough attempts to outlast a broker that is down for a few seconds.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 50);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("checkpoints").toUri().toString());
        // One slot on each TaskManager, so that losing either one hits the job.
        conf.set(TaskManagerOptions.TASK_MANAGER_LOAD_BALANCE_MODE, TaskManagerOptions.TaskManagerLoadBalanceMode.SLOTS);
        flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(2).setNumSlotsPerTaskManager(2).build());
        flink.start();
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        InferenceJob.build(env, cfg, new ServiceLoaderProgramRegistry(), connectors.apply(InferenceConnectors.kafka(cfg)));
        job = flink.submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
        blobs = cfg.blobs.open();
        sk = new KeyGenerator(FheEngines.get(InferenceJobEndToEndTest.PROGRAM.parameters(), RingBackends.preferred()).context(),
                new SecureRandom()).secretKey();
        background.submit(this::clockResponses);
    }

    /** Records when each response becomes readable, for the recovery time. */
    private Void clockResponses() {
        try (KafkaConsumer<String, byte[]> c = TopicReader.fromBeginning(cfg.kafka.bootstrapServers, cfg.kafka.responsesTopic)) {
            while (!closing) {
                c.poll(Duration.ofMillis(20)).forEach(r -> responseArrivals.add(System.nanoTime()));
            }
        }
        return null;
    }

    /** Starts one greedy generation per prompt, each on its own client and session. */
    void startGenerations() {
        for (int i = 0; i < PROMPTS.length; i++) {
            String session = "fault-session-" + i;
            int[] prompt = DemoVocabulary.encode(PROMPTS[i]);
            generations.add(background.submit(() -> {
                try (ZkllmClient client = new ZkllmClient(new ZkllmClient.Config(cfg.kafka.bootstrapServers,
                        cfg.prompts.name, cfg.kafka.responsesTopic, "brain-1", Duration.ofSeconds(60),
                        Duration.ofSeconds(120)), InferenceJobEndToEndTest.PROGRAM, sk, blobs)) {
                    return client.generate(session, prompt, TOKENS, 0, 1, (index, token, progress) -> firstToken.countDown());
                }
            }));
        }
    }

    /** Blocks until some generation has its first token: the job runs and more prompts are coming. */
    void awaitFirstToken() throws InterruptedException {
        assertTrue(firstToken.await(90, TimeUnit.SECONDS), "no first token");
    }

    /** Waits for the generations; each must give the plaintext model's tokens, as if nothing broke. */
    void awaitGenerations() throws Exception {
        for (int i = 0; i < PROMPTS.length; i++) {
            int[] prompt = DemoVocabulary.encode(PROMPTS[i]);
            Generation g = generations.get(i).get(150, TimeUnit.SECONDS);
            assertArrayEquals(InferenceJobEndToEndTest.plainGreedy(prompt, TOKENS), g.tokens(), "tokens of '" + PROMPTS[i] + "'");
        }
    }

    /** Seconds from {@code faultNanos} (System.nanoTime) to the first response readable after it. */
    double recoverySeconds(long faultNanos) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < until) {
            Long first = responseArrivals.stream().filter(t -> t > faultNanos).min(Long::compare).orElse(null);
            if (first != null) {
                return (first - faultNanos) / 1e9;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no response after the fault");
    }

    /** Whether Flink recorded a failure of the job (it then restarted, if it still answers). */
    boolean jobFailed() throws Exception {
        return flink.getExecutionGraph(job).get().getFailureInfo() != null;
    }

    /**
     * Every prompt of the generations has a response and exactly one receipt, and no dead letter;
     * nothing else is answered in their sessions. Responses are delivered at least once: a restart
     * may write a round's response again, and every copy must then be the same response (the client
     * keeps the first). Counted by request id over the whole topics; receipts as a read_committed
     * reader (a validator) sees them, responses as the client sees them (they are not transactional).
     */
    void assertEveryPromptAnswered() throws Exception {
        Set<String> asked = new TreeSet<>();
        for (ConsumerRecord<String, byte[]> r : readAll(cfg.prompts.name)) {
            asked.add(EncryptedPrompt.parseFrom(r.value()).getRequestId());
        }
        asked.removeIf(id -> !ours(id));
        assertEquals(PROMPTS.length * TOKENS * InferenceJobEndToEndTest.PROGRAM.rounds(), asked.size(), "prompts sent");
        Deliveries<EncryptedResponse> responses = Deliveries.responses(readAll(cfg.kafka.responsesTopic), FaultRig::ours);
        Deliveries<WorkReceipt> receipts = Deliveries.receipts(readAll(cfg.kafka.receiptsTopic), FaultRig::ours);
        Deliveries<DeadLetter> letters = Deliveries.deadLetters(readAll(cfg.kafka.deadLetterTopic), FaultRig::ours);
        responses.assertAtLeastOnceAlike(asked, Deliveries::rerunIndependent);
        receipts.assertExactlyOnce(asked);
        assertEquals(Set.of(), letters.requestIds(), "dead letters for the generations' prompts");
        System.out.printf("faults: %d prompts, %d responses (%d repeated), %d receipts, each once%n", asked.size(),
                responses.count(), responses.count() - asked.size(), receipts.count());
    }

    /** The client SDK's request ids start with the session id. */
    private static boolean ours(String requestId) {
        return requestId.startsWith("fault-session-");
    }

    /** The whole topic: the generations are over and the job has had several checkpoints to commit. */
    private List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return TopicReader.readUntil(cfg.kafka.bootstrapServers, topic, Duration.ofSeconds(2), l -> false);
    }

    @Override
    public void close() throws Exception {
        closing = true;
        try {
            flink.cancelJob(job).get(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already failed or finished
        } finally {
            background.shutdownNow();
            flink.close();
            kafka.close();
        }
    }
}
