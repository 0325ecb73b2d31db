package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.analytics.IcebergWriter;
import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.cli.Zkllm;
import ai.zkllm.client.TokenListener;
import ai.zkllm.client.ZkllmClient;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.jobs.demo.DemoVocabulary;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import ai.zkllm.jobs.embedded.EmbeddedKafka;
import ai.zkllm.jobs.validation.CanaryProber;
import ai.zkllm.operators.inference.PromptEnvelope;
import ai.zkllm.operators.inference.WarmUpSelection;
import ai.zkllm.operators.validation.CanaryGrader;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CanaryResult;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import com.google.protobuf.UnknownFieldSet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validation scenario end to end on Kafka + Flink + Iceberg: an embedded KRaft broker, three
 * InferenceJobs (one MiniCluster each) serving miners 10 (honest), 11 (lazy: its fault-injection
 * hook sleeps before every round) and 12 (cheating: its hook negates the input ciphertext of every
 * other request it sees, a well-formed but wrong answer), users and the validator's canaries going
 * through the same client, the ValidationJob (bounded run) replaying every receipt and scoring the
 * epoch into Iceberg, then SettlementJob and {@code zkllm sql} over {@code rewards}.
 */
class ValidationEndToEndTest {
    static final int BRAIN = 3;
    static final long VALIDATOR = 1;
    static final String HONEST = "10";
    static final String LAZY = "11";
    static final String CHEATER = "12";
    static final long LAZY_DELAY_MS = 2500;
    /** {@code CanaryResult.max_abs_error}, reserved since: a published CKKS decryption error helps recover the key. */
    static final int MAX_ABS_ERROR_FIELD = 9;
    static final AtomicInteger CHEATER_SEEN = new AtomicInteger();
    static final Set<String> SEEN_KEYS = ConcurrentHashMap.newKeySet();

    @TempDir
    Path tmp;
    final long t0 = System.currentTimeMillis();
    final LinearSquareProgram program = new LinearSquareProgram();
    String blobDir;
    BlobStore blobs;

    @BeforeEach
    void blobStore() {
        blobDir = tmp.resolve("blobs").toString();
        blobs = new BlobStore(blobDir, 1L << 30);
    }

    /** Fault injection, test only: the lazy miner's extra latency. */
    static final class Lazy implements MapFunction<PromptEnvelope, PromptEnvelope> {
        @Override
        public PromptEnvelope map(PromptEnvelope e) throws Exception {
            Thread.sleep(LAZY_DELAY_MS);
            return e;
        }
    }

    /**
     * Fault injection, test only: the cheater computes on the negated input of requests 0, 2, 4, ...
     * (it cannot tell canaries from user prompts), so its answer is a well-formed wrong ciphertext.
     */
    static final class Cheat implements MapFunction<PromptEnvelope, PromptEnvelope> {
        @Override
        public PromptEnvelope map(PromptEnvelope e) throws Exception {
            return CHEATER_SEEN.getAndIncrement() % 2 != 0 ? e : negateInput(e);
        }
    }

    /**
     * Fault injection, test only: a miner that answers honestly only under evaluation keys it has
     * served before (a returning user, or a validator that reuses its keys) and cheats on the first
     * round under a key set it has never seen.
     */
    static final class CheatOnUnseenKeys implements MapFunction<PromptEnvelope, PromptEnvelope> {
        @Override
        public PromptEnvelope map(PromptEnvelope e) throws Exception {
            String keys = EncryptedPrompt.parseFrom(e.value).getEvaluationKeys().getSha256();
            return SEEN_KEYS.add(keys) ? negateInput(e) : e;
        }
    }

    /** The prompt with its input 0 replaced by its negation: a well-formed question nobody asked. */
    static PromptEnvelope negateInput(PromptEnvelope e) throws Exception {
        EncryptedPrompt p = EncryptedPrompt.parseFrom(e.value);
        LinearSquareProgram program = new LinearSquareProgram();
        FheEngines.Engine engine = FheEngines.get(program.parameters(), RingBackends.preferred());
        Ciphertext in = engine.codec().ciphertextFromBytes(p.getInputs(0).getInline().toByteArray());
        Ciphertext wrong = new Evaluator(engine.context(), null).negate(in);
        e.value = p.toBuilder().setInputs(0, CiphertextPayload.newBuilder()
                .setInline(engine.codec().toProto(wrong).toByteString())).build().toByteArray();
        return e;
    }

