package ai.zkllm.program.squeezed;

import ai.zkllm.program.model.Linalg;

/**
 * A plaintext matrix {@code [in, out]} (Conv1D orientation, {@code y = x W + b}) quantized to
 * symmetric k-bit integers with one scale per output channel: {@code W[i][o] = q[i][o] · scale[o]}.
 * The scale is folded into the plaintext diagonals the FHE program encodes, so a product with it
 * costs exactly one rescale (one level), like any plaintext-ciphertext product.
 */
public final class QuantizedMatrix {
    private final int in;
    private final int out;
    private final int bits;
    private final int[] q;
    private final double[] scale;
    private final double[] bias;
    private final double[] deq;

    public QuantizedMatrix(int in, int out, int bits, int[] q, double[] scale, double[] bias) {
        if (q.length != in * out || scale.length != out || bias.length != out) {
            throw new IllegalArgumentException("quantized matrix sizes do not match [" + in + ", " + out + "]");
        }
        this.in = in;
        this.out = out;
        this.bits = bits;
        this.q = q.clone();
        // stored as F32 in the artifact: round here so that save → load is bit-identical
        this.scale = Precision.f32(scale);
        this.bias = Precision.f32(bias);
        this.deq = new double[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                deq[i * out + o] = q[i * out + o] * scale[o];
            }
        }
    }

    /** Symmetric per-output-channel quantization of {@code w [in, out]}. */
    public static QuantizedMatrix quantize(double[] w, double[] bias, int in, int out, int bits) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("weight bits must be in [2, 16], got " + bits);
        }
        int qmax = (1 << (bits - 1)) - 1;
        double[] scale = new double[out];
        int[] q = new int[in * out];
        for (int o = 0; o < out; o++) {
            double m = 0;
            for (int i = 0; i < in; i++) {
                m = Math.max(m, Math.abs(w[i * out + o]));
            }
            scale[o] = m == 0 ? 1.0 : m / qmax;
            for (int i = 0; i < in; i++) {
                long r = Math.round(w[i * out + o] / scale[o]);
                q[i * out + o] = (int) Math.max(-qmax, Math.min(qmax, r));
            }
        }
        return new QuantizedMatrix(in, out, bits, q, scale, bias);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public int bits() {
        return bits;
    }

    public int[] ints() {
        return q.clone();
    }

    public double[] scales() {
        return scale.clone();
    }

    public double[] bias() {
        return bias.clone();
    }

    /** The dequantized matrix {@code q · scale}, [in, out] row-major. */
    public double[] dequantized() {
        return deq.clone();
    }

    /** y[t] = x[t] · (q · scale) + bias. */
    public double[][] apply(double[][] x) {
        return Linalg.linear(x, deq, bias, in, out);
    }
}
