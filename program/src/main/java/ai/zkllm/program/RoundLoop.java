package ai.zkllm.program;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The client's side of one token, the only copy of it: the conversation's {@link TokenDecoder}
 * starts the token, then round by round encrypt → send a prompt through the {@link RoundTransport}
 * → decrypt the response → refresh, and after the last round the decoder's logits. The secret key
 * and the decoder's cache never leave this object's process.
 *
 * <p>Round inputs are encrypted with the secret key (symmetric, seeded), so each travels as c_0 and
 * a 32-byte seed: half the bytes of a public-key encryption. Responses are decoded by the engine's
 * codec, which checks every field of the bytes. One loop is one conversation (its decoder reuses
 * what a prefix of the next window shares; another window costs a full prefill, never a wrong
 * answer). Not thread-safe: one token at a time.
 */
public final class RoundLoop {

    /** Who the prompts are for: the session, the brain, the evaluation keys, an optional deadline. */
    public record Session(String sessionId, String brainId, BlobRef evaluationKeys, Duration deadline) {
    }

    /**
     * One round trip as it happened (for byte counts, timings, digests).
     *
     * @param seconds       from the start of encrypting the inputs to the end of decoding the outputs
     * @param clientSeconds the client's own part of it: encrypting and serializing the inputs, parsing,
     *                      decrypting and decoding the outputs; the rest is transport and the miner
     */
    public record RoundTrip(int tokenIndex, int round, EncryptedPrompt prompt, EncryptedResponse response,
                            double seconds, double clientSeconds) {
    }

    /** Observes every round trip. */
    public interface Listener {
        Listener NONE = trip -> { };

        void onRoundTrip(RoundTrip trip);
    }

    private final FheProgram program;
    private final Parameters params;
    private final FheCodec codec;
    private final Encoder encoder;
    private final Encryptor encryptor;
    private final Decryptor decryptor;
    private final RoundTransport transport;
    private final TokenDecoder decoder;

    public RoundLoop(FheProgram program, FheEngines.Engine engine, SecretKey secretKey, SecureRandom random,
                     RoundTransport transport) {
        this.program = program;
        this.params = program.parameters();
        if (program.rounds() < 1) {
            throw new IllegalArgumentException("program " + program.modelHash() + " has no rounds");
        }
        if (!engine.context().params().equals(params)) {
            throw new IllegalArgumentException("engine for parameters " + engine.context().params().id()
                    + ", program uses " + params.id());
        }
        this.codec = engine.codec();
        this.encoder = engine.context().encoder();
        this.encryptor = new Encryptor(engine.context(), secretKey, random);
        this.decryptor = new Decryptor(engine.context(), secretKey);
        this.transport = transport;
        this.decoder = program.newDecoder();
    }

    public FheProgram program() {
        return program;
    }

    /** Next-token logits after {@code window} (at most the program's context), under encryption. */
    public double[] nextTokenLogits(Session session, int tokenIndex, int[] window, Listener listener)
            throws IOException, TimeoutException {
        List<double[]> slots = decoder.start(window);
        for (int round = 0; ; round++) {
            long start = System.nanoTime();
            EncryptedPrompt prompt = prompt(session, tokenIndex, round, slots);
            long sent = System.nanoTime();
            EncryptedResponse response = transport.roundTrip(prompt);
            long received = System.nanoTime();
            List<double[]> decrypted = new ArrayList<>(response.getOutputsCount());
            for (CiphertextPayload c : response.getOutputsList()) {
                decrypted.add(encoder.decode(decryptor.decrypt(codec.ciphertextFromBytes(c.getInline().toByteArray()))));
            }
            long end = System.nanoTime();
            listener.onRoundTrip(new RoundTrip(tokenIndex, round, prompt, response, (end - start) / 1e9,
                    (sent - start + end - received) / 1e9));
            if (round + 1 == program.rounds()) {
                return decoder.logits(decrypted);
            }
            slots = decoder.refresh(round, decrypted);
        }
    }

    private EncryptedPrompt prompt(Session session, int tokenIndex, int round, List<double[]> slots) {
        long now = System.currentTimeMillis();
        EncryptedPrompt.Builder p = EncryptedPrompt.newBuilder()
                .setRequestId(session.sessionId() + "/" + tokenIndex + "/" + round + "/" + UUID.randomUUID())
                .setSessionId(session.sessionId())
                .setBrainId(session.brainId())
                .setModelHash(program.modelHash())
                .setParameterHash(params.id())
                .setRound(round)
                .setTokenIndex(tokenIndex)
                .setEvaluationKeys(session.evaluationKeys())
                .setCreatedUnixMs(now);
        if (session.deadline() != null) {
            p.setDeadlineUnixMs(now + session.deadline().toMillis());
        }
        int level = program.inputLevel(round);
        for (double[] v : slots) {
            Ciphertext ct = encryptor.encrypt(encoder.encode(v, level, params.scale()));
            p.addInputs(CiphertextPayload.newBuilder().setInline(codec.toProto(ct).toByteString()));
        }
        return p.build();
    }
}