    JobClient startMiner(String bootstrap, String miner, String blobs, MapFunction<PromptEnvelope, PromptEnvelope> hook)
            throws Exception {
        InferenceJobConfig cfg = new InferenceJobConfig();
        cfg.kafka.bootstrapServers = bootstrap;
        cfg.prompts.name = "zkllm.prompts." + miner;
        cfg.minerId = miner;
        cfg.groupId = "miner-" + miner;
        cfg.transactionalIdPrefix = "miner-" + miner;
        cfg.parallelism = 1;
        cfg.blobs.root = blobs;
        cfg.maxMessageBytes = 2 << 20;
        cfg.checkpointIntervalMs = 200;
        cfg.warmUp = WarmUpSelection.of(program.modelHash());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        InferenceJob.build(env, cfg, new ServiceLoaderProgramRegistry(),
                hook == null ? InferenceConnectors.kafka(cfg) : InjectedPrompts.connectors(cfg, hook));
        return env.executeAsync("miner-" + miner);
    }

    @Test
    void replayFlagsTheCheaterAndTheHonestMinerEarnsTheMost() throws Exception {
        List<JobClient> miners = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(16 << 20)) {
            String bootstrap = kafka.bootstrapServers();
            ValidationJobConfig cfg = validatorConfig(bootstrap);
            cfg.replayFraction = 1.0;
            kafka.createTopics(1, 16 << 20, "zkllm.prompts." + HONEST, "zkllm.prompts." + LAZY,
                    "zkllm.prompts." + CHEATER, cfg.kafka.responsesTopic, cfg.kafka.receiptsTopic, cfg.kafka.deadLetterTopic,
                    cfg.canaryTopic());
            miners.add(startMiner(bootstrap, HONEST, blobDir, null));
            miners.add(startMiner(bootstrap, LAZY, blobDir, new Lazy()));
            miners.add(startMiner(bootstrap, CHEATER, blobDir, new Cheat()));

            // User traffic first: one token (two rounds) per miner; the cheater's first request is wrong.
            SecretKey userKey = new KeyGenerator(FheEngines.get(program.parameters(), RingBackends.preferred()).context(),
                    new SecureRandom()).secretKey();
            for (String m : List.of(HONEST, LAZY, CHEATER)) {
                try (ZkllmClient user = new ZkllmClient(new ZkllmClient.Config(bootstrap, "zkllm.prompts." + m,
                        cfg.kafka.responsesTopic, Integer.toString(BRAIN), Duration.ofSeconds(60), Duration.ofSeconds(60),
                        cfg.kafka.deadLetterTopic), program, userKey, blobs)) {
                    user.generate("user-" + m, DemoVocabulary.encode("the cat sat on"), 1, 0, 1, TokenListener.NONE);
                }
            }
            // Canaries: sessions under the validator's fresh keys, through the same client path.
            Map<String, List<CanaryResult>> canaries = new TreeMap<>();
            try (CanaryProber prober = new CanaryProber(cfg, program, program::plainLogits, blobs)) {
                for (int i = 0; i < 2; i++) {
                    for (String m : List.of(HONEST, LAZY, CHEATER)) {
                        canaries.computeIfAbsent(m, k -> new ArrayList<>()).add(prober.probe(m));
                    }
                }
            }
            System.out.println("canaries: " + canaries);
            canaries.get(HONEST).forEach(c -> assertTrue(c.getAnswered() && c.getAccurate(), c.toString()));
            canaries.get(LAZY).forEach(c -> assertTrue(c.getMeanRoundLatencyMs() >= LAZY_DELAY_MS, c.toString()));
            System.out.printf("traffic done after %.1f s%n", (System.currentTimeMillis() - t0) / 1e3);

            // The validator: replay every receipt, close epoch 0, write scores (bounded run).
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
            ValidationJob.build(env, cfg, new ServiceLoaderProgramRegistry(), ValidationConnectors.of(cfg));
            env.execute("validator-" + VALIDATOR);
            System.out.printf("validation done after %.1f s%n", (System.currentTimeMillis() - t0) / 1e3);
        } finally {
            for (JobClient j : miners) {
                try {
                    j.cancel().get();
                } catch (Exception ignored) {
                    // already gone
                }
            }
        }

