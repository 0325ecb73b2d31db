package ai.zkllm.program.model;

/** The few dense kernels the plaintext forwards need (row-major, Conv1D orientation). */
public final class Linalg {
    private Linalg() {}

    /** y[t] = x[t] W + b, W is [in, out] row-major. */
    public static double[][] linear(double[][] x, float[] w, float[] b, int in, int out) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            double[] yt = y[t];
            if (b != null) {
                for (int o = 0; o < out; o++) {
                    yt[o] = b[o];
                }
            }
            double[] xt = x[t];
            for (int i = 0; i < in; i++) {
                double xi = xt[i];
                int base = i * out;
                for (int o = 0; o < out; o++) {
                    yt[o] += xi * w[base + o];
                }
            }
        }
        return y;
    }

    /** y[t] = x[t] W + b with W given as doubles. */
    public static double[][] linear(double[][] x, double[] w, double[] b, int in, int out) {
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            double[] yt = y[t];
            if (b != null) {
                System.arraycopy(b, 0, yt, 0, out);
            }
            double[] xt = x[t];
            for (int i = 0; i < in; i++) {
                double xi = xt[i];
                int base = i * out;
                for (int o = 0; o < out; o++) {
                    yt[o] += xi * w[base + o];
                }
            }
        }
        return y;
    }

    /** softmax(s), max-subtracted so that no exponential overflows. */
    /** a + b, row by row, into new rows (a residual sum). */
    public static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int t = 0; t < a.length; t++) {
            y[t] = a[t].clone();
            for (int k = 0; k < y[t].length; k++) {
                y[t][k] += b[t][k];
            }
        }
        return y;
    }

    public static double[] softmax(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[s.length];
        for (int j = 0; j < s.length; j++) {
            p[j] = Math.exp(s[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < s.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** Tied LM head: logits[t][v] = h[t] · wte[v]. */
    public static double[][] lmHead(double[][] h, float[] wte, int vocab, int d) {
        double[][] y = new double[h.length][vocab];
        for (int t = 0; t < h.length; t++) {
            for (int v = 0; v < vocab; v++) {
                double s = 0;
                int base = v * d;
                for (int k = 0; k < d; k++) {
                    s += h[t][k] * wte[base + k];
                }
                y[t][v] = s;
            }
        }
        return y;
    }
}
