package ai.zkllm.client;

import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ProgramKeys;
import java.security.SecureRandom;

/**
 * Keys made for one session and held in memory only: a fresh secret key and the program's
 * evaluation keys under it, encoded as they are uploaded. A validator's canary session uses them,
 * so that no two canaries share a key set; a user's secret key lives in a {@link SecretKeyFile}.
 */
public final class SessionKeys {
    private final SecretKey secretKey;
    private final byte[] evaluationKeys;

    private SessionKeys(SecretKey secretKey, byte[] evaluationKeys) {
        this.secretKey = secretKey;
        this.evaluationKeys = evaluationKeys;
    }

    /** Fresh keys from the CSPRNG: about 0.2 s for the shipped program at N = 2^14 (docs/validation.md). */
    public static SessionKeys generate(FheProgram program) {
        FheEngines.Engine engine = ZkllmClient.engine(program.parameters());
        SecretKey sk = new KeyGenerator(engine.context(), new SecureRandom()).secretKey();
        return new SessionKeys(sk, evaluationKeys(program, sk));
    }

    /** The program's evaluation keys under {@code sk} ({@link ProgramKeys}), encoded as uploaded. */
    static byte[] evaluationKeys(FheProgram program, SecretKey sk) {
        FheEngines.Engine engine = ZkllmClient.engine(program.parameters());
        return engine.codec().toBytes(ProgramKeys.generate(program, engine.context(), sk, new SecureRandom()));
    }

    SecretKey secretKey() {
        return secretKey;
    }

    public byte[] evaluationKeys() {
        return evaluationKeys.clone();
    }

    @Override
    public String toString() {
        return "SessionKeys(" + evaluationKeys.length + " bytes of evaluation keys)"; // never the secret key
    }
}
