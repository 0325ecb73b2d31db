package ai.zkllm.program.tokenize;

import java.nio.charset.StandardCharsets;

/** The reference model's vocabulary: the 256 byte values of the UTF-8 encoding. */
public final class ByteTokenizer implements TextTokenizer {
    @Override
    public int[] encode(String text) {
        return encodeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public static int[] encodeBytes(byte[] bytes) {
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xff;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            b[i] = (byte) ids[i];
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public int vocabularySize() {
        return 256;
    }
}
