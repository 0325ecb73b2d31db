package ai.zkllm.jobs;

import ai.zkllm.operators.inference.FlinkBlobFileSystem;
import ai.zkllm.program.blob.BlobStore;
import java.io.Serializable;
import picocli.CommandLine.Option;

/**
 * Where large payloads (evaluation keys, big rounds) live, by content hash: the same two flags for
 * the InferenceJob, the ValidationJob and the client commands, which must all agree on the store.
 */
public class BlobStoreOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    @Option(names = "--blob-store", description = "blob store root: a folder or any Flink file system URI (default: ${DEFAULT-VALUE})")
    public String root = System.getProperty("user.home") + "/.zkllm/blobs";

    @Option(names = "--max-blob-bytes", description = "largest blob read (default: ${DEFAULT-VALUE})")
    public long maxBytes = 1L << 30;

    public BlobStore open() {
        return new BlobStore(root, maxBytes, new FlinkBlobFileSystem());
    }
}
