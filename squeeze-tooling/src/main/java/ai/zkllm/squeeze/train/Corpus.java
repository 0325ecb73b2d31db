package ai.zkllm.squeeze.train;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A training text and a held-out text, as bytes. Two are shipped (see {@code corpus/NOTICE.md} and
 * {@code corpus/austen/SOURCE.md}, both public domain): the Jargon File 4.4.7, whose first 95 % trains
 * the reference model and whose last 5 % is held out; and Jane Austen's six novels, of which five
 * train and <i>Persuasion</i> is held out.
 */
public final class Corpus {
    public static final String RESOURCE = "/corpus/jargon-4.4.7.txt";
    public static final double HELD_OUT_FRACTION = 0.05;
    public static final String AUSTEN_TRAIN = "/corpus/austen/train.txt.gz";
    public static final String AUSTEN_HELD_OUT = "/corpus/austen/heldout.txt.gz";

    private final int[] train;
    private final int[] heldOut;

    /** The first 95 % of {@code tokens} trains, the rest is held out. */
    public Corpus(int[] tokens) {
        int split = (int) Math.round(tokens.length * (1 - HELD_OUT_FRACTION));
        this.train = Arrays.copyOfRange(tokens, 0, split);
        this.heldOut = Arrays.copyOfRange(tokens, split, tokens.length);
    }

    private Corpus(int[] train, int[] heldOut) {
        this.train = train;
        this.heldOut = heldOut;
    }

    /** The Jargon File 4.4.7, split 95 / 5 (what the shipped reference model was trained on). */
    public static Corpus shipped() throws IOException {
        return new Corpus(bytes(RESOURCE));
    }

    /** Jane Austen's novels, one paragraph per line: five train, <i>Persuasion</i> is held out. */
    public static Corpus austen() throws IOException {
        return new Corpus(bytes(AUSTEN_TRAIN), bytes(AUSTEN_HELD_OUT));
    }

    /** A class-path resource as unsigned bytes, gunzipped when its name ends in {@code .gz}. */
    private static int[] bytes(String resource) throws IOException {
        try (InputStream raw = Corpus.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IOException("corpus resource " + resource + " not on the classpath");
            }
            try (InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                byte[] b = in.readAllBytes();
                int[] t = new int[b.length];
                for (int i = 0; i < b.length; i++) {
                    t[i] = b[i] & 0xff;
                }
                return t;
            }
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
