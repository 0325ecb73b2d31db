package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.client.Generation;
import ai.zkllm.client.TokenListener;
import ai.zkllm.client.ZkllmClient;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.jobs.demo.DemoVocabulary;
import ai.zkllm.jobs.demo.LinearSquareProgram;
import ai.zkllm.jobs.embedded.EmbeddedRuntime;
import ai.zkllm.operators.inference.PromptEnvelope;
import ai.zkllm.operators.inference.WarmUpSelection;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.LocalRunner;
import ai.zkllm.program.RejectedPromptException;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.DeadLetterReason;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.FheCiphertext;
import ai.zkllm.schemas.v1.WorkReceipt;
import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The InferenceJob end to end: a real in-process KRaft broker, a Flink MiniCluster (parallelism 2,
 * 2 partitions), the demo's two-round program over N = 2^14 128-bit parameters, and the client SDK.
 * One job serves every test: good prompts from several sessions, bad input, and a session whose
 * prompts hit an injected failure (on reading, {@link InjectedPrompts}) that restarts the job from
 * its last checkpoint.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InferenceJobEndToEndTest {
    static final String CRASH_SESSION = "crash-session";
    static final AtomicBoolean CRASHED = new AtomicBoolean();
    static final AtomicInteger CRASH_SEEN = new AtomicInteger();

    @TempDir
    static Path tmp;

    static EmbeddedRuntime runtime;
    static InferenceJobConfig cfg;
    static final LinearSquareProgram PROGRAM = new LinearSquareProgram();
    static final FheCodec CODEC = FheEngines.get(PROGRAM.parameters(), RingBackends.preferred()).codec();
    static BlobStore blobs;
    static SecretKey sk;

    /** Fails the job once, on reading the third prompt of {@link #CRASH_SESSION} (the record key). */
    static final class FailOnce implements MapFunction<PromptEnvelope, PromptEnvelope> {
        @Override
        public PromptEnvelope map(PromptEnvelope e) throws Exception {
            if (CRASH_SESSION.equals(session(e)) && CRASH_SEEN.incrementAndGet() == 3 && CRASHED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure for the restart test");
            }
            return e;
        }

        private static String session(PromptEnvelope e) {
            try {
                return EncryptedPrompt.parseFrom(e.value).getSessionId();
            } catch (com.google.protobuf.InvalidProtocolBufferException notAPrompt) {
                return "";
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        cfg = new InferenceJobConfig();
        cfg.parallelism = 2;
        cfg.blobs.root = tmp.resolve("blobs").toString();
        cfg.maxMessageBytes = 2 << 20;
        cfg.warmUp = WarmUpSelection.of(PROGRAM.modelHash());
        cfg.checkpointIntervalMs = Long.getLong("zkllm.test.checkpointMs", 200);
        cfg.maxInFlight = 4;
        runtime = EmbeddedRuntime.startKafka(cfg, 2);
        runtime.startJob(new ServiceLoaderProgramRegistry(), InjectedPrompts.connectors(cfg, new FailOnce()));
        blobs = cfg.blobs.open();
        CkksContext ctx = FheEngines.get(PROGRAM.parameters(), RingBackends.preferred()).context();
        sk = new KeyGenerator(ctx, new SecureRandom()).secretKey();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
    }

    static ZkllmClient client() {
        return new ZkllmClient(new ZkllmClient.Config(cfg.kafka.bootstrapServers, cfg.prompts.name, cfg.kafka.responsesTopic,
                "brain-1", Duration.ofSeconds(60), Duration.ofSeconds(60)), PROGRAM, sk, blobs);
    }

    /** The plaintext model's greedy continuation. */
    static int[] plainGreedy(int[] prompt, int n) {
        List<Integer> ctx = new ArrayList<>();
        for (int t : prompt) {
            ctx.add(t);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            double[] z = PROGRAM.plainLogits(ctx.stream().mapToInt(Integer::intValue).toArray());
            int best = 0;
            for (int j = 1; j < z.length; j++) {
                best = z[j] > z[best] ? j : best;
            }
            out[i] = best;
            ctx.add(best);
        }
        return out;
    }

    @Test
    @Order(1)
    void threePromptsFromTwoSessionsDecryptToThePlaintextModel() throws Exception {
        String[][] prompts = {{"session-a", "the cat sat on"}, {"session-b", "a dog ran to the"}, {"session-a", "blue sky"}};
        int tokens = 2;
        try (ZkllmClient client = client()) {
            for (String[] p : prompts) {
                int[] prompt = DemoVocabulary.encode(p[1]);
                Generation g = client.generate(p[0], prompt, tokens, 0, 1, TokenListener.NONE);
                assertArrayEquals(plainGreedy(prompt, tokens), g.tokens(), "tokens for '" + p[1] + "'");
                List<Integer> ctx = new ArrayList<>();
                for (int t : prompt) {
                    ctx.add(t);
                }
                for (int i = 0; i < tokens; i++) {
                    double[] expected = PROGRAM.plainLogits(ctx.stream().mapToInt(Integer::intValue).toArray());
                    assertArrayEquals(expected, g.logits().get(i), 1e-3, "logits of token " + i);
                    ctx.add(g.tokens()[i]);
                }
                assertEquals(tokens * PROGRAM.rounds(), g.roundTrips());
                System.out.printf("e2e '%s' -> '%s': %.3f s/token, %.3f s/round, %d B up, %d B down, keys %d B%n",
                        p[1], DemoVocabulary.decode(g.tokens()[0]) + " " + DemoVocabulary.decode(g.tokens()[1]),
                        g.secondsPerToken(), g.seconds() / g.roundTrips(), g.bytesUp() / g.roundTrips(),
                        g.bytesDown() / g.roundTrips(), g.keyBytesUploaded());
            }
        }
        List<ConsumerRecord<String, byte[]>> receipts = TopicReader.readUntil(cfg.kafka.bootstrapServers, cfg.kafka.receiptsTopic,
                Duration.ofSeconds(20), l -> l.size() >= 12);
        assertTrue(receipts.size() >= 12, "a receipt per round, got " + receipts.size());
        WorkReceipt r = WorkReceipt.parseFrom(receipts.get(0).value());
        assertEquals(PROGRAM.modelHash(), r.getModelHash());
        assertEquals(PROGRAM.parameters().id(), r.getParameterHash());
        assertEquals(1, r.getInputSha256Count());
        assertEquals(64, r.getOutputSha256(0).length());
    }

    /** A valid round-0 prompt, built by hand so that single fields can be broken. */
    static EncryptedPrompt.Builder validPrompt(String session, String requestId, BlobRef keys, int level) {
        return validPrompt(session, requestId, keys, level, m -> m);
    }

    /** As above, with the input's FheCiphertext message passed through {@code tamper}. */
    static EncryptedPrompt.Builder validPrompt(String session, String requestId, BlobRef keys, int level,
                                               java.util.function.UnaryOperator<FheCiphertext> tamper) {
        Parameters params = PROGRAM.parameters();
        CkksContext ctx = FheEngines.get(params, RingBackends.preferred()).context();
        Encoder encoder = new Encoder(ctx);
        Ciphertext ct = new Encryptor(ctx, sk, new SecureRandom())
                .encrypt(encoder.encode(PROGRAM.newDecoder().start(new int[] {1, 2}).get(0), level, params.scale()));
        return EncryptedPrompt.newBuilder()
                .setRequestId(requestId)
                .setSessionId(session)
                .setBrainId("brain-1")
                .setModelHash(PROGRAM.modelHash())
                .setParameterHash(params.id())
                .setRound(0)
                .addInputs(CiphertextPayload.newBuilder().setInline(tamper.apply(CODEC.toProto(ct)).toByteString()))
                .setEvaluationKeys(keys)
                .setDeadlineUnixMs(System.currentTimeMillis() + 120_000);
    }

    @Test
    @Order(2)
    void badInputEndsInTheDeadLettersWhileGoodPromptsAreAnswered() throws Exception {
        try (ZkllmClient client = client()) {
            BlobRef keys = client.uploadEvaluationKeys();
            Parameters params = PROGRAM.parameters();
            Map<String, DeadLetterReason> expected = new HashMap<>();
            client.send("x", "definitely not protobuf \u0000\u00ff garbage".getBytes());
            expected.put("", DeadLetterReason.DEAD_LETTER_REASON_UNPARSEABLE);
            client.send("bad", validPrompt("bad", "unknown-model", keys, params.maxLevel())
                    .setModelHash("00".repeat(32)).build().toByteArray());
            expected.put("unknown-model", DeadLetterReason.DEAD_LETTER_REASON_UNKNOWN_MODEL);
            client.send("bad", validPrompt("bad", "param-mismatch", keys, params.maxLevel())
                    .setParameterHash("11".repeat(32)).build().toByteArray());
            expected.put("param-mismatch", DeadLetterReason.DEAD_LETTER_REASON_PARAMETER_MISMATCH);
            client.send("bad", validPrompt("bad", "level-mismatch", keys, params.maxLevel() - 1).build().toByteArray());
            expected.put("level-mismatch", DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT);
            client.send("bad", validPrompt("bad", "missing-keys", keys, params.maxLevel())
                    .setEvaluationKeys(BlobRef.newBuilder().setSha256("22".repeat(32)).setSizeBytes(10)).build().toByteArray());
            expected.put("missing-keys", DeadLetterReason.DEAD_LETTER_REASON_MISSING_EVALUATION_KEYS);
            // Well-formed protobuf that the engine codec refuses: a residue not below its prime, a wrong digest.
            Map<String, String> codecDetail = Map.of("coefficient-above-prime", "is not below its prime",
                    "bad-digest", "does not match the canonical digest");
            client.send("bad", validPrompt("bad", "coefficient-above-prime", keys, params.maxLevel(), m -> {
                byte[] limb = m.getPolys(0).getLimbs(1).toByteArray();
                java.util.Arrays.fill(limb, 8, 12, (byte) 0xff);
                return m.toBuilder().setPolys(0, m.getPolys(0).toBuilder().setLimbs(1, ByteString.copyFrom(limb))).build();
            }).build().toByteArray());
            expected.put("coefficient-above-prime", DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT);
            client.send("bad", validPrompt("bad", "bad-digest", keys, params.maxLevel(), m -> {
                byte[] sha = m.getSha256().toByteArray();
                sha[31] ^= 0x80;
                return m.toBuilder().setSha256(ByteString.copyFrom(sha)).build();
            }).build().toByteArray());
            expected.put("bad-digest", DeadLetterReason.DEAD_LETTER_REASON_BAD_CIPHERTEXT);
            byte[] big = new byte[3 << 20];
            new Random(1).nextBytes(big);
            client.send("bad", big);
            expected.put("oversized", DeadLetterReason.DEAD_LETTER_REASON_OVERSIZED);
            byte[] replayed = validPrompt("replay-session", "replayed-id", keys, params.maxLevel()).build().toByteArray();
            client.send("replay-session", replayed);
            client.send("replay-session", replayed);
            expected.put("replayed-id", DeadLetterReason.DEAD_LETTER_REASON_DUPLICATE_REQUEST);

            // A client that watches the dead letters learns at once why its prompt was refused.
            FheProgram unknown = (FheProgram) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {FheProgram.class}, (proxy, m, a) -> m.getName().equals("modelHash")
                            ? "99".repeat(32) : m.invoke(PROGRAM, a));
            try (ZkllmClient watching = new ZkllmClient(new ZkllmClient.Config(cfg.kafka.bootstrapServers, cfg.prompts.name,
                    cfg.kafka.responsesTopic, "brain-1", Duration.ofSeconds(60), null, cfg.kafka.deadLetterTopic), unknown, sk, blobs)) {
                RejectedPromptException e = assertThrows(RejectedPromptException.class,
                        () -> watching.generate("rejected-session", new int[] {1}, 1, 0, 1, TokenListener.NONE));
                assertEquals(DeadLetterReason.DEAD_LETTER_REASON_UNKNOWN_MODEL, e.reason());
            }
            expected.put("rejected", DeadLetterReason.DEAD_LETTER_REASON_UNKNOWN_MODEL);

            // The job keeps answering good prompts after all that.
            int[] prompt = DemoVocabulary.encode("the bird saw");
            Generation g = client.generate("session-c", prompt, 1, 0, 1, TokenListener.NONE);
            assertArrayEquals(plainGreedy(prompt, 1), g.tokens());

            List<ConsumerRecord<String, byte[]>> letters = TopicReader.readUntil(cfg.kafka.bootstrapServers,
                    cfg.kafka.deadLetterTopic, Duration.ofSeconds(30), l -> l.size() >= expected.size());
            Map<DeadLetterReason, Integer> reasons = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : letters) {
                DeadLetter d = DeadLetter.parseFrom(r.value());
                reasons.merge(d.getReason(), 1, Integer::sum);
                assertTrue(d.getSource().getSha256().length() == 64 && d.getSource().getOffset() >= 0);
                if (!d.getRequestId().isEmpty() && expected.containsKey(d.getRequestId())) {
                    assertEquals(expected.get(d.getRequestId()), d.getReason(), d.getRequestId() + ": " + d.getDetail());
                }
                if (codecDetail.containsKey(d.getRequestId())) {
                    assertTrue(d.getDetail().startsWith("inputs[0]: FheCiphertext.")
                            && d.getDetail().contains(codecDetail.get(d.getRequestId())), d.getDetail());
                }
            }
            for (DeadLetterReason reason : expected.values()) {
                int times = (int) expected.values().stream().filter(reason::equals).count();
                assertEquals(times, reasons.getOrDefault(reason, 0), reason + " in " + reasons);
            }
            // The first copy of the replayed prompt was answered, once.
            List<ConsumerRecord<String, byte[]>> responses = TopicReader.readUntil(cfg.kafka.bootstrapServers,
                    cfg.kafka.responsesTopic, Duration.ofSeconds(20), l -> l.stream().anyMatch(r -> r.key().equals("replay-session")));
            long answers = responses.stream().filter(r -> {
                try {
                    return EncryptedResponse.parseFrom(r.value()).getRequestId().equals("replayed-id");
                } catch (Exception e) {
                    return false;
                }
            }).count();
            assertEquals(1, answers);
        }
    }

    /**
     * After the restart the responses written since the last checkpoint are written again (at least
     * once, the copies alike); every round still has exactly one receipt, and none is dead-lettered.
     */
    @Test
    @Order(3)
    void aFailureAndRestartLosesNoAnswerAndRepeatsNoReceipt() throws Exception {
        int n = 6;
        Set<String> ids = new HashSet<>();
        try (ZkllmClient client = client()) {
            BlobRef keys = client.uploadEvaluationKeys();
            for (int i = 0; i < n; i++) {
                String id = "crash-" + i;
                ids.add(id);
                client.send(CRASH_SESSION, validPrompt(CRASH_SESSION, id, keys, PROGRAM.parameters().maxLevel())
                        .build().toByteArray());
            }
        }
        Deliveries<EncryptedResponse> responses = Deliveries.responses(settled(cfg.kafka.responsesTopic, ids,
                v -> EncryptedResponse.parseFrom(v).getRequestId()), ids::contains);
        Deliveries<WorkReceipt> receipts = Deliveries.receipts(settled(cfg.kafka.receiptsTopic, ids,
                v -> WorkReceipt.parseFrom(v).getRequestId()), ids::contains);
        assertTrue(CRASHED.get(), "the injected failure happened");
        responses.assertAtLeastOnceAlike(ids, Deliveries::rerunIndependent);
        receipts.assertExactlyOnce(ids);
        System.out.printf("restart: %d responses for %d prompts, %d receipts%n", responses.count(), n, receipts.count());
        CkksContext ctx = FheEngines.get(PROGRAM.parameters(), RingBackends.preferred()).context();
        Encoder encoder = new Encoder(ctx);
        Decryptor decryptor = new Decryptor(ctx, sk);
        for (EncryptedResponse resp : responses.firstCopies()) {
            double[] y = encoder.decode(decryptor.decrypt(
                    CODEC.ciphertextFromBytes(resp.getOutputs(0).getInline().toByteArray())));
            assertTrue(Double.isFinite(y[0]));
        }
        List<ConsumerRecord<String, byte[]>> letters = TopicReader.readUntil(cfg.kafka.bootstrapServers, cfg.kafka.deadLetterTopic,
                Duration.ofSeconds(3), l -> false);
        for (ConsumerRecord<String, byte[]> r : letters) {
            DeadLetter d = DeadLetter.parseFrom(r.value());
            assertTrue(!ids.contains(d.getRequestId()), "restart must not dead-letter " + d.getRequestId() + " as " + d.getReason());
        }
    }

    /**
     * The whole topic once every request in {@code ids} has a message there, read again a second
     * later: a copy written after the first one shows up too.
     */
    private static List<ConsumerRecord<String, byte[]>> settled(String topic, Set<String> ids,
                                                                Deliveries.Parser<String> requestId) throws InterruptedException {
        TopicReader.readUntil(cfg.kafka.bootstrapServers, topic, Duration.ofSeconds(90), l -> {
            Set<String> seen = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : l) {
                try {
                    seen.add(requestId.parse(r.value()));
                } catch (com.google.protobuf.InvalidProtocolBufferException notOurs) {
                    // another test's record
                }
            }
            return seen.containsAll(ids);
        });
        Thread.sleep(1000);
        return TopicReader.readUntil(cfg.kafka.bootstrapServers, topic, Duration.ofSeconds(3), l -> false);
    }

    /**
     * Responses are delivered at least once: a response delivered a second time, here while the
     * client awaits its next round, is skipped by request id; the generation gets one answer per
     * round and the plaintext model's tokens.
     */
    @Test
    @Order(4)
    void aResponseDeliveredTwiceIsAnsweredOnce() throws Exception {
        int[] prompt = DemoVocabulary.encode("the cat sat on");
        int tokens = 2;
        Generation g;
        try (ResponseRepeater repeater = new ResponseRepeater(cfg, "repeat-session"); ZkllmClient client = client()) {
            g = client.generate("repeat-session", prompt, tokens, 0, 1, TokenListener.NONE);
            assertTrue(repeater.copies() >= 1, "responses delivered twice: " + repeater.copies());
        }
        assertArrayEquals(plainGreedy(prompt, tokens), g.tokens());
        assertEquals(tokens * PROGRAM.rounds(), g.roundTrips());
    }

    /**
     * Not an assertion: the same rounds in-process ({@link LocalRunner}: the client loop and the
     * miner's round executor with the same bytes; no Kafka, no Flink) and through the stream, to
     * print the stream's overhead per round: the median round trip through Kafka + Flink minus the
     * median in-process one (each round timed alike by the client loop, encryption to decryption).
     * Both sides run a token first, unmeasured (JIT warm-up, the miner's first key load), and then
     * take turns, so that load from elsewhere on the machine falls on both alike; also when this
     * test runs alone: {@code mvn -o -q test -pl jobs -am -Dtest='InferenceJobEndToEndTest#bareEngineBaseline'}.
     */
    @Test
    @Order(5)
    void bareEngineBaseline() throws Exception {
        int[] prompt = DemoVocabulary.encode("the cat sat on");
        int tokens = 4;
        int turns = 3;
        List<Double> bare = new ArrayList<>();
        List<Double> stream = new ArrayList<>();
        LocalRunner local = new LocalRunner(PROGRAM, RingBackends.preferred(), new SecureRandom());
        long t0 = System.nanoTime();
        try (ZkllmClient client = client()) {
            greedyInProcess(local, prompt, 1);
            client.generate("bench-warm-up", prompt, 1, 0, 1, TokenListener.NONE);
            local.observe(trip -> bare.add(trip.seconds()));
            for (int turn = 0; turn < turns; turn++) {
                greedyInProcess(local, prompt, tokens);
                Generation g = client.generate("bench", prompt, tokens, 0, 1, TokenListener.NONE);
                stream.addAll(g.roundSeconds());
                if (turn == 0) {
                    System.out.printf("stream: %d B up and %d B down per round%n", g.bytesUp() / g.roundTrips(),
                            g.bytesDown() / g.roundTrips());
                }
            }
        }
        double bareRound = median(bare);
        double streamRound = median(stream);
        System.out.printf("per round, median of %d: bare engine (in-process, backend %s) %.3f s, through Kafka + Flink"
                        + " (checkpoint %d ms) %.3f s; added by the stream %.3f s/round%n", stream.size(),
                RingBackends.preferred().name(), bareRound, cfg.checkpointIntervalMs, streamRound, streamRound - bareRound);
        List<ConsumerRecord<String, byte[]>> receipts = TopicReader.readUntil(cfg.kafka.bootstrapServers, cfg.kafka.receiptsTopic,
                Duration.ofSeconds(3), l -> false);
        long rounds = 0;
        long queued = 0;
        long fhe = 0;
        for (ConsumerRecord<String, byte[]> r : receipts) {
            WorkReceipt w = WorkReceipt.parseFrom(r.value());
            if (w.getSessionId().equals("bench")) {
                rounds++;
                queued += w.getTimings().getQueuedUs();
                fhe += w.getTimings().getTotalUs() - w.getTimings().getQueuedUs();
            }
        }
        System.out.printf("miner side (receipts, %d rounds): %.3f s/round from source to worker, %.3f s/round in the "
                + "operator (keys, decode, evaluate, encode)%n", rounds, queued / 1e6 / rounds, fhe / 1e6 / rounds);
        assertTrue(Files.isDirectory(tmp.resolve("blobs")));
        assertTrue(System.nanoTime() > t0);
    }

    /** {@code tokens} greedy tokens after {@code prompt}, in-process. */
    private static void greedyInProcess(LocalRunner local, int[] prompt, int tokens) {
        int[] context = Arrays.copyOf(prompt, prompt.length + tokens);
        for (int i = 0; i < tokens; i++) {
            double[] logits = local.nextTokenLogits(Arrays.copyOf(context, prompt.length + i));
            int best = 0;
            for (int j = 1; j < logits.length; j++) {
                best = logits[j] > logits[best] ? j : best;
            }
            context[prompt.length + i] = best;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
