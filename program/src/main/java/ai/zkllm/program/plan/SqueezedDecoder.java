package ai.zkllm.program.plan;

import ai.zkllm.program.TokenDecoder;
import ai.zkllm.program.model.Linalg;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client's side of the squeezed program: incremental decoding with the cache on the client.
 * A token sends only the positions not seen before (all of a prompt at first, then one per token)
 * and keeps, per layer, the q, k, v rows of every position, in plaintext: it decrypts them at the
 * QKV round anyway, and attention over them is cheaper in plaintext than any encrypted form. The
 * residual stream stays here too, so each round carries one matrix's input and output.
 *
 * <p>Round r's input: QKV ← ln_1(x), PROJ ← attention of the new positions over the cache, MLP ←
 * ln_2(x), HEAD ← ln_f(x) of the last position; x += the PROJ and MLP outputs. With an affine ln_2
 * (1/σ = r per position) PROJ_MLP takes r·[attention, x, 1] and gives x its new value. Rows are packed by
 * {@link Layout}. The cache grows only when a token completes ({@link #logits}), so a token
 * abandoned mid-way (a timeout) leaves it consistent.
 */
final class SqueezedDecoder implements TokenDecoder {
    private final SqueezedModel model;
    private final Plan plan;
    private final Layout layout;
    private final int d;
    /** Tokens whose rows are kept, and per layer their q, k, v rows. */
    private int[] kept = new int[0];
    private final List<List<double[]>> keptQkv = new ArrayList<>();

    /** The token in progress: its context, first new position, residual rows and new q, k, v rows. */
    private int[] context;
    private int from;
    private double[][] x;
    private final List<double[][]> newQkv = new ArrayList<>();

    SqueezedDecoder(SqueezedModel model, Plan plan, Layout layout) {
        this.model = model;
        this.plan = plan;
        this.layout = layout;
        this.d = model.config().nEmbd();
        for (int l = 0; l < model.layers().length; l++) {
            keptQkv.add(new ArrayList<>());
            newQkv.add(null);
        }
    }

    @Override
    public List<double[]> start(int[] tokens) {
        double[][] embedded = model.embed(tokens);
        int reuse = 0;
        while (reuse < Math.min(kept.length, tokens.length - 1) && kept[reuse] == tokens[reuse]) {
            reuse++;
        }
        for (List<double[]> rows : keptQkv) {
            rows.subList(reuse, rows.size()).clear();
        }
        kept = Arrays.copyOf(kept, reuse);
        context = tokens.clone();
        from = reuse;
        x = Arrays.copyOfRange(embedded, from, tokens.length);
        return inputsOf(plan.rounds().get(0));
    }

    @Override
    public List<double[]> refresh(int round, List<double[]> decrypted) {
        if (context == null || round < 0 || round + 1 >= plan.roundCount()) {
            throw new IllegalStateException("no round after round " + round + " of this token");
        }
        Stage done = plan.rounds().get(round);
        int l = done.layer();
        switch (done.kind()) {
            case QKV -> newQkv.set(l, response(decrypted, x.length, 3 * d));
            case PROJ, MLP -> x = Linalg.add(x, response(decrypted, x.length, d));
            case PROJ_MLP -> x = residualAfter(l, response(decrypted, x.length, Layout.period(d) + d));
            case HEAD -> throw new IllegalStateException("the head ends the token");
        }
        return inputsOf(plan.rounds().get(round + 1));
    }

    @Override
    public double[] logits(List<double[]> decrypted) {
        if (context == null) {
            throw new IllegalStateException("no token in progress");
        }
        int[] slices = layout.vocabularySlices(model.vocabularySize());
        if (decrypted.size() != slices.length) {
            throw new IllegalArgumentException(decrypted.size() + " head ciphertexts, expected " + slices.length
                    + " (one per vocabulary slice)");
        }
        double[] logits = new double[model.vocabularySize()];
        int from = 0;
        for (int s = 0; s < slices.length; s++) {
            System.arraycopy(response(decrypted.subList(s, s + 1), 1, slices[s])[0], 0, logits, from, slices[s]);
            from += slices[s];
        }
        for (int l = 0; l < keptQkv.size(); l++) {
            keptQkv.get(l).addAll(List.of(newQkv.get(l)));
            newQkv.set(l, null);
        }
        kept = context;
        context = null;
        return logits;
    }

    private List<double[]> inputsOf(Stage next) {
        int l = next.layer();
        return switch (next.kind()) {
            case QKV -> layout.pack(model.layer(l).ln1.apply(x, from), d);
            case PROJ -> layout.pack(model.attend(l, allQkv(l), from), d);
            case MLP -> layout.pack(model.layer(l).ln2.apply(x, from), d);
            case PROJ_MLP -> {
                double[][] o = model.attend(l, allQkv(l), from);
                double[][] rows = new double[x.length][2 * d + 1];
                for (int t = 0; t < x.length; t++) {
                    double r = model.layer(l).ln2.constant(from + t);
                    for (int k = 0; k < d; k++) {
                        rows[t][k] = r * o[t][k];
                        rows[t][d + k] = r * x[t][k];
                    }
                    rows[t][2 * d] = r;
                }
                yield layout.pack(rows, 2 * d + 1);
            }
            case HEAD -> {
                int last = x.length - 1;
                yield layout.pack(model.lnf().apply(new double[][] {x[last]}, from + last), d);
            }
        };
    }

    /**
     * x after a PROJ_MLP round of layer l, from its response rows: columns [0, d) hold
     * a + mlp(a) and [n, n + d) mlp(a), where a = r·(x + proj(o)); so x + proj(o) = a / r.
     */
    private double[][] residualAfter(int l, double[][] both) {
        int n = Layout.period(d);
        double[][] next = new double[x.length][d];
        for (int t = 0; t < x.length; t++) {
            double r = model.layer(l).ln2.constant(from + t);
            for (int k = 0; k < d; k++) {
                double mlp = both[t][n + k];
                next[t][k] = (both[t][k] - mlp) / r + mlp;
            }
        }
        return next;
    }

    /** The rows of a response, without the factor that fitted them to level 0. */
    private double[][] response(List<double[]> decrypted, int rows, int columns) {
        double[][] out = layout.unpack(decrypted, rows, columns);
        for (double[] row : out) {
            for (int c = 0; c < columns; c++) {
                row[c] /= Layout.RESPONSE_FACTOR;
            }
        }
        return out;
    }

    /** q, k, v rows of positions 0..T-1 of layer l: the kept ones and this token's. */
    private double[][] allQkv(int l) {
        List<double[]> rows = new ArrayList<>(keptQkv.get(l));
        rows.addAll(List.of(newQkv.get(l)));
        return rows.toArray(double[][]::new);
    }
}
