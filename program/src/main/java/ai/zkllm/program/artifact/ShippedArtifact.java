package ai.zkllm.program.artifact;

import ai.zkllm.program.io.ArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shipped FHE artifact of the shipped squeezed reference model ({@code reference/bytegpt2-squeezed}),
 * compiled by {@code zkllm squeeze compile} logic ({@link ai.zkllm.squeeze.tool.FheReport#compile}, RTT
 * {@value #RTT_SECONDS} s, planning context {@value #PLANNING_CONTEXT}) and stored on the class path as
 * {@code reference/fhe/<sha256>.zkfhe}; {@value #HASH_RESOURCE} names the hash. Loading checks the hash of
 * the bytes, as {@link ArtifactStore} does.
 */
public final class ShippedArtifact {
    public static final double RTT_SECONDS = 0.1;
    public static final int PLANNING_CONTEXT = 1;
    public static final String HASH_RESOURCE = "/reference/bytegpt2-squeezed.zkfhe.sha256";
    public static final String STORE_RESOURCE = "/reference/fhe/";

    private ShippedArtifact() {}

    /** SHA-256 of the shipped artifact (its model hash on the network). */
    public static String hash() {
        try (InputStream in = ShippedArtifact.class.getResourceAsStream(HASH_RESOURCE)) {
            if (in == null) {
                throw new ArtifactException("missing resource " + HASH_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the artifact out of the class path and reads it, checking its hash. */
    public static FheArtifact load() throws IOException {
        String hash = hash();
        String res = STORE_RESOURCE + hash + FheArtifact.EXTENSION;
        Path tmp = Files.createTempFile("zkllm-", FheArtifact.EXTENSION);
        try (InputStream in = ShippedArtifact.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new ArtifactException("missing resource " + res);
            }
            Files.write(tmp, in.readAllBytes());
            return FheArtifact.read(tmp, hash);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
