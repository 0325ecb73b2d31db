package ai.zkllm.client;

import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.Logits;
import ai.zkllm.program.RoundLoop;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.program.blob.Sha256;
import ai.zkllm.schemas.v1.BlobRef;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;

/**
 * The client SDK: a secret key that stays in this process, evaluation keys put in the blob store
 * by content hash, and tokens generated through Kafka with the one client {@link RoundLoop} (the
 * same loop {@link ai.zkllm.program.LocalRunner} drives in-process), sampled from the decrypted
 * logits. Evaluation keys can be cached on disk, see {@link #cacheEvaluationKeysIn(Path)} and
 * {@link EvaluationKeyFile}.
 *
 * <p>Not thread-safe: one generation at a time per client.
 */
public final class ZkllmClient implements AutoCloseable {

    /** Where and how to talk to a brain. */
    public record Config(String bootstrapServers, String promptsTopic, String responsesTopic, String brainId,
                         Duration roundTimeout, Duration deadline, String deadLetterTopic,
                         Map<String, String> kafkaProperties) {
        public Config {
            kafkaProperties = Map.copyOf(kafkaProperties);
        }

        public Config(String bootstrapServers, String promptsTopic, String responsesTopic, String brainId,
                      Duration roundTimeout, Duration deadline, String deadLetterTopic) {
            this(bootstrapServers, promptsTopic, responsesTopic, brainId, roundTimeout, deadline, deadLetterTopic, Map.of());
        }

        /** Without a dead-letter topic: a rejected prompt then shows as a round timeout. */
        public Config(String bootstrapServers, String promptsTopic, String responsesTopic, String brainId,
                      Duration roundTimeout, Duration deadline) {
            this(bootstrapServers, promptsTopic, responsesTopic, brainId, roundTimeout, deadline, null);
        }

        /** Kafka client properties (e.g. {@code security.protocol}) that win over the client's own settings. */
        public Config withKafkaProperties(Map<String, String> properties) {
            return new Config(bootstrapServers, promptsTopic, responsesTopic, brainId, roundTimeout, deadline,
                    deadLetterTopic, properties);
        }
    }

    private final Config config;
    private final FheProgram program;
    private final FheEngines.Engine engine;
    private final BlobStore blobs;
    private final SecretKey secretKey;
    private final KafkaTransport transport;
    private final RoundLoop loop;
    private BlobRef evaluationKeys;
    private long keyBytesUploaded;
    private Path evaluationKeyFile;
    private byte[] evaluationKeyBytes;

    public ZkllmClient(Config config, FheProgram program, SecretKey secretKey, BlobStore blobs) {
        Parameters params = program.parameters();
        if (params.insecureForTests() || params.securityBits() < 128) {
            throw new IllegalArgumentException("the program's parameters are below 128-bit security");
        }
        this.config = config;
        this.program = program;
        this.engine = engine(params);
        this.blobs = blobs;
        this.secretKey = secretKey;
        this.transport = new KafkaTransport(config);
        this.loop = new RoundLoop(program, engine, secretKey, new SecureRandom(), transport);
    }

    /** A client for one session under {@code keys}: made ahead of time, nothing generated at upload. */
    public ZkllmClient(Config config, FheProgram program, SessionKeys keys, BlobStore blobs) {
        this(config, program, keys.secretKey(), blobs);
        this.evaluationKeyBytes = keys.evaluationKeys();
    }

    /** The shared context + codec of a parameter set (one per process). */
    static FheEngines.Engine engine(Parameters params) {
        return FheEngines.get(params, RingBackends.preferred());
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
            byte[] bytes = evaluationKeyBytes != null ? evaluationKeyBytes
                    : evaluationKeyFile != null ? EvaluationKeyFile.loadOrCreate(evaluationKeyFile, program, secretKey)
                    : SessionKeys.evaluationKeys(program, secretKey);
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
                               TokenListener listener) throws IOException, TimeoutException {
        RoundLoop.Session session = new RoundLoop.Session(sessionId, config.brainId(), uploadEvaluationKeys(),
                config.deadline());
        Random random = new Random(seed);
        int[] context = Arrays.copyOf(prompt, prompt.length + maxTokens);
        int length = prompt.length;
        int[] out = new int[maxTokens];
        List<double[]> allLogits = new ArrayList<>();
        List<Double> roundSeconds = new ArrayList<>();
        double[] clientSeconds = {0};
        long upBefore = transport.bytesUp();
        long downBefore = transport.bytesDown();
        long start = System.nanoTime();
        Generation.TokenCost first = null;
        for (int i = 0; i < maxTokens; i++) {
            int[] window = Arrays.copyOfRange(context, Math.max(0, length - program.maxContext()), length);
            double[] logits = loop.nextTokenLogits(session, i, window, trip -> {
                roundSeconds.add(trip.seconds());
                clientSeconds[0] += trip.clientSeconds();
            });
            allLogits.add(logits);
            int token = temperature <= 0 ? Logits.argmax(logits) : sample(logits, temperature, random);
            out[i] = token;
            context[length++] = token;
            if (i == 0) {
                first = new Generation.TokenCost((System.nanoTime() - start) / 1e9, transport.bytesUp() - upBefore,
                        transport.bytesDown() - downBefore);
            }
            listener.onToken(i, token, new TokenListener.Progress(i + 1, roundSeconds.size(),
                    transport.bytesUp() - upBefore + keyBytesUploaded, transport.bytesDown() - downBefore,
                    (System.nanoTime() - start) / 1e9));
        }
        return new Generation(out, allLogits, roundSeconds, clientSeconds[0], roundSeconds.size(),
                transport.bytesUp() - upBefore, transport.bytesDown() - downBefore, keyBytesUploaded,
                (System.nanoTime() - start) / 1e9, first);
    }

    /** Sends a raw record to the prompts topic (tests use it for malformed input). */
    public void send(String key, byte[] value) throws IOException {
        transport.send(key, value);
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
        return program.parameters();
    }

    @Override
    public void close() {
        transport.close();
    }

    @Override
    public String toString() {
        return "ZkllmClient(" + config.brainId() + ", " + program.modelHash().substring(0, 12) + ")"; // no key material
    }
}
