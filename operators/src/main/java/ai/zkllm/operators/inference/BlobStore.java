package ai.zkllm.operators.inference;

import ai.zkllm.schemas.v1.BlobRef;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.UUID;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Content-addressed blobs (the claim check for evaluation keys and large ciphertexts) on any Flink
 * {@link FileSystem}: a local folder ({@code file:///...}, the default) or {@code s3://},
 * {@code hdfs://}... when the matching Flink file system plugin is installed.
 *
 * <p>A blob lives at {@code <root>/<sha[0:2]>/<sha>}. Writes go to a unique temporary name and are
 * renamed into place, so a reader sees the whole blob or none (object stores write atomically on
 * close anyway). Reads check the size bound, the exact size and the SHA-256 before returning.
 */
public final class BlobStore implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String root;
    private final long maxBlobBytes;

    public BlobStore(String rootUri, long maxBlobBytes) {
        URI uri = URI.create(rootUri);
        this.root = uri.getScheme() == null ? new java.io.File(rootUri).toURI().toString() : rootUri;
        if (maxBlobBytes <= 0 || maxBlobBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxBlobBytes must be in (0, 2^31 - 16), got " + maxBlobBytes);
        }
        this.maxBlobBytes = maxBlobBytes;
    }

    public String root() {
        return root;
    }

    /** Stores {@code bytes} under their hash (idempotent) and returns the reference. */
    public BlobRef put(byte[] bytes) throws IOException {
        if (bytes.length > maxBlobBytes) {
            throw new IOException("blob of " + bytes.length + " bytes exceeds the limit of " + maxBlobBytes);
        }
        String sha = Sha256.hex(bytes);
        Path target = pathOf(sha);
        FileSystem fs = target.getFileSystem();
        if (!fs.exists(target)) {
            fs.mkdirs(target.getParent());
            Path tmp = new Path(target.getParent(), "." + sha + "." + UUID.randomUUID() + ".tmp");
            try (OutputStream out = fs.create(tmp, FileSystem.WriteMode.NO_OVERWRITE)) {
                out.write(bytes);
            }
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, false);
                if (!fs.exists(target)) {
                    throw new IOException("could not move blob into place: " + target);
                }
            }
        }
        return BlobRef.newBuilder().setSha256(sha).setSizeBytes(bytes.length).build();
    }

    /** The blob's bytes; {@link FileNotFoundException} when absent, IOException when corrupt. */
    public byte[] get(BlobRef ref) throws IOException {
        if (!Sha256.isHex(ref.getSha256())) {
            throw new IOException("not a SHA-256 blob name: " + ref.getSha256());
        }
        if (ref.getSizeBytes() < 0 || ref.getSizeBytes() > maxBlobBytes) {
            throw new IOException("blob size " + ref.getSizeBytes() + " outside [0, " + maxBlobBytes + "]");
        }
        Path path = pathOf(ref.getSha256());
        FileSystem fs = path.getFileSystem();
        if (!fs.exists(path)) {
            throw new FileNotFoundException("no blob " + ref.getSha256() + " in " + root);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) ref.getSizeBytes());
        try (InputStream in = fs.open(path)) {
            byte[] chunk = new byte[1 << 16];
            int read;
            while ((read = in.read(chunk)) > 0) {
                if (out.size() + read > ref.getSizeBytes()) {
                    throw new IOException("blob " + ref.getSha256() + " is larger than its reference says");
                }
                out.write(chunk, 0, read);
            }
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length != ref.getSizeBytes() || !Sha256.hex(bytes).equals(ref.getSha256())) {
            throw new IOException("blob " + ref.getSha256() + " is corrupt (size or digest mismatch)");
        }
        return bytes;
    }

    /** IOException for a name that is not a SHA-256, as {@link #get} does: it must not reach the path. */
    public boolean contains(String sha256) throws IOException {
        if (!Sha256.isHex(sha256)) {
            throw new IOException("not a SHA-256 blob name: " + sha256);
        }
        Path path = pathOf(sha256);
        return path.getFileSystem().exists(path);
    }

    private Path pathOf(String sha) {
        return new Path(new Path(root, sha.substring(0, 2)), sha);
    }
}
