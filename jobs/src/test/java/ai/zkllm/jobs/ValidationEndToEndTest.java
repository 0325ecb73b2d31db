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
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CanaryResult;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.EncryptedPrompt;
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
import java.util.TreeMap;
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
    static final AtomicInteger CHEATER_SEEN = new AtomicInteger();

    @TempDir
    Path tmp;

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
            if (CHEATER_SEEN.getAndIncrement() % 2 != 0) {
                return e;
            }
            EncryptedPrompt p = EncryptedPrompt.parseFrom(e.value);
            LinearSquareProgram program = new LinearSquareProgram();
            FheEngines.Engine engine = FheEngines.get(program.parameters(), RingBackends.preferred());
            Ciphertext in = engine.codec().ciphertextFromBytes(p.getInputs(0).getInline().toByteArray());
            Ciphertext wrong = new Evaluator(engine.context(), null).negate(in);
            e.value = p.toBuilder().setInputs(0, CiphertextPayload.newBuilder()
                    .setInline(engine.codec().toProto(wrong).toByteString())).build().toByteArray();
            return e;
        }
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        InferenceJob.build(env, cfg, new ServiceLoaderProgramRegistry(),
                hook == null ? InferenceConnectors.kafka(cfg) : InjectedPrompts.connectors(cfg, hook));
        return env.executeAsync("miner-" + miner);
    }

    @Test
    void replayFlagsTheCheaterAndTheHonestMinerEarnsTheMost() throws Exception {
        long t0 = System.currentTimeMillis();
        String blobDir = tmp.resolve("blobs").toString();
        BlobStore blobs = new BlobStore(blobDir, 1L << 30);
        LinearSquareProgram program = new LinearSquareProgram();
        List<JobClient> miners = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(16 << 20)) {
            String bootstrap = kafka.bootstrapServers();
            ValidationJobConfig cfg = new ValidationJobConfig();
            cfg.kafka.bootstrapServers = bootstrap;
            cfg.brain = BRAIN;
            cfg.validatorId = VALIDATOR;
            cfg.blobs.root = blobDir;
            cfg.replayFraction = 1.0;
            cfg.canaryTimeoutMs = 60_000;
            cfg.canaryTokens = 1;              // short canaries: the test's users send one token too
            cfg.latencyTargetMs = 1000;
            cfg.epochOriginMs = t0;            // the whole scenario is epoch 0
            cfg.epochLengthMs = 3_600_000;
            cfg.graceMs = 1000;
            cfg.bounded = true;
            cfg.checkpointIntervalMs = 1000;
            cfg.warehouse = tmp.resolve("warehouse").toString();
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
            // Canaries: the validator's own key, through the same client path.
            SecretKey validatorKey = new KeyGenerator(FheEngines.get(program.parameters(), RingBackends.preferred())
                    .context(), new SecureRandom()).secretKey();
            Map<String, List<CanaryResult>> canaries = new TreeMap<>();
            try (CanaryProber prober = new CanaryProber(cfg, program, program::plainLogits, validatorKey, blobs,
                    tmp.resolve("validator-eval.keys"))) {
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
        Map<Long, Record> scores = new TreeMap<>();
        Table scoreTable = NetworkTables.load(catalog, NetworkTables.SCORES);
        try (CloseableIterable<Record> rows = IcebergGenerics.read(scoreTable).build()) {
            rows.forEach(r -> scores.put((Long) r.getField("miner"), r));
        }
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

    static String sql(Path warehouse, String query) {
        StringWriter out = new StringWriter();
        int code = Zkllm.commandLine().setOut(new PrintWriter(out)).execute("sql", "--warehouse", warehouse.toString(), query);
        assertEquals(0, code);
        return out.toString();
    }
}
