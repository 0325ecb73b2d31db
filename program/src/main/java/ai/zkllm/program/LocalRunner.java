package ai.zkllm.program;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Decryptor;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackend;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The client driver of an {@link FheProgram}, with the miner in-process: key generation (the
 * rotation set the program names, a relinearization key), then per token: encrypt, evaluate
 * round by round with decrypt → refresh → re-encrypt in between, decrypt, logits. The streaming
 * client uses the same steps with the miner behind Kafka.
 */
public final class LocalRunner {
    private final FheProgram program;
    private final CkksContext context;
    private final Encoder encoder;
    private final SecretKey secretKey;
    private final EvaluationKeys keys;
    private final Encryptor encryptor;
    private final Decryptor decryptor;
    private final Evaluator evaluator;
    private final double keySeconds;
    /** Optional observer of every round's outputs (round, ciphertexts): digests, sizes. */
    private Consumer<RoundOutput> observer = r -> { };

    public record RoundOutput(int round, List<Ciphertext> inputs, List<Ciphertext> outputs, double seconds) {}

    public LocalRunner(FheProgram program, RingBackend backend, SecureRandom random) {
        long t0 = System.nanoTime();
        this.program = program;
        this.context = new CkksContext(program.parameters(), backend);
        this.encoder = new Encoder(context);
        KeyGenerator kg = new KeyGenerator(context, random);
        this.secretKey = kg.secretKey();
        this.keys = kg.evaluationKeys(secretKey, program.rotationSteps());
        this.encryptor = new Encryptor(context, secretKey, random);
        this.decryptor = new Decryptor(context, secretKey);
        this.evaluator = new Evaluator(context, keys);
        this.keySeconds = (System.nanoTime() - t0) / 1e9;
    }

    public LocalRunner observe(Consumer<RoundOutput> o) {
        this.observer = o;
        return this;
    }

    public EvaluationKeys keys() { return keys; }
    public Evaluator evaluator() { return evaluator; }
    public double keySeconds() { return keySeconds; }

    public List<Ciphertext> encrypt(List<double[]> slots) {
        List<Ciphertext> out = new ArrayList<>(slots.size());
        int level = context.maxLevel();
        for (double[] s : slots) {
            out.add(encryptor.encrypt(encoder.encode(s, level, context.params().scale())));
        }
        return out;
    }

    public List<double[]> decrypt(List<Ciphertext> cts) {
        List<double[]> out = new ArrayList<>(cts.size());
        for (Ciphertext c : cts) {
            out.add(encoder.decode(decryptor.decrypt(c)));
        }
        return out;
    }

    /** Next-token logits of {@code context}, computed under encryption. */
    public double[] nextTokenLogits(int[] tokens) {
        List<Ciphertext> in = encrypt(program.encodeContext(tokens));
        for (int r = 0; r < program.rounds(); r++) {
            long t0 = System.nanoTime();
            List<Ciphertext> out = program.evaluate(r, in, evaluator);
            observer.accept(new RoundOutput(r, in, out, (System.nanoTime() - t0) / 1e9));
            List<double[]> dec = decrypt(out);
            if (r + 1 == program.rounds()) {
                return program.logits(dec);
            }
            in = encrypt(program.refresh(r, dec));
        }
        throw new IllegalStateException("program has no rounds");
    }
}
