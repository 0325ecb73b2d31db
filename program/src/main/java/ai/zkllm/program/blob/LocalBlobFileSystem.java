package ai.zkllm.program.blob;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** Blobs in a folder of the local file system ({@code file:} URIs). */
public final class LocalBlobFileSystem implements BlobFileSystem {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean exists(URI file) {
        return Files.exists(Path.of(file));
    }

    @Override
    public InputStream open(URI file) throws IOException {
        return Files.newInputStream(Path.of(file));
    }

    @Override
    public void writeAtomically(URI file, byte[] bytes) throws IOException {
        Path target = Path.of(file);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            if (!Files.exists(target)) {
                throw new IOException("could not move blob into place: " + target, e);
            }
        }
    }
}
