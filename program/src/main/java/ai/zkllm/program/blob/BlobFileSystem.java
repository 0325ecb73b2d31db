package ai.zkllm.program.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;

/**
 * Where a {@link BlobStore} keeps its files. The client and the program contract need only a local
 * folder ({@link LocalBlobFileSystem}); the jobs plug in Flink's file systems (object stores, HDFS)
 * without the client depending on Flink.
 */
public interface BlobFileSystem extends Serializable {

    boolean exists(URI file) throws IOException;

    InputStream open(URI file) throws IOException;

    /** Writes {@code bytes} so that a reader sees the whole file at {@code file} or none. */
    void writeAtomically(URI file, byte[] bytes) throws IOException;
}
