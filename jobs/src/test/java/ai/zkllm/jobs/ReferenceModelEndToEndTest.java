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
import ai.zkllm.operators.inference.WarmUpSelection;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.ServiceLoaderProgramRegistry;
import ai.zkllm.program.artifact.ShippedAffineReferenceProgram;
import ai.zkllm.program.artifact.ShippedProgram;
import ai.zkllm.program.artifact.ShippedReferenceProgram;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REAL programs through Kafka + Flink: the shipped squeezed reference model (registered by
 * ServiceLoader, loaded from its shipped artifact by hash) continues two encrypted byte prompts from
 * two sessions, each under its own secret key, running side by side: one of 40 bytes (its later
 * tokens send one position each) and one that fills the whole 64-byte context (its later tokens
 * slide the window); a third session runs the same model's affine-ln_2 form (PROJ_MLP rounds, N = 2^14)
 * in the same job. Every token decrypts to SqueezedModel's plaintext next token of its window. (The fast stream tests — dead letters, restarts — use the toy
 * LinearSquareProgram in {@link InferenceJobEndToEndTest}.)
 */
class ReferenceModelEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void referenceModelContinuesAPromptAndAFullContextFromTwoSessions() throws Exception {
        ShippedReferenceProgram program = new ShippedReferenceProgram();
        ShippedAffineReferenceProgram affine = new ShippedAffineReferenceProgram();
        InferenceJobConfig cfg = new InferenceJobConfig();
        cfg.parallelism = 2;
        cfg.blobs.root = tmp.resolve("blobs").toString();
        cfg.maxMessageBytes = EmbeddedRuntime.MAX_MESSAGE_BYTES;
        cfg.checkpointIntervalMs = 500;
        cfg.warmUp = WarmUpSelection.of(program.modelHash(), affine.modelHash());
        try (EmbeddedRuntime runtime = EmbeddedRuntime.startKafka(cfg, 2)) {
            runtime.startJob(new ServiceLoaderProgramRegistry());
            ExecutorService sessions = Executors.newFixedThreadPool(3);
            try {
                Future<?> a = sessions.submit(() -> session(cfg, program, "ref-a",
                        "The cat sat on the mat and looked at the", 3));
                Future<?> b = sessions.submit(() -> session(cfg, program, "ref-b",
                        "A hacker is a person who enjoys exploring the details of program", 2));
                Future<?> c = sessions.submit(() -> session(cfg, affine, "ref-affine",
                        "The cat sat on the mat and looked at the", 2));
                a.get();
                b.get();
                c.get();
            } finally {
                sessions.shutdownNow();
            }
        }
    }

    /** One user: a fresh secret key, greedy tokens, each checked against the plaintext model on its window. */
    private static Void session(InferenceJobConfig cfg, ShippedProgram program, String sessionId,
            String text, int tokens) throws Exception {
        SqueezedModel model = program.compiled().model();
        SecretKey sk = new KeyGenerator(FheEngines.get(program.parameters(), RingBackends.preferred()).context(),
                new SecureRandom()).secretKey();
        ZkllmClient.Config clientCfg = new ZkllmClient.Config(cfg.kafka.bootstrapServers, cfg.prompts.name,
                cfg.kafka.responsesTopic, "brain-ref", Duration.ofSeconds(300), Duration.ofSeconds(300));
        try (ZkllmClient client = new ZkllmClient(clientCfg, program, sk, cfg.blobs.open())) {
            int[] prompt = program.encodeText(text);
            Generation g = client.generate(sessionId, prompt, tokens, 0, 1, TokenListener.NONE);
            int[] context = Arrays.copyOf(prompt, prompt.length + tokens);
            for (int i = 0; i < tokens; i++) {
                int length = prompt.length + i;
                int[] window = Arrays.copyOfRange(context, Math.max(0, length - model.maxContext()), length);
                double[] plain = model.logits(window);
                double[] fhe = g.logits().get(i);
                double err = 0;
                int best = 0;
                for (int v = 0; v < plain.length; v++) {
                    err = Math.max(err, Math.abs(plain[v] - fhe[v]));
                    best = plain[v] > plain[best] ? v : best;
                }
                assertEquals(best, g.tokens()[i], sessionId + " token " + i + ": the plaintext squeezed model's next token");
                assertTrue(err <= 1e-2, sessionId + " token " + i + ": max logit error " + err);
                context[length] = g.tokens()[i];
            }
            System.out.printf("reference model e2e %s (%d bytes) -> '%s': %.2f s/token, %d round trips, %d B up,"
                            + " %d B down, keys %d B%n", sessionId, prompt.length, program.decodeTokens(g.tokens()),
                    g.secondsPerToken(), g.roundTrips(), g.bytesUp(), g.bytesDown(), g.keyBytesUploaded());
            assertEquals(program.rounds() * tokens, g.roundTrips());
        }
        return null;
    }
}
