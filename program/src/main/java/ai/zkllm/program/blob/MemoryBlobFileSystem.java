package ai.zkllm.program.blob;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Blobs in this process's memory: for a miner in the same process ({@code LocalRunner}). */
public final class MemoryBlobFileSystem implements BlobFileSystem {
    private static final long serialVersionUID = 1L;
    private final transient Map<URI, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public boolean exists(URI file) {
        return files.containsKey(file);
    }

    @Override
    public InputStream open(URI file) throws FileNotFoundException {
        byte[] bytes = files.get(file);
        if (bytes == null) {
            throw new FileNotFoundException(file.toString());
        }
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public void writeAtomically(URI file, byte[] bytes) {
        files.put(file, bytes.clone());
    }
}