        NetworkCatalog network = NetworkCatalog.local(tmp.resolve("warehouse"));
        Catalog catalog = network.open();
        Map<Long, Record> scores = scores(catalog);
        assertEquals(3, scores.size(), scores.toString());
        Record cheater = scores.get(12L);
        assertTrue((Boolean) cheater.getField("flagged_by_replay"));
        assertEquals(0.0, (Double) cheater.getField("weight"));
        assertTrue(((String) cheater.getField("reason")).startsWith("flagged by replay: request user-12/"),
                (String) cheater.getField("reason"));
        assertFalse((Boolean) scores.get(10L).getField("flagged_by_replay"));
        assertFalse((Boolean) scores.get(11L).getField("flagged_by_replay"));
        assertTrue((Double) scores.get(10L).getField("weight") > (Double) scores.get(11L).getField("weight"));

        // Register the validator and the miners, settle epoch 0, and query the rewards as an analyst would.
        Table registrations = NetworkTables.load(catalog, NetworkTables.REGISTRATIONS);
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        BigDecimal stake = new BigDecimal(BigInteger.TEN.pow(21));
        List<Record> regs = new ArrayList<>();
        regs.add(IcebergWriter.record(registrations, BRAIN, "validator", VALIDATOR, "v1", stake, at, "accepted", null));
        for (long m : new long[] {10, 11, 12}) {
            regs.add(IcebergWriter.record(registrations, BRAIN, "miner", m, "m" + m, BigDecimal.ZERO, at, "accepted", null));
        }
        IcebergWriter.append(registrations, regs);
        SettlementJob.run(network, SettlementJob.Params.defaults(BRAIN, 0));

        String scoresOut = sql(tmp.resolve("warehouse"), "SELECT miner, ROUND(score, 3) AS score, ROUND(weight, 3) AS weight,"
                + " flagged_by_replay FROM scores WHERE brain = 3 AND epoch = 0 ORDER BY miner");
        String rewardsOut = sql(tmp.resolve("warehouse"),
                "SELECT role, id, amount FROM rewards WHERE brain = 3 AND epoch = 0 ORDER BY role, id");
        System.out.println("scores:\n" + scoresOut + "\nrewards:\n" + rewardsOut);
        scores.values().forEach(r -> System.out.println("reason miner " + r.getField("miner") + ": " + r.getField("reason")));

