package ai.zkllm.client;

import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.InvalidFheDataException;
import ai.zkllm.program.FheEngines;
import ai.zkllm.program.FheProgram;
import ai.zkllm.program.ProgramKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The client's evaluation keys (a serialized {@code zkllm.v1.FheEvaluationKeys}: relinearization
 * key + the program's rotation keys, each sent as b + 32-byte seed), cached next to the secret key
 * file so that {@code zkllm chat} generates them once per key file and key set instead of every run.
 *
 * <p>The cache file is {@code <secret key file>.<tag>.evk}, where the tag is the first 16 hex digits
 * of SHA-256("zkllm-evk-v1" ‖ canonical digest of the secret key ‖ parameter id ‖ rotation steps).
 * A new secret key, another parameter set or another set of rotations therefore gets its own file,
 * and a stale file is never picked up. Keys are public, but the file is written 0600 like its
 * neighbour. On loading it is decoded and checked by the engine codec (parameter id, residues,
 * digests) and must hold every key the program needs; otherwise it is regenerated and replaced.
 * The blob store then deduplicates the upload by content hash: an unchanged key set is not re-sent.
 */
public final class EvaluationKeyFile {
    private EvaluationKeyFile() {
    }

    /** Where the evaluation keys of {@code program} under {@code sk} are cached, beside {@code secretKeyFile}. */
    public static Path besideSecretKey(Path secretKeyFile, FheProgram program, SecretKey sk) {
        FheEngines.Engine engine = ZkllmClient.engine(program.parameters());
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update("zkllm-evk-v1".getBytes(StandardCharsets.US_ASCII));
        sha.update(engine.digests().digest(sk));
        sha.update(program.parameters().id().getBytes(StandardCharsets.US_ASCII));
        int[] steps = program.rotationSteps().clone();
        Arrays.sort(steps);
        sha.update(Arrays.toString(steps).getBytes(StandardCharsets.US_ASCII));
        String tag = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        return secretKeyFile.resolveSibling(secretKeyFile.getFileName() + "." + tag + ".evk");
    }

    /** The cached bytes when present and valid for {@code program}, else freshly generated and cached. */
    public static byte[] loadOrCreate(Path file, FheProgram program, SecretKey sk) throws IOException {
        FheEngines.Engine engine = ZkllmClient.engine(program.parameters());
        if (Files.isRegularFile(file)) {
            byte[] bytes = Files.readAllBytes(file);
            try {
                EvaluationKeys cached = engine.codec().evaluationKeysFromBytes(bytes);
                if (ProgramKeys.missing(cached, program, engine.context()).isEmpty()) {
                    return bytes;
                }
            } catch (InvalidFheDataException e) {
                // fall through: regenerate and replace the damaged file
            }
        }
        byte[] bytes = SessionKeys.evaluationKeys(program, sk);
        SecretKeyFile.writeOwnerOnly(file, bytes);
        return bytes;
    }
}
