package ai.zkllm.program.plan;

import ai.zkllm.program.squeezed.QuantizedMatrix;
import ai.zkllm.program.squeezed.SqueezedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The matrices of a squeezed model as the {@link PackedMatrix} transforms the miner applies, built
 * once per program on first use and shared by its rounds (diagonals only: plaintexts are encoded
 * by the evaluator of each call, or cached per level with {@code cacheEncodings}).
 */
final class WeightTransforms {
    private final SqueezedModel model;
    private final Layout layout;
    private final boolean cacheEncodings;
    private final Map<String, PackedMatrix> bySite = new ConcurrentHashMap<>();
    private List<PackedMatrix> head;

    WeightTransforms(SqueezedModel model, Layout layout, boolean cacheEncodings) {
        this.model = model;
        this.layout = layout;
        this.cacheEncodings = cacheEncodings;
    }

    PackedMatrix qkv(int l) { return site("h." + l + ".qkv", model.layer(l).qkv, Layout.RESPONSE_FACTOR); }
    PackedMatrix proj(int l) { return site("h." + l + ".proj", model.layer(l).attnProj, Layout.RESPONSE_FACTOR); }
    PackedMatrix fc(int l) { return site("h." + l + ".fc", model.layer(l).fc, 1); }
    PackedMatrix fcProj(int l) { return site("h." + l + ".fc_proj", model.layer(l).fcProj, Layout.RESPONSE_FACTOR); }

    /** The head, one matrix per {@link Layout#vocabularySlices vocabulary slice} (one when the vocabulary fits a row). */
    synchronized List<PackedMatrix> head() {
        if (head == null) {
            QuantizedMatrix m = model.head();
            double[] w = m.dequantized();
            List<PackedMatrix> slices = new ArrayList<>();
            int from = 0;
            for (int width : layout.vocabularySlices(m.out())) {
                double[] slice = new double[m.in() * width];
                for (int i = 0; i < m.in(); i++) {
                    System.arraycopy(w, i * m.out() + from, slice, i * width, width);
                }
                slices.add(new PackedMatrix(slice, Arrays.copyOfRange(m.bias(), from, from + width), m.in(), width,
                        Layout.RESPONSE_FACTOR, layout, cacheEncodings));
                from += width;
            }
            head = List.copyOf(slices);
        }
        return head;
    }

    /**
     * [2d + 1, d]: the attention projection stacked on the identity and on its bias, so that the
     * client's row r·[o, x, 1] gives r·(x + o·W + b), ln_2's output for an affine ln_2 (1/σ = r).
     */
    PackedMatrix projResidual(int l) {
        return bySite.computeIfAbsent("h." + l + ".proj_residual", k -> {
            QuantizedMatrix proj = model.layer(l).attnProj;
            int d = proj.out();
            double[] w = new double[(2 * d + 1) * d];
            System.arraycopy(proj.dequantized(), 0, w, 0, d * d);
            for (int i = 0; i < d; i++) {
                w[(d + i) * d + i] = 1;
            }
            System.arraycopy(proj.bias(), 0, w, 2 * d * d, d);
            return new PackedMatrix(w, new double[d], 2 * d + 1, d, 1, layout, cacheEncodings);
        });
    }

    /** The Galois rotations of every matrix the plan applies. */
    int[] rotationSteps(Plan plan) {
        TreeSet<Integer> steps = new TreeSet<>();
        for (Stage st : plan.rounds()) {
            switch (st.kind()) {
                case QKV -> qkv(st.layer()).addRotations(steps);
                case PROJ -> proj(st.layer()).addRotations(steps);
                case MLP -> {
                    fc(st.layer()).addRotations(steps);
                    fcProj(st.layer()).addRotations(steps);
                }
                case PROJ_MLP -> {
                    projResidual(st.layer()).addRotations(steps);
                    fc(st.layer()).addRotations(steps);
                    fcProj(st.layer()).addRotations(steps);
                }
                case HEAD -> head().forEach(slice -> slice.addRotations(steps));
            }
        }
        return steps.stream().mapToInt(Integer::intValue).toArray();
    }

    private PackedMatrix site(String name, QuantizedMatrix m, double outputFactor) {
        return bySite.computeIfAbsent(name, k -> new PackedMatrix(m, outputFactor, layout, cacheEncodings));
    }
}
