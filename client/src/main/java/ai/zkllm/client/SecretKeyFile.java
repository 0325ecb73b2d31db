package ai.zkllm.client;

import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.io.InvalidFheDataException;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.FheEngines;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The client's secret key on local disk, readable by its owner only (mode 0600, created with that
 * mode, never widened). The file holds exactly the bytes of a {@code zkllm.v1.FheSecretKey}
 * written by the engine codec ({@link FheCodec}): parameter id, the key polynomial over QP, and
 * the canonical sha256, all checked on reading. The key never leaves this machine and is never logged.
 */
public final class SecretKeyFile {
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretKeyFile() {
    }

    /** Generates a fresh secret key for {@code params} (CSPRNG) and writes it to {@code path}. */
    public static SecretKey create(Path path, Parameters params) throws IOException {
        if (Files.exists(path)) {
            throw new FileAlreadyExistsException(path + " (refusing to overwrite a secret key)");
        }
        SecretKey sk = new KeyGenerator(engine(params).context(), new SecureRandom()).secretKey();
        write(path, sk, params);
        return sk;
    }

    public static void write(Path path, SecretKey sk, Parameters params) throws IOException {
        writeOwnerOnly(path, engine(params).codec().toBytes(sk));
    }

    /** Writes {@code bytes} atomically to {@code path}, created mode 0600 from the start. */
    static void writeOwnerOnly(Path path, byte[] bytes) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".zkllm-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a key written for {@code params}; refuses a file others can read. */
    public static SecretKey read(Path path, Parameters params) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(path + " is accessible to others (" + PosixFilePermissions.toString(perms)
                    + "); chmod 600 it");
        }
        try {
            return engine(params).codec().secretKeyFromBytes(Files.readAllBytes(path));
        } catch (InvalidFheDataException e) {
            // The codec's message names fields and ids, never key material.
            throw new IOException(path + " is not a valid secret key for parameters " + params.id() + ": "
                    + e.getMessage(), e);
        }
    }

    private static FheEngines.Engine engine(Parameters params) {
        return FheEngines.get(params, RingBackends.preferred());
    }
}
