package ai.zkllm.operators.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.program.blob.BlobStore;
import ai.zkllm.schemas.v1.EncryptedPrompt;
import ai.zkllm.schemas.v1.EncryptedResponse;
import ai.zkllm.schemas.v1.WorkReceipt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A round answered by the miner of an earlier release (commit 186198b, before the round executor
 * existed): its prompt, response, receipt and evaluation keys (made as that release's client made
 * them: a relinearization key and the program's rotations), as they travelled. Today's replay
 * must still verify it on every backend, so a refactoring that changes an output byte, a digest or
 * a wire format fails here. When the wire format changed on purpose (residues packed at their
 * prime's bit width), the four files were transcoded residue for residue: every digest the receipt
 * names is unchanged, only the key blob's content address and size are new. When responses became
 * compact (c_0 of a level-0 output rounded to 5 fewer bits, {@code FheCodec.toCompactProto}), the
 * recorded output was rounded the same way and the receipt's output digest replaced by the rounded
 * one's (f0777e05… → b5f5aabe…); its c_1 and every input digest are still the old release's.
 */
class RecordedRoundReplayTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"java", "auto"})
    void aReceiptRecordedBeforeTheRoundExecutorStillVerifies(String backend) throws IOException {
        BlobStore blobs = new BlobStore(dir.toString(), 1 << 26);
        EncryptedPrompt prompt = EncryptedPrompt.parseFrom(read("prompt.pb.gz"));
        blobs.put(read("evaluation-keys.pb.gz"));
        EncryptedResponse response = EncryptedResponse.parseFrom(read("response.pb.gz"));
        WorkReceipt receipt = WorkReceipt.parseFrom(read("receipt.pb.gz"));
        assertEquals("miner-7", receipt.getMinerId());

        ReplayVerdict verdict = new Replayer(new ReplayFixture.Registry(), blobs, backend)
                .replay(prompt, response, receipt);

        assertEquals(ReplayVerdict.OK, verdict.status(), verdict.reason());
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(
                RecordedRoundReplayTest.class.getResourceAsStream("/recorded-round/" + name))) {
            return in.readAllBytes();
        }
    }
}