        Map<Long, BigInteger> paid = new TreeMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(NetworkTables.load(catalog, NetworkTables.REWARDS)).build()) {
            for (Record r : rows) {
                if ("miner".equals(r.getField("role"))) {
                    paid.put((Long) r.getField("id"), ((BigDecimal) r.getField("amount")).toBigIntegerExact());
                }
            }
        }
        assertTrue(paid.get(10L).compareTo(paid.get(11L)) > 0, paid.toString());
        assertTrue(paid.get(11L).signum() > 0, paid.toString());
        assertEquals(BigInteger.ZERO, paid.get(12L), paid.toString());
    }

    /**
     * A miner that cheats only under evaluation keys it has never served is caught by canaries,
     * because every canary session comes with keys of its own; it stays honest to a returning user.
     * Replay is off: the canaries alone must show it.
     */
    @Test
    void canariesCatchAMinerThatCheatsOnlyUnderUnseenKeys() throws Exception {
        String miner = "13";
        int sessions = 3;
        JobClient job = null;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(16 << 20)) {
            String bootstrap = kafka.bootstrapServers();
            ValidationJobConfig cfg = validatorConfig(bootstrap);
            cfg.replayFraction = 0;
            kafka.createTopics(1, 16 << 20, "zkllm.prompts." + miner, cfg.kafka.responsesTopic, cfg.kafka.receiptsTopic,
                    cfg.kafka.deadLetterTopic, cfg.canaryTopic());
            job = startMiner(bootstrap, miner, blobDir, new CheatOnUnseenKeys());

            // A returning user: the first generation under its keys is cheated on, the second is not.
            SecretKey userKey = new KeyGenerator(FheEngines.get(program.parameters(), RingBackends.preferred()).context(),
                    new SecureRandom()).secretKey();
            int[] prompt = DemoVocabulary.encode("the cat sat on");
            List<Boolean> userAccurate = new ArrayList<>();
            try (ZkllmClient user = new ZkllmClient(new ZkllmClient.Config(bootstrap, "zkllm.prompts." + miner,
                    cfg.kafka.responsesTopic, Integer.toString(BRAIN), Duration.ofSeconds(60), Duration.ofSeconds(60),
                    cfg.kafka.deadLetterTopic), program, userKey, blobs)) {
                for (int i = 0; i < 2; i++) {
                    double[] logits = user.generate("user-" + i, prompt, 1, 0, 1, TokenListener.NONE).logits().get(0);
                    userAccurate.add(CanaryGrader.accurate(logits, program.plainLogits(prompt), cfg.tolerance));
                }
            }
            assertEquals(List.of(false, true), userAccurate, "the miner cheats exactly on keys it has not seen");

            List<CanaryResult> canaries = new ArrayList<>();
            try (CanaryProber prober = new CanaryProber(cfg, program, program::plainLogits, blobs)) {
                for (int i = 0; i < sessions; i++) {
                    canaries.add(prober.probe(miner));
                }
            }
            System.out.println("canaries: " + canaries);
            canaries.forEach(c -> assertTrue(c.getAnswered() && !c.getAccurate(), "canary not cheated on: " + c));

            // What the validator published: pass/fail and latency, never a decryption error.
            List<ConsumerRecord<String, byte[]>> published = TopicReader.readUntil(bootstrap, cfg.canaryTopic(),
                    Duration.ofSeconds(30), r -> r.size() >= sessions);
            assertEquals(sessions, published.size());
            for (ConsumerRecord<String, byte[]> r : published) {
                assertFalse(UnknownFieldSet.parseFrom(r.value()).hasField(MAX_ABS_ERROR_FIELD), "an error value was published");
            }

            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
            ValidationJob.build(env, cfg, new ServiceLoaderProgramRegistry(), ValidationConnectors.of(cfg));
            env.execute("validator-" + VALIDATOR);
        } finally {
            if (job != null) {
                job.cancel().get();
            }
        }
        Record row = scores(NetworkCatalog.local(tmp.resolve("warehouse")).open()).get(Long.parseLong(miner));
        System.out.println("reason miner " + miner + ": " + row.getField("reason"));
        assertFalse((Boolean) row.getField("flagged_by_replay"));
        assertEquals(0.0, (Double) row.getField("score"), (String) row.getField("reason"));
    }

    /** The bounded validator of these tests: brain 3, validator 1, one-token canaries, epoch 0 from the test's start. */
    ValidationJobConfig validatorConfig(String bootstrap) {
        ValidationJobConfig cfg = new ValidationJobConfig();
        cfg.kafka.bootstrapServers = bootstrap;
        cfg.brain = BRAIN;
        cfg.validatorId = VALIDATOR;
        cfg.blobs.root = blobDir;
        cfg.canaryTimeoutMs = 60_000;
        cfg.canaryTokens = 1;              // short canaries: the test's users send one token too
        cfg.latencyTargetMs = 1000;
        cfg.epochs.originMs = t0;            // the whole scenario is epoch 0
        cfg.epochs.lengthMs = 3_600_000;
        cfg.epochs.graceMs = 1000;
        cfg.bounded = true;
        cfg.checkpointIntervalMs = 1000;
        cfg.catalog.warehouse = tmp.resolve("warehouse").toString();
        return cfg;
    }

    static Map<Long, Record> scores(Catalog catalog) throws java.io.IOException {
        Map<Long, Record> scores = new TreeMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(NetworkTables.load(catalog, NetworkTables.SCORES)).build()) {
            rows.forEach(r -> scores.put((Long) r.getField("miner"), r));
        }
        return scores;
    }

    static String sql(Path warehouse, String query) {
        StringWriter out = new StringWriter();
        int code = Zkllm.commandLine().setOut(new PrintWriter(out)).execute("sql", "--warehouse", warehouse.toString(), query);
        assertEquals(0, code);
        return out.toString();
    }
}
