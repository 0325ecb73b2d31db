package ai.zkllm.client;

import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.io.InvalidFheDataException;
import ai.zkllm.schemas.v1.FheSecretKey;
import com.google.protobuf.InvalidProtocolBufferException;
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

    /** Generates a fresh secret key for {@code params} (CSPRNG) and writes it to {@code path}, which must not exist. */
    public static SecretKey create(Path path, Parameters params) throws IOException {
        if (Files.exists(path)) {
            throw new FileAlreadyExistsException(path + " (refusing to overwrite a secret key)");
        }
        return replace(path, params);
    }

    /** Generates a fresh secret key and writes it to {@code path}, atomically replacing any key there. */
    public static SecretKey replace(Path path, Parameters params) throws IOException {
        SecretKey sk = new KeyGenerator(ZkllmClient.engine(params).context(), new SecureRandom()).secretKey();
        write(path, sk, params);
        return sk;
    }

    public static void write(Path path, SecretKey sk, Parameters params) throws IOException {
        writeOwnerOnly(path, ZkllmClient.engine(params).codec().toBytes(sk));
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

    /**
     * Reads a key written for {@code params}; refuses a file others can read, a damaged one and one
     * made for another parameter set ({@link KeyFileException}), and a missing one (NoSuchFileException).
     */
    public static SecretKey read(Path path, Parameters params) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new KeyFileException(path, KeyFileException.Problem.EXPOSED, path + " is readable by others ("
                    + PosixFilePermissions.toString(perms) + "); chmod 600 " + path, null);
        }
        byte[] bytes = Files.readAllBytes(path);
        try {
            return ZkllmClient.engine(params).codec().secretKeyFromBytes(bytes);
        } catch (InvalidFheDataException e) {
            String madeFor = parameterId(bytes);
            if (madeFor != null && !madeFor.equals(params.id())) {
                throw new KeyFileException(path, KeyFileException.Problem.OTHER_PARAMETERS, path
                        + " is a key for parameter set " + madeFor + ", not " + params.id(), e);
            }
            // The codec's message names fields and ids, never key material.
            throw new KeyFileException(path, KeyFileException.Problem.CORRUPT, path
                    + " is truncated or corrupt (" + e.getMessage() + ")", e);
        }
    }

    /** The parameter id a key file claims, or null when it does not parse: tells a wrong model from damage. */
    private static String parameterId(byte[] bytes) {
        try {
            String id = FheSecretKey.parseFrom(bytes).getParameterId();
            return id.isEmpty() ? null : id;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
