package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.client.Generation;
import ai.zkllm.client.TokenListener;
import ai.zkllm.client.ZkllmClient;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.jobs.embedded.EmbeddedRuntime;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.artifact.ShippedReferenceProgram;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REAL program through Kafka + Flink: the shipped squeezed reference model (registered by
 * ServiceLoader, loaded from its shipped artifact by hash) answers three encrypted byte prompts from
 * two sessions, each under its own secret key, running side by side; every answer decrypts to
 * SqueezedModel's plaintext next token. (The fast stream tests — dead letters, restarts — use the toy
 * LinearSquareProgram in {@link InferenceJobEndToEndTest}.)
 */
class ReferenceModelEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void referenceModelAnswersThreePromptsFromTwoSessions() throws Exception {
        ShippedReferenceProgram program = new ShippedReferenceProgram();
        InferenceJobConfig cfg = new InferenceJobConfig();
        cfg.parallelism = 2;
        cfg.blobs.root = tmp.resolve("blobs").toString();
        cfg.maxMessageBytes = EmbeddedRuntime.MAX_MESSAGE_BYTES;
        cfg.checkpointIntervalMs = 500;
        try (EmbeddedRuntime runtime = EmbeddedRuntime.startKafka(cfg, 2)) {
            runtime.startJob(new ServiceLoaderProgramRegistry());
            ExecutorService sessions = Executors.newFixedThreadPool(2);
            try {
                Future<?> a = sessions.submit(() -> session(cfg, program, "ref-a", "The", "It"));
                Future<?> b = sessions.submit(() -> session(cfg, program, "ref-b", "A c"));
                a.get();
                b.get();
            } finally {
                sessions.shutdownNow();
            }
        }
    }

    /** One user: a fresh secret key, one next token per prompt, each checked against the plaintext model. */
    private static Void session(InferenceJobConfig cfg, ShippedReferenceProgram program, String sessionId,
            String... prompts) throws Exception {
        SqueezedModel model = ShippedReferenceProgram.program().model();
        SecretKey sk = new KeyGenerator(FheEngines.get(program.parameters(), RingBackends.preferred()).context(),
                new SecureRandom()).secretKey();
        ZkllmClient.Config clientCfg = new ZkllmClient.Config(cfg.kafka.bootstrapServers, cfg.prompts.name,
                cfg.kafka.responsesTopic, "brain-ref", Duration.ofSeconds(300), Duration.ofSeconds(300));
        try (ZkllmClient client = new ZkllmClient(clientCfg, program, sk, cfg.blobs.open())) {
            for (String text : prompts) {
                int[] prompt = program.encodeText(text);
                Generation g = client.generate(sessionId, prompt, 1, 0, 1, TokenListener.NONE);
                double[] plain = model.logits(prompt);
                double[] fhe = g.logits().get(0);
                double err = 0;
                int best = 0;
                for (int i = 0; i < plain.length; i++) {
                    err = Math.max(err, Math.abs(plain[i] - fhe[i]));
                    best = plain[i] > plain[best] ? i : best;
                }
                System.out.printf("reference model e2e %s '%s' -> '%s': %.2f s/token, %d rounds, max logit error %.2e,"
                                + " %d B up, %d B down, keys %d B%n", sessionId, text, program.decodeTokens(g.tokens()),
                        g.secondsPerToken(), g.roundTrips(), err, g.bytesUp(), g.bytesDown(), g.keyBytesUploaded());
                assertEquals(best, g.tokens()[0], sessionId + " '" + text + "': the plaintext squeezed model's next token");
                assertTrue(err <= 1e-2, sessionId + " '" + text + "': max logit error " + err);
                assertEquals(program.rounds(), g.roundTrips());
            }
        }
        return null;
    }
}
