package ai.zkllm.client;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.GaloisKeys;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.program.blob.Sha256;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.DeadLetter;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The client SDK: encrypts under a secret key that stays in this process, puts the evaluation keys
 * in the blob store by content hash, and drives a program's rounds through Kafka — produce an
 * {@link EncryptedPrompt}, wait for its {@link EncryptedResponse} (read_committed), decrypt,
 * refresh, repeat — then samples each token from the decrypted logits.
 *
 * <p>Bytes on the wire come from the engine codec ({@link FheCodec}). Round inputs are encrypted
 * with the secret key (symmetric, seeded), so each travels as c_0 + a 32-byte seed: half the bytes
 * of a public-key encryption; responses are decoded and checked by the same codec. Evaluation keys
 * (switching keys as b + seed, also half) can be cached on disk, see
 * {@link #cacheEvaluationKeysIn(Path)} and {@link EvaluationKeyFile}.
 *
 * <p>Not thread-safe: one generation at a time per client.
 */
public final class ZkllmClient implements AutoCloseable {

    /** Where and how to talk to a brain. */
    public record Config(String bootstrapServers, String promptsTopic, String responsesTopic, String brainId,
                         Duration roundTimeout, Duration deadline, String deadLetterTopic) {
        /** Without a dead-letter topic: a rejected prompt then shows as a round timeout. */
        public Config(String bootstrapServers, String promptsTopic, String responsesTopic, String brainId,
                      Duration roundTimeout, Duration deadline) {
            this(bootstrapServers, promptsTopic, responsesTopic, brainId, roundTimeout, deadline, null);
        }
    }

    private final Config config;
    private final FheProgram program;
    private final Parameters params;
    private final FheCodec codec;
    private final BlobStore blobs;
    private final CkksContext context;
    private final Encoder encoder;
    private final Encryptor encryptor;
    private final Decryptor decryptor;
    private final SecretKey secretKey;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private BlobRef evaluationKeys;
    private long keyBytesUploaded;
    private Path evaluationKeyFile;

    public ZkllmClient(Config config, FheProgram program, SecretKey secretKey, BlobStore blobs) {
        this.config = config;
        this.program = program;
        this.params = program.parameters();
        if (params.insecureForTests() || params.securityBits() < 128) {
            throw new IllegalArgumentException("the program's parameters are below 128-bit security");
        }
        FheEngines.Engine engine = engine(params);
        this.codec = engine.codec();
        this.blobs = blobs;
        this.secretKey = secretKey;
        this.context = engine.context();
        this.encoder = new Encoder(context);
        this.encryptor = new Encryptor(context, secretKey, new SecureRandom());
        this.decryptor = new Decryptor(context, secretKey);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "0",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(64 << 20)),
                new StringSerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(64 << 20),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : config.deadLetterTopic() == null ? List.of(config.responsesTopic())
                : List.of(config.responsesTopic(), config.deadLetterTopic())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve now: responses from here on are ours to read
    }

    /** The shared context + codec of a parameter set (one per process). */
    static FheEngines.Engine engine(Parameters params) {
        return FheEngines.get(params, RingBackends.preferred());
    }

    /** Evaluation keys for the program (relinearization + its rotations), generated from the secret key. */
    public static EvaluationKeys evaluationKeys(FheProgram program, SecretKey sk) {
        CkksContext ctx = engine(program.parameters()).context();
        KeyGenerator gen = new KeyGenerator(ctx, new SecureRandom());
        GaloisKeys galois = gen.galoisKeys(sk, program.rotationSteps(), false);
        return new EvaluationKeys(gen.relinearizationKey(sk), galois);
    }

    /** True when {@code keys} hold the relinearization key and every rotation the program uses. */
    static boolean covers(EvaluationKeys keys, FheProgram program) {
        CkksContext ctx = engine(program.parameters()).context();
        if (keys.relinearization() == null) {
            return false;
        }
        for (int step : program.rotationSteps()) {
            if (!keys.galois().has(ctx.galoisElementForRotation(step))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Caches the evaluation keys in {@code file} (e.g. {@link EvaluationKeyFile#besideSecretKey}):
     * loaded from there when valid, generated and written there otherwise. Call before the first
     * {@link #uploadEvaluationKeys()}.
     */
    public ZkllmClient cacheEvaluationKeysIn(Path file) {
        this.evaluationKeyFile = file;
        return this;
    }

    /**
     * Gets (cache file, else generates) and uploads this client's evaluation keys once; the blob
     * store dedups by content hash, and only bytes actually written count as uploaded.
     */
    public BlobRef uploadEvaluationKeys() throws IOException {
        if (evaluationKeys == null) {
            byte[] bytes = evaluationKeyFile != null
                    ? EvaluationKeyFile.loadOrCreate(evaluationKeyFile, program, secretKey)
                    : codec.toBytes(evaluationKeys(program, secretKey));
            boolean present = blobs.contains(Sha256.hex(bytes));
            evaluationKeys = blobs.put(bytes);
            keyBytesUploaded = present ? 0 : bytes.length;
        }
        return evaluationKeys;
    }

    /**
     * Generates {@code maxTokens} tokens after {@code prompt}: temperature 0 is greedy, otherwise
     * softmax sampling with {@code seed}.
     */
    public Generation generate(String sessionId, int[] prompt, int maxTokens, double temperature, long seed,
                               TokenListener listener) throws IOException, InterruptedException, TimeoutException {
        BlobRef keys = uploadEvaluationKeys();
        Random random = new Random(seed);
        List<Integer> context = new ArrayList<>();
        for (int t : prompt) {
            context.add(t);
        }
        int[] out = new int[maxTokens];
        List<double[]> allLogits = new ArrayList<>();
        List<Double> roundSeconds = new ArrayList<>();
        long up = 0;
        long down = 0;
        int trips = 0;
        long start = System.nanoTime();
        for (int i = 0; i < maxTokens; i++) {
            int[] window = context.stream().mapToInt(Integer::intValue)
                    .skip(Math.max(0, context.size() - program.maxContext())).toArray();
            List<double[]> slots = program.encodeContext(window);
            List<double[]> decrypted = null;
            for (int round = 0; round < program.rounds(); round++) {
                long roundStart = System.nanoTime();
                EncryptedPrompt.Builder p = EncryptedPrompt.newBuilder()
                        .setRequestId(sessionId + "/" + i + "/" + round + "/" + UUID.randomUUID())
                        .setSessionId(sessionId)
                        .setBrainId(config.brainId())
                        .setModelHash(program.modelHash())
                        .setParameterHash(params.id())
                        .setRound(round)
                        .setTokenIndex(i)
                        .setEvaluationKeys(keys)
                        .setCreatedUnixMs(System.currentTimeMillis());
                if (config.deadline() != null) {
                    p.setDeadlineUnixMs(System.currentTimeMillis() + config.deadline().toMillis());
                }
                for (double[] v : slots) {
                    // Secret-key encryption carries its seed: the codec sends c_0 + seed.
                    Ciphertext ct = encryptor.encrypt(encoder.encode(v, params.maxLevel(), params.scale()));
                    p.addInputs(CiphertextPayload.newBuilder().setInline(codec.toProto(ct).toByteString()));
                }
                EncryptedPrompt prompt0 = p.build();
                byte[] value = prompt0.toByteArray();
                send(sessionId, value);
                up += value.length;
                EncryptedResponse response = await(prompt0.getRequestId());
                down += response.getSerializedSize();
                trips++;
                decrypted = new ArrayList<>();
                for (CiphertextPayload c : response.getOutputsList()) {
                    Ciphertext ct = codec.ciphertextFromBytes(c.getInline().toByteArray());
                    decrypted.add(encoder.decode(decryptor.decrypt(ct)));
                }
                if (round + 1 < program.rounds()) {
                    slots = program.refresh(round, decrypted);
                }
                roundSeconds.add((System.nanoTime() - roundStart) / 1e9);
            }
            double[] logits = program.logits(decrypted);
            allLogits.add(logits);
            int token = temperature <= 0 ? argmax(logits) : sample(logits, temperature, random);
            out[i] = token;
            context.add(token);
            listener.onToken(i, token, new TokenListener.Progress(i + 1, trips, up + keyBytesUploaded, down,
                    (System.nanoTime() - start) / 1e9));
        }
        return new Generation(out, allLogits, roundSeconds, trips, up, down, keyBytesUploaded,
                (System.nanoTime() - start) / 1e9);
    }

    /** Sends a raw record to the prompts topic (tests use it for malformed input). */
    public void send(String key, byte[] value) throws IOException {
        try {
            producer.send(new ProducerRecord<>(config.promptsTopic(), key, value)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("could not produce to " + config.promptsTopic(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private EncryptedResponse await(String requestId) throws IOException, TimeoutException {
        long until = System.nanoTime() + config.roundTimeout().toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                if (r.topic().equals(config.deadLetterTopic())) {
                    DeadLetter d;
                    try {
                        d = DeadLetter.parseFrom(r.value());
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        continue;
                    }
                    if (d.getRequestId().equals(requestId)) {
                        throw new RejectedPromptException(d.getReason(), d.getDetail());
                    }
                    continue;
                }
                EncryptedResponse resp;
                try {
                    resp = EncryptedResponse.parseFrom(r.value());
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    continue;
                }
                if (resp.getRequestId().equals(requestId)) {
                    return resp;
                }
            }
        }
        throw new TimeoutException("no response to " + requestId + " within " + config.roundTimeout());
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static int sample(double[] logits, double temperature, Random random) {
        double max = Arrays.stream(logits).max().orElse(0);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        double u = random.nextDouble() * sum;
        for (int i = 0; i < p.length; i++) {
            u -= p[i];
            if (u <= 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    public Parameters parameters() {
        return params;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return "ZkllmClient(" + config.brainId() + ", " + program.modelHash().substring(0, 12) + ")"; // no key material
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
