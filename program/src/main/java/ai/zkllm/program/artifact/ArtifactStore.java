package ai.zkllm.program.artifact;

import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** A folder of artifacts named by content hash: {@code <sha256>.zkfhe}. */
public final class ArtifactStore {
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private final Path dir;

    public ArtifactStore(Path dir) {
        this.dir = dir;
    }

    public Path path(String hash) {
        return dir.resolve(hash + FheArtifact.EXTENSION);
    }

    /** Stores the artifact and returns its hash; the file appears whole or not at all. */
    public String put(FheArtifact artifact) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".artifact", ".tmp");
        try {
            String hash = artifact.write(tmp);
            AtomicFiles.move(tmp, path(hash));
            return hash;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Loads and verifies: the file's SHA-256 must equal {@code hash}. */
    public FheArtifact load(String hash) throws IOException {
        if (hash == null || !HASH.matcher(hash).matches()) {
            throw new ArtifactException("not a SHA-256 content hash: " + hash + " (store " + dir + ")");
        }
        Path f = path(hash);
        if (!Files.isRegularFile(f)) {
            throw new ArtifactException("no artifact " + f + " in store " + dir);
        }
        return FheArtifact.read(f, hash);
    }
}
