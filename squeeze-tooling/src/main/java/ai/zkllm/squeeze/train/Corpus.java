package ai.zkllm.squeeze.train;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shipped English corpus (The Jargon File 4.4.7, public domain; see
 * {@code corpus/NOTICE.md}) as bytes: the first 95 % trains, the last 5 % is held out.
 */
public final class Corpus {
    public static final String RESOURCE = "/corpus/jargon-4.4.7.txt";
    public static final double HELD_OUT_FRACTION = 0.05;

    private final int[] train;
    private final int[] heldOut;

    public Corpus(int[] tokens) {
        int split = (int) Math.round(tokens.length * (1 - HELD_OUT_FRACTION));
        this.train = Arrays.copyOfRange(tokens, 0, split);
        this.heldOut = Arrays.copyOfRange(tokens, split, tokens.length);
    }

    public static Corpus shipped() throws IOException {
        try (InputStream in = Corpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("corpus resource " + RESOURCE + " not on the classpath");
            }
            byte[] b = in.readAllBytes();
            int[] t = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                t[i] = b[i] & 0xff;
            }
            return new Corpus(t);
        }
    }

    public int[] train() {
        return train;
    }

    public int[] heldOut() {
        return heldOut;
    }

    /** Non-overlapping windows of {@code length} tokens, at most {@code max}, evenly spread. */
    public static List<int[]> windows(int[] tokens, int length, int max) {
        int count = tokens.length / length;
        List<int[]> out = new ArrayList<>();
        if (count == 0) {
            return out;
        }
        int take = Math.min(max, count);
        for (int k = 0; k < take; k++) {
            int idx = (int) ((long) k * count / take);
            out.add(Arrays.copyOfRange(tokens, idx * length, idx * length + length));
        }
        return out;
    }
}
