package ai.zkllm.program.blob;

import ai.zkllm.schemas.v1.BlobRef;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;

/**
 * Content-addressed blobs (the claim check for evaluation keys and large ciphertexts) on a
 * {@link BlobFileSystem}: a local folder by default, any Flink file system in the jobs.
 *
 * <p>A blob lives at {@code <root>/<sha[0:2]>/<sha>} and is written atomically, so a reader sees
 * the whole blob or none. Reads check the size bound, the exact size and the SHA-256 before
 * returning.
 */
public final class BlobStore implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String root;
    private final long maxBlobBytes;
    private final BlobFileSystem files;

    /** A store in a local folder (a path or a {@code file:} URI). */
    public BlobStore(String rootUri, long maxBlobBytes) {
        this(rootUri, maxBlobBytes, new LocalBlobFileSystem());
    }

    public BlobStore(String rootUri, long maxBlobBytes, BlobFileSystem files) {
        URI uri = URI.create(rootUri);
        String absolute = uri.getScheme() == null ? new java.io.File(rootUri).toURI().toString() : rootUri;
        this.root = absolute.endsWith("/") ? absolute : absolute + "/";
        this.files = files;
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
        URI target = uriOf(sha);
        if (!files.exists(target)) {
            files.writeAtomically(target, bytes);
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
        URI path = uriOf(ref.getSha256());
        if (!files.exists(path)) {
            throw new FileNotFoundException("no blob " + ref.getSha256() + " in " + root);
        }
        // Grown as bytes arrive: a reference claiming a gigabyte for a small blob allocates nothing extra.
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(ref.getSizeBytes(), 1 << 16));
        try (InputStream in = files.open(path)) {
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
        return files.exists(uriOf(sha256));
    }

    private URI uriOf(String sha) {
        return URI.create(root + sha.substring(0, 2) + "/" + sha);
    }
}
