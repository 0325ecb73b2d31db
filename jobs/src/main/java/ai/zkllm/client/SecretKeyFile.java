package ai.zkllm.client;

import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.operators.inference.SimpleFheCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * mode, never widened). Format: "ZKSK1", the parameter hash (64 ASCII hex), the key polynomial
 * over QP. The key never leaves this machine and is never logged.
 */
public final class SecretKeyFile {
    private static final byte[] MAGIC = "ZKSK1".getBytes(StandardCharsets.US_ASCII);
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretKeyFile() {
    }

    /** Generates a fresh secret key for {@code params} (CSPRNG) and writes it to {@code path}. */
    public static SecretKey create(Path path, Parameters params) throws IOException {
        if (Files.exists(path)) {
            throw new FileAlreadyExistsException(path + " (refusing to overwrite a secret key)");
        }
        CkksContext context = new CkksContext(params, ai.zkllm.fhe.ring.RingBackends.preferred());
        SecretKey sk = new KeyGenerator(context, new SecureRandom()).secretKey();
        write(path, sk, params);
        return sk;
    }

    public static void write(Path path, SecretKey sk, Parameters params) throws IOException {
        RnsPoly poly = sk.poly();
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 64 + 1 + 4 * poly.limbCount() * poly.n());
        buf.put(MAGIC).put(params.id().getBytes(StandardCharsets.US_ASCII));
        SimpleFheCodec.writePoly(buf, poly);
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".sk-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.write(tmp, buf.array());
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
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path));
        try {
            byte[] magic = new byte[MAGIC.length];
            buf.get(magic);
            byte[] id = new byte[64];
            buf.get(id);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(path + " is not a zkllm secret key");
            }
            if (!new String(id, StandardCharsets.US_ASCII).equals(params.id())) {
                throw new IOException(path + " holds a key for another parameter set");
            }
            int limbs = params.qPrimes().size() + params.pPrimes().size();
            RnsPoly poly = SimpleFheCodec.readPoly(buf, params, limbs, true);
            if (buf.hasRemaining()) {
                throw new IOException(path + " has trailing bytes");
            }
            return new SecretKey(poly);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException(path + " is not a valid secret key: " + e.getMessage());
        }
    }
}
