package ai.zkllm.fhe.ring;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongConsumer;

/**
 * Rows kept on the GPU by the identity of their Java array: a switching key's limbs, which never
 * change, go up once per session instead of once per key switch. Past a bound of bytes the least
 * recently used rows are freed, at {@link #trim} (after the call that used them). The cache holds
 * the arrays it keeps, at most the bound's worth. Not thread-safe: {@link CudaRingBackend} calls it
 * under its lock.
 */
final class DeviceRowCache {
    /** Uploads a row zero-padded to {@code stride} words and returns its device address. */
    interface Uploader {
        long upload(long[] row, int stride);
    }

    private final long boundBytes;
    private final Uploader uploader;
    private final LongConsumer free;
    /** Access-ordered; arrays hash and compare by identity, which is the key wanted. */
    private final LinkedHashMap<long[], Row> rows = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private long uploads;

    DeviceRowCache(long boundBytes, Uploader uploader, LongConsumer free) {
        this.boundBytes = boundBytes;
        this.uploader = uploader;
        this.free = free;
    }

    /** The device address of {@code row}, uploaded on first use with rows of {@code stride} words. */
    long device(long[] row, int stride) {
        Row kept = rows.get(row);
        if (kept != null) {
            return kept.address();
        }
        long uploaded = uploader.upload(row, stride);
        uploads++;
        rows.put(row, new Row(uploaded, stride));
        bytes += 8L * stride;
        return uploaded;
    }

    /** Frees the least recently used rows until the cache is within its bound. */
    void trim() {
        Iterator<Row> oldest = rows.values().iterator();
        while (bytes > boundBytes && oldest.hasNext()) {
            Row row = oldest.next();
            free.accept(row.address());
            bytes -= 8L * row.stride();
            oldest.remove();
        }
    }

    /** Frees every row. */
    void clear() {
        rows.values().forEach(row -> free.accept(row.address()));
        rows.clear();
        bytes = 0;
    }

    long bytes() {
        return bytes;
    }

    long uploads() {
        return uploads;
    }

    private record Row(long address, int stride) {}
}
