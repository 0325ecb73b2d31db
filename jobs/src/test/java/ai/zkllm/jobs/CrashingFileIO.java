package ai.zkllm.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.OutputFile;

/**
 * A Hadoop FileIO (catalog property {@code io-impl}) that, while armed, fails to create any file
 * whose path contains a marker: the process dying in the middle of a settlement, as Iceberg sees it.
 */
public final class CrashingFileIO extends HadoopFileIO {

    private static volatile String crashMarker;

    static void crashOnPathContaining(String marker) {
        crashMarker = marker;
    }

    static void disarm() {
        crashMarker = null;
    }

    @Override
    public OutputFile newOutputFile(String path) {
        String marker = crashMarker;
        if (marker != null && path.contains(marker)) {
            throw new UncheckedIOException(new IOException("injected crash creating " + path));
        }
        return super.newOutputFile(path);
    }
}
