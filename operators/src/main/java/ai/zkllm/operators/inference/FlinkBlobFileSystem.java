package ai.zkllm.operators.inference;

import ai.zkllm.program.blob.BlobFileSystem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.UUID;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Blobs on any Flink {@link FileSystem}: a local folder, or {@code s3://}, {@code hdfs://}... when
 * the matching Flink file system plugin is installed. Writes go to a unique temporary name and are
 * renamed into place (object stores write atomically on close anyway).
 */
public final class FlinkBlobFileSystem implements BlobFileSystem {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean exists(URI file) throws IOException {
        Path path = new Path(file);
        return path.getFileSystem().exists(path);
    }

    @Override
    public InputStream open(URI file) throws IOException {
        Path path = new Path(file);
        return path.getFileSystem().open(path);
    }

    @Override
    public void writeAtomically(URI file, byte[] bytes) throws IOException {
        Path target = new Path(file);
        FileSystem fs = target.getFileSystem();
        fs.mkdirs(target.getParent());
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
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
}
