package ai.zkllm.program.blob;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.schemas.v1.BlobRef;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reference is untrusted: what it claims about a blob must not decide what a read allocates. */
class BlobStoreBoundsTest {
    @TempDir
    Path dir;

    @Test
    void aReferenceClaimingAGigabyteForASmallBlobAllocatesLittle() throws IOException {
        BlobStore store = new BlobStore(dir.toString(), Integer.MAX_VALUE - 16);
        BlobRef real = store.put(new byte[100]);
        BlobRef inflated = real.toBuilder().setSizeBytes(1L << 30).build();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        IOException e = assertThrows(IOException.class, () -> store.get(inflated));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("1 GiB claimed for a 100-byte blob: %d bytes allocated (%s)%n", allocated, e.getMessage());
        assertTrue(allocated < 8 << 20, allocated + " bytes allocated");
    }
}
