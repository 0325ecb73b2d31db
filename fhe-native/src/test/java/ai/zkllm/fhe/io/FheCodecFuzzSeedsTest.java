package ai.zkllm.fhe.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seed corpus of {@link FheCodecFuzzTest}: one valid encoding per target, so fuzzing starts
 * from messages that pass every check. The committed seeds must equal what the fixture encodes
 * today (else fuzzing would silently start from rejected bytes); {@code -Dfuzz.seeds.write=true}
 * rewrites them after an intended change of the encoding or the fixture.
 */
class FheCodecFuzzSeedsTest {
    private static final Path INPUTS = Path.of("src/test/resources/ai/zkllm/fhe/io/FheCodecFuzzTestInputs");

    private static Map<String, byte[]> seeds() {
        FheCodec codec = FheCodecFuzzTest.CODEC;
        var fix = FheCodecFuzzTest.FIX;
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("parameters/valid", FheCodec.toBytes(fix.params));
        seeds.put("plaintext/valid",
                codec.toBytes(fix.encoder.encode(fix.randomValues(1), fix.context.maxLevel(), fix.params.scale())));
        seeds.put("ciphertext/valid", codec.toBytes(fix.encrypt(fix.randomValues(1))));
        seeds.put("ciphertext/valid-seeded", codec.toBytes(fix.encryptSeeded(fix.randomValues(1))));
        seeds.put("publicKey/valid", codec.toBytes(fix.publicKey));
        seeds.put("switchingKey/valid", codec.toBytes(fix.evaluationKeys.relinearization().key()));
        seeds.put("evaluationKeys/valid", codec.toBytes(fix.evaluationKeys));
        seeds.put("secretKey/valid", codec.toBytes(fix.secretKey));
        return seeds;
    }

    @Test
    void committedSeedsAreTodaysValidEncodings() throws IOException {
        boolean write = Boolean.getBoolean("fuzz.seeds.write");
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Path file = INPUTS.resolve(seed.getKey());
            if (write) {
                Files.createDirectories(file.getParent());
                Files.write(file, seed.getValue());
            }
            assertArrayEquals(seed.getValue(), Files.readAllBytes(file),
                    file + " is stale: rerun with -Dfuzz.seeds.write=true");
        }
    }
}
