package ai.zkllm.program.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.schemas.v1.BlobRef;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    @TempDir
    Path dir;

    @Test
    void storesByContentHashIdempotently() throws Exception {
        BlobStore store = new BlobStore(dir.toString(), 1 << 20);
        byte[] bytes = "evaluation keys".getBytes(StandardCharsets.UTF_8);
        BlobRef ref = store.put(bytes);
        assertEquals(Sha256.hex(bytes), ref.getSha256());
        assertEquals(ref, store.put(bytes));
        assertArrayEquals(bytes, store.get(ref));
        Path file = dir.resolve(ref.getSha256().substring(0, 2)).resolve(ref.getSha256());
        assertTrue(Files.isRegularFile(file));
        try (var listing = Files.list(file.getParent())) {
            assertEquals(1, listing.count(), "no temporary files left behind");
        }
    }

    @Test
    void acceptsAFileUri() throws Exception {
        BlobStore store = new BlobStore(dir.toUri().toString(), 1 << 20);
        BlobRef ref = store.put(new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, store.get(ref));
    }

    @Test
    void detectsMissingCorruptAndOversizedBlobs() throws Exception {
        BlobStore store = new BlobStore(dir.toString(), 16);
        assertThrows(FileNotFoundException.class,
                () -> store.get(BlobRef.newBuilder().setSha256("00".repeat(32)).setSizeBytes(3).build()));
        BlobRef ref = store.put(new byte[] {1, 2, 3});
        Files.write(dir.resolve(ref.getSha256().substring(0, 2)).resolve(ref.getSha256()), new byte[] {1, 2, 4});
        assertThrows(IOException.class, () -> store.get(ref));
        assertThrows(IOException.class, () -> store.put(new byte[17]));
        assertThrows(IOException.class, () -> store.get(BlobRef.newBuilder().setSha256("../etc/passwd").build()));
    }

    @Test
    void containsRefusesWhatIsNotASha256LikeGet() throws Exception {
        BlobStore store = new BlobStore(dir.toString(), 16);
        assertTrue(store.contains(store.put(new byte[] {1}).getSha256()));
        for (String name : new String[] {"../etc/passwd", "a", "", null, "AB".repeat(32)}) {
            assertThrows(IOException.class, () -> store.contains(name), String.valueOf(name));
        }
    }
}
