package ai.zkllm.operators.validation;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.TokenDecoder;
import ai.zkllm.program.ProgramKeys;
import ai.zkllm.program.ProgramRegistry;
import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.BlobRef;
import ai.zkllm.schemas.v1.CiphertextPayload;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.FheCiphertext;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A one-round program (x ↦ x²) over a real 128-bit set, a client's keys in a blob store, and a
 * miner that answers honestly or through a perturbation of its outputs (with a receipt that agrees
 * with what it delivered, the consistent liar, unless told otherwise).
 */
final class ReplayFixture {
    static final Parameters PARAMS = Parameters.builder().logN(14).logScale(30).depth(1).dnum(2).build();
    static final FheProgram SQUARE = new FheProgram() {
        @Override public String modelHash() { return "cd".repeat(32); }
        @Override public Parameters parameters() { return PARAMS; }
        @Override public int[] rotationSteps() { return new int[0]; }
        @Override public int rounds() { return 1; }
        @Override public boolean acceptsInputCount(int round, int count) { return count == 1; }
        @Override public int maxContext() { return 1; }
        @Override public int vocabularySize() { return 4; }
        @Override public List<Ciphertext> evaluate(int round, List<Ciphertext> in, Evaluator ev) {
            return List.of(ev.rescale(ev.multiplyRelin(in.get(0), in.get(0))));
        }
        @Override public TokenDecoder newDecoder() {
            return TokenDecoder.stateless(tokens -> List.of(new double[PARAMS.slots()]), (round, d) -> d, d -> Arrays.copyOf(d.get(0), 4));
        }
    };

    static final class Registry implements ProgramRegistry {
        @Override
        public Optional<FheProgram> find(String modelHash) {
            return SQUARE.modelHash().equals(modelHash) ? Optional.of(SQUARE) : Optional.empty();
        }

        @Override
        public Collection<FheProgram> installed() {
            return List.of(SQUARE);
        }
    }

    final FheEngines.Engine engine = FheEngines.get(PARAMS, RingBackends.named("auto"));
    final BlobStore blobs;
    final SecretKey sk;
    final EvaluationKeys keys;
    final BlobRef keyRef;
    final Encryptor encryptor;
    final Encoder encoder;

    ReplayFixture(Path dir) throws Exception {
        blobs = new BlobStore(dir.toString(), 1L << 30);
        KeyGenerator gen = new KeyGenerator(engine.context(), new SecureRandom());
        sk = gen.secretKey();
        keys = ProgramKeys.generate(SQUARE, engine.context(), sk, new SecureRandom());
        keyRef = blobs.put(engine.codec().toBytes(keys));
        encryptor = new Encryptor(engine.context(), sk, new SecureRandom());
        encoder = new Encoder(engine.context());
    }

    Replayer replayer() {
        return new Replayer(new Registry(), blobs, "auto");
    }

    EncryptedPrompt prompt(String requestId, double value) {
        return prompt(requestId, value, PARAMS.scale());
    }

    /** A prompt whose input claims {@code scale} (a client always uses the parameter set's). */
    EncryptedPrompt prompt(String requestId, double value, double scale) {
        double[] v = new double[PARAMS.slots()];
        Arrays.fill(v, 0, 4, value);
        Ciphertext fresh = encryptor.encrypt(encoder.encode(v, PARAMS.maxLevel(), PARAMS.scale()));
        Ciphertext ct = new Ciphertext(new RnsPoly[] {fresh.poly(0), fresh.poly(1)}, fresh.level(), scale, fresh.seed());
        return EncryptedPrompt.newBuilder().setRequestId(requestId).setSessionId("s").setBrainId("3")
                .setModelHash(SQUARE.modelHash()).setParameterHash(PARAMS.id()).setRound(0)
                .addInputs(CiphertextPayload.newBuilder().setInline(engine.codec().toProto(ct).toByteString()))
                .setEvaluationKeys(keyRef).build();
    }

    /** The miner's answer: outputs through {@code perturb}; the receipt digests what was delivered. */
    Answer answer(EncryptedPrompt p, String miner, UnaryOperator<Ciphertext> perturb) {
        Ciphertext in = engine.codec().ciphertextFromBytes(p.getInputs(0).getInline().toByteArray());
        Evaluator ev = new Evaluator(engine.context(), keys);
        Ciphertext out = perturb.apply(SQUARE.evaluate(0, List.of(in), ev).get(0));
        FheCiphertext sent = engine.codec().toCompactProto(out); // as RoundExecutor sends it
        EncryptedResponse response = EncryptedResponse.newBuilder().setRequestId(p.getRequestId())
                .setSessionId(p.getSessionId()).setBrainId("3").setMinerId(miner)
                .addOutputs(CiphertextPayload.newBuilder().setInline(sent.toByteString())).build();
        WorkReceipt receipt = WorkReceipt.newBuilder().setRequestId(p.getRequestId()).setSessionId(p.getSessionId())
                .setBrainId("3").setMinerId(miner).setModelHash(p.getModelHash()).setParameterHash(PARAMS.id())
                .addInputSha256(engine.digestHex(in))
                .addOutputSha256(HexFormat.of().formatHex(sent.getSha256().toByteArray()))
                .setEvaluationKeysSha256(keyRef.getSha256()).setCompletedUnixMs(1000).build();
        return new Answer(response, receipt);
    }

    record Answer(EncryptedResponse response, WorkReceipt receipt) {}
}
