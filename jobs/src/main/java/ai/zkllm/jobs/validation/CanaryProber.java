package ai.zkllm.jobs.validation;

import ai.zkllm.client.Generation;
import ai.zkllm.client.TokenListener;
import ai.zkllm.client.ZkllmClient;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.jobs.ValidationJob;
import ai.zkllm.jobs.ValidationJobConfig;
import ai.zkllm.operators.validation.CanaryGrader;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.RejectedPromptException;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.CanaryResult;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * Sends canaries: generations of {@code --canary-tokens} tokens after a random context, encrypted
 * under the validator's own secret key and sent through the very client a user runs
 * ({@link ZkllmClient}: same parameters, same message sizes, a session id of the form
 * {@code zkllm chat} uses, request ids of the same form), to the miner's prompts topic.
 * It decrypts the answer, grades it against the plaintext reference ({@link CanaryGrader}) and
 * publishes a {@link CanaryResult} to the validator's canary topic, where the ValidationJob picks
 * it up. Pacing: {@code rate} tokens per minute per miner, each interval scaled by a uniform
 * factor in [1 − jitter, 1 + jitter], miners visited in random order.
 *
 * <p>One client per miner; not thread-safe (one prober thread).
 */
public final class CanaryProber implements AutoCloseable {
    private final ValidationJobConfig cfg;
    private final FheProgram program;
    private final PlaintextReference reference;
    private final SecretKey secretKey;
    private final BlobStore blobs;
    private final Path keyCache;
    private final Map<String, ZkllmClient> clients = new LinkedHashMap<>();
    private final KafkaProducer<String, byte[]> producer;
    private final SecureRandom random = new SecureRandom();

    /** @param keyCache file holding this validator's evaluation keys (generated once, reused for every miner) */
    public CanaryProber(ValidationJobConfig cfg, FheProgram program, PlaintextReference reference, SecretKey secretKey,
                        BlobStore blobs, Path keyCache) {
        this.cfg = cfg;
        this.program = program;
        this.reference = reference;
        this.secretKey = secretKey;
        this.blobs = blobs;
        this.keyCache = keyCache;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.kafka.bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "0"),
                new StringSerializer(), new ByteArraySerializer());
    }

    private ZkllmClient client(String miner) {
        return clients.computeIfAbsent(miner, m -> {
            Duration timeout = Duration.ofMillis(cfg.canaryTimeoutMs);
            return new ZkllmClient(new ZkllmClient.Config(cfg.kafka.bootstrapServers, cfg.promptsTopic(m), cfg.kafka.responsesTopic,
                    Integer.toString(cfg.brain), timeout, timeout, cfg.kafka.deadLetterTopic), program, secretKey, blobs)
                    .cacheEvaluationKeysIn(keyCache);
        });
    }

    /** One canary generation ({@code --canary-tokens} tokens) to {@code miner}: sent, awaited, graded, published. */
    public CanaryResult probe(String miner) throws IOException, InterruptedException {
        int length = 2 + random.nextInt(Math.max(1, Math.min(program.maxContext(), 8) - 1));
        int[] context = new int[length];
        for (int i = 0; i < length; i++) {
            context[i] = random.nextInt(program.vocabularySize());
        }
        String session = "chat-" + UUID.randomUUID(); // the form `zkllm chat` uses
        CanaryResult.Builder r = CanaryResult.newBuilder()
                .setBrainId(Integer.toString(cfg.brain))
                .setValidatorId(Long.toString(cfg.validatorId))
                .setMinerId(miner)
                .setSessionId(session);
        ZkllmClient client = client(miner);
        client.uploadEvaluationKeys();
        long sent = System.currentTimeMillis();
        r.setSentUnixMs(sent);
        try {
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

    /** Probes {@code miners} at the configured rate and jitter until {@code stop} says so. */
    public void run(List<String> miners, BooleanSupplier stop) throws IOException, InterruptedException {
        if (cfg.canaryRatePerMinute <= 0 || miners.isEmpty()) {
            return;
        }
        long meanIntervalMs = Math.round(60_000 / (cfg.canaryRatePerMinute * miners.size()));
        while (!stop.getAsBoolean()) {
            for (String miner : shuffled(miners)) {
                if (stop.getAsBoolean()) {
                    return;
                }
                long started = System.currentTimeMillis();
                probe(miner);
                Thread.sleep(Math.max(0, nextIntervalMs(meanIntervalMs) - (System.currentTimeMillis() - started)));
            }
        }
    }

    long nextIntervalMs(long mean) {
        double j = Math.min(Math.max(cfg.canaryJitter, 0), 0.99);
        return Math.round(mean * (1 - j + 2 * j * random.nextDouble()));
    }

    private List<String> shuffled(List<String> miners) {
        java.util.ArrayList<String> copy = new java.util.ArrayList<>(miners);
        java.util.Collections.shuffle(copy, random);
        return copy;
    }

    @Override
    public void close() {
        clients.values().forEach(ZkllmClient::close);
        producer.close(Duration.ofSeconds(5));
    }
}
