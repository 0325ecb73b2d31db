package ai.zkllm.fhe.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.zkllm.fhe.FheFixture;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.function.Function;

/**
 * Fuzz targets, one per decoder of untrusted bytes in {@link FheCodec}. Property: the decoder
 * returns an object that re-encodes to exactly the input bytes (the canonical encoding), or
 * throws {@link InvalidFheDataException}; any other throwable is a finding.
 *
 * <p>Without JAZZER_FUZZ this replays the seeds and past findings under
 * src/test/resources/ai/zkllm/fhe/io/FheCodecFuzzTestInputs/&lt;method&gt;/ (see fhe-native/README.md).
 * The ring is tiny (N = 16) so that valid messages are a few hundred bytes and mutations cheap.
 */
class FheCodecFuzzTest {
    static final FheFixture FIX = new FheFixture(FheFixture.small(4, 2, 2), 1);
    /** Capped well below the default so that no input can make the decoder allocate much. */
    static final Limits LIMITS = new Limits(1 << 20, 8);
    static final FheCodec CODEC = new FheCodec(FIX.context, LIMITS);

    @FuzzTest(maxDuration = "45s")
    void parameters(byte[] bytes) {
        decodesCanonicallyOrRefuses(bytes, b -> FheCodec.parametersFromBytes(b, LIMITS), FheCodec::toBytes);
    }

    @FuzzTest(maxDuration = "45s")
    void plaintext(byte[] bytes) {
        decodesCanonicallyOrRefuses(bytes, CODEC::plaintextFromBytes, CODEC::toBytes);
    }

    @FuzzTest(maxDuration = "45s")
    void ciphertext(byte[] bytes) {
        decodesCanonicallyOrRefuses(bytes, CODEC::ciphertextFromBytes, CODEC::toBytes);
    }

    @FuzzTest(maxDuration = "45s")
    void publicKey(byte[] bytes) {
        decodesCanonicallyOrRefuses(bytes, CODEC::publicKeyFromBytes, CODEC::toBytes);
    }

    @FuzzTest(maxDuration = "45s")
    void switchingKey(byte[] bytes) {
        decodesCanonicallyOrRefuses(bytes, CODEC::switchingKeyFromBytes, CODEC::toBytes);
    }

    @FuzzTest(maxDuration = "45s")
    void evaluationKeys(byte[] bytes) {
        decodesCanonicallyOrRefuses(bytes, CODEC::evaluationKeysFromBytes, CODEC::toBytes);
    }

    @FuzzTest(maxDuration = "45s")
    void secretKey(byte[] bytes) {
        decodesCanonicallyOrRefuses(bytes, CODEC::secretKeyFromBytes, CODEC::toBytes);
    }

    private static <T> void decodesCanonicallyOrRefuses(byte[] bytes, Function<byte[], T> decode,
            Function<T, byte[]> encode) {
        T decoded;
        try {
            decoded = decode.apply(bytes);
        } catch (InvalidFheDataException refused) {
            return;
        }
        assertArrayEquals(bytes, encode.apply(decoded), "a decoded object re-encodes to the bytes it came from");
    }
}
