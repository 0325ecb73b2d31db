package ai.zkllm.program.artifact;

import ai.zkllm.program.io.ArtifactException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A shipped squeezed model ({@code reference/<name>/}) and its FHE artifact, compiled by {@code zkllm squeeze
 * compile} logic ({@link ai.zkllm.squeeze.tool.FheReport#compile}, RTT {@value #RTT_SECONDS} s, planning context
 * {@value #PLANNING_CONTEXT}) and stored on the class path as {@code reference/fhe/<sha256>.zkfhe};
 * {@code reference/<name>.zkfhe.sha256} names the hash. Loading checks the hash of the bytes, as
 * {@link ArtifactStore} does.
 */
public enum ShippedArtifact {
    /** Byte-level GPT-2, 2 layers, d = 64, trained on the Jargon File: small and fast, the tests' fixture. */
    REFERENCE("bytegpt2-squeezed"),
    /** Byte-level GPT-2, 4 layers, d = 128, trained on Jane Austen: writes English, the default of demo and chat. */
    ENGLISH("austen-gpt2-squeezed"),
    /**
     * The small model squeezed with an affine ln_2 ({@code calibrate --affine-ln2}): 5 rounds per token
     * instead of 7, at N = 2^14 and 1.4 points of agreement; it pays off where a round trip costs more than
     * about 0.15 s (squeeze-tooling/README.md, "Round trade-off").
     */
    REFERENCE_AFFINE_LN2("bytegpt2-affine-squeezed");

    public static final double RTT_SECONDS = 0.1;
    public static final int PLANNING_CONTEXT = 1;
    public static final String STORE_RESOURCE = "/reference/fhe/";

    private final String name;

    ShippedArtifact(String name) {
        this.name = name;
    }

    /** Class-path folder of the squeezed model the artifact was compiled from. */
    public String squeezedResourceDir() {
        return "/reference/" + name;
    }

    /** Class-path resource holding the artifact's hash. */
    public String hashResource() {
        return "/reference/" + name + ".zkfhe.sha256";
    }

    /** SHA-256 of the shipped artifact (its model hash on the network). */
    public String hash() {
        try (InputStream in = ShippedArtifact.class.getResourceAsStream(hashResource())) {
            if (in == null) {
                throw new ArtifactException("missing resource " + hashResource());
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the artifact out of the class path and reads it, checking its hash. */
    public FheArtifact load() throws IOException {
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
