package ai.zkllm.jobs.validation;

import ai.zkllm.client.Generation;
import ai.zkllm.client.SessionKeys;
import ai.zkllm.client.TokenListener;
import ai.zkllm.client.ZkllmClient;
import ai.zkllm.jobs.ValidationJob;
import ai.zkllm.jobs.ValidationJobConfig;
import ai.zkllm.operators.validation.CanaryGrader;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.RejectedPromptException;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CanaryResult;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends canaries: generations of {@code --canary-tokens} tokens after a random context, sent
 * through the very client a user runs ({@link ZkllmClient}: same parameters, same message sizes,
 * request ids of the same form) to the miner's prompts topic, each as a session of its own like a
 * user's: fresh keys ({@link SessionKeys}, the secret key in memory only), its own evaluation-key
 * blob and a session id of the form {@code zkllm chat} uses. A miner that remembers key sets
 * therefore never sees a canary's keys before, and cannot answer honestly only to keys it knows.
 * It decrypts the answer, grades it against the plaintext reference ({@link CanaryGrader}) and
 * publishes a {@link CanaryResult} to the validator's canary topic, where the ValidationJob picks
 * it up. Pacing and context sizes are drawn as docs/validation.md says: one Poisson process of
 * {@code rate} sessions per minute per miner, contexts of uniform length up to the program's window.
 *
 * <p>Not thread-safe (one prober thread).
 */
public final class CanaryProber implements AutoCloseable {
    private final ValidationJobConfig cfg;
    private final FheProgram program;
    private final PlaintextReference reference;
    private final BlobStore blobs;
    private final KafkaProducer<String, byte[]> producer;
    private final SecureRandom random = new SecureRandom();

    public CanaryProber(ValidationJobConfig cfg, FheProgram program, PlaintextReference reference, BlobStore blobs) {
        this.cfg = cfg;
        this.program = program;
        this.reference = reference;
        this.blobs = blobs;
        Map<String, Object> producerConfig = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka.bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "0"));
        producerConfig.putAll(cfg.kafka.properties);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * A client for one session under fresh keys. Key generation takes ~0.2 s at N = 2^14, little
     * beside a session's rounds, so it is done here rather than ahead: the time counts into the gap
     * to the next session like the session itself, and no spare secret key is ever held.
     */
    private ZkllmClient session(String miner) {
        Duration timeout = Duration.ofMillis(cfg.canaryTimeoutMs);
        return new ZkllmClient(new ZkllmClient.Config(cfg.kafka.bootstrapServers, cfg.promptsTopic(miner),
                cfg.kafka.responsesTopic, Integer.toString(cfg.brain), timeout, timeout, cfg.kafka.deadLetterTopic)
                .withKafkaProperties(cfg.kafka.properties),
                program, SessionKeys.generate(program), blobs);
    }

    /** One canary generation ({@code --canary-tokens} tokens) to {@code miner}: sent, awaited, graded, published. */
    public CanaryResult probe(String miner) throws IOException, InterruptedException {
        int[] context = random.ints(nextContextLength(), 0, program.vocabularySize()).toArray();
        String session = "chat-" + UUID.randomUUID(); // the form `zkllm chat` uses
        CanaryResult.Builder r = CanaryResult.newBuilder()
                .setBrainId(Integer.toString(cfg.brain))
                .setValidatorId(Long.toString(cfg.validatorId))
                .setMinerId(miner)
                .setSessionId(session);
        try (ZkllmClient client = session(miner)) {
            client.uploadEvaluationKeys();
            r.setSentUnixMs(System.currentTimeMillis());
            Generation g = client.generate(session, context, cfg.canaryTokens, 0, random.nextLong(), TokenListener.NONE);
            // Every token is graded on the context the miner actually saw: the prompt + the tokens so far.
            boolean accurate = true;
            int[] ctx = context;
            for (int t = 0; t < g.tokens().length; t++) {
                accurate &= CanaryGrader.accurate(g.logits().get(t), reference.logits(tail(ctx, program.maxContext())),
                        cfg.tolerance);
                ctx = java.util.Arrays.copyOf(ctx, ctx.length + 1);
                ctx[ctx.length - 1] = g.tokens()[t];
            }
            double meanRound = g.roundSeconds().stream().mapToDouble(Double::doubleValue).average().orElse(0);
            r.setAnswered(true).setAccurate(accurate).setMeanRoundLatencyMs(Math.round(meanRound * 1000));
        } catch (TimeoutException e) {
            r.setAnswered(false).setDetail("timeout: " + e.getMessage());
        } catch (RejectedPromptException e) {
            r.setAnswered(false).setDetail("rejected: " + e.getMessage());
        }
        CanaryResult result = r.build();
        try {
            producer.send(new ProducerRecord<>(cfg.canaryTopic(), miner, result.toByteArray())).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("could not publish a canary result to " + cfg.canaryTopic(), e.getCause());
        }
        return result;
    }

    private static int[] tail(int[] tokens, int n) {
        return tokens.length <= n ? tokens : java.util.Arrays.copyOfRange(tokens, tokens.length - n, tokens.length);
    }

    /**
     * Probes {@code miners} until {@code stop} says so: sessions arrive as a Poisson process of
     * {@code rate × miners} per minute, each to a miner drawn uniformly, i.e. an independent
     * Poisson process of {@code rate} per minute per miner.
     */
    public void run(List<String> miners, BooleanSupplier stop) throws IOException, InterruptedException {
        if (cfg.canaryRatePerMinute <= 0 || miners.isEmpty()) {
            return;
        }
        double meanGapMs = 60_000 / (cfg.canaryRatePerMinute * miners.size());
        while (!stop.getAsBoolean()) {
            long started = System.currentTimeMillis();
            probe(miners.get(random.nextInt(miners.size())));
            Thread.sleep(Math.max(0, nextGapMs(meanGapMs) - (System.currentTimeMillis() - started)));
        }
    }

    /** An exponential gap of mean {@code mean}: memoryless, so a miner cannot time the next canary. */
    long nextGapMs(double mean) {
        return Math.round(-mean * Math.log(1 - random.nextDouble()));
    }

    /** Uniform over 1..window: every context length a client's window can send, none favoured. */
    int nextContextLength() {
        return 1 + random.nextInt(program.maxContext());
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
