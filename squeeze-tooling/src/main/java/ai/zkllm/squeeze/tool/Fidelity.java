package ai.zkllm.squeeze.tool;

import ai.zkllm.program.Logits;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import java.util.List;
import java.util.function.Function;

/**
 * Teacher vs squeezed plaintext on held-out windows: perplexity of each (next-token, every
 * position of every window) and the fraction of positions where their top-1 next tokens agree.
 */
public record Fidelity(int positions, double teacherPpl, double studentPpl, double top1Agreement, double meanKl) {

    public static Fidelity measure(Gpt2Teacher teacher, SqueezedModel student, List<int[]> windows) {
        return measure(teacher::forward, student::logitsAll, windows);
    }

    /** Windows of length T+1: the first T tokens are the context, each position predicts the next token. */
    public static Fidelity measure(Function<int[], double[][]> teacher, Function<int[], double[][]> student,
            List<int[]> windows) {
        double nllT = 0;
        double nllS = 0;
        double kl = 0;
        long agree = 0;
        int n = 0;
        for (int[] w : windows) {
            int[] ctx = java.util.Arrays.copyOf(w, w.length - 1);
            double[][] lt = teacher.apply(ctx);
            double[][] ls = student.apply(ctx);
            for (int t = 0; t < ctx.length; t++) {
                double[] pt = logSoftmax(lt[t]);
                double[] ps = logSoftmax(ls[t]);
                int target = w[t + 1];
                nllT -= pt[target];
                nllS -= ps[target];
                if (Logits.argmax(lt[t]) == Logits.argmax(ls[t])) {
                    agree++;
                }
                for (int v = 0; v < pt.length; v++) {
                    kl += Math.exp(pt[v]) * (pt[v] - ps[v]);
                }
                n++;
            }
        }
        return new Fidelity(n, Math.exp(nllT / n), Math.exp(nllS / n), (double) agree / n, kl / n);
    }

    /** Perplexity of one model: exp of its mean next-token loss over every position of windows of length T+1. */
    public static double perplexity(Function<int[], double[][]> model, List<int[]> windows) {
        double nll = 0;
        long n = 0;
        for (int[] w : windows) {
            double[][] logits = model.apply(java.util.Arrays.copyOf(w, w.length - 1));
            for (int t = 0; t < logits.length; t++) {
                nll -= logSoftmax(logits[t])[w[t + 1]];
                n++;
            }
        }
        return Math.exp(nll / n);
    }

    /** Bits per token (per byte for a byte vocabulary) of a perplexity per token. */
    public static double bits(double perplexity) {
        return Math.log(perplexity) / Math.log(2);
    }

    public static double[] logSoftmax(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - m);
        }
        double lse = m + Math.log(s);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] - lse;
        }
        return y;
    }


    /**
     * One-sided lower confidence bound on a rate from {@code agree} successes in {@code n} trials
     * (exact, Clopper–Pearson): the p at which {@code agree} or more successes have probability
     * {@code 1 - confidence}. With every trial a success it is {@code (1 - confidence)^(1/n)}: 200/200
     * shows a rate above 98.5 % at 95 %, and 598/598 is the least that shows 99.5 %.
     */
    public static double rateLowerBound(int agree, int n, double confidence) {
        if (n <= 0 || agree < 0 || agree > n || !(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException(agree + " of " + n + " at confidence " + confidence);
        }
        if (agree == 0) {
            return 0;
        }
        double lo = 0;
        double hi = 1;
        for (int it = 0; it < 100; it++) { // the upper tail grows with p: bisect for tail(p) = 1 - confidence
            double p = (lo + hi) / 2;
            if (upperTail(agree, n, p) < 1 - confidence) {
                lo = p;
            } else {
                hi = p;
            }
        }
        return lo;
    }

    /** P(X ≥ k) for X ~ Binomial(n, p), summed in log space. */
    private static double upperTail(int k, int n, double p) {
        double sum = 0;
        for (int i = k; i <= n; i++) {
            double logTerm = logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p);
            sum += Math.exp(logTerm);
        }
        return sum;
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }

    /** Relative perplexity increase of the squeezed model over the teacher. */
    public double pplIncrease() {
        return studentPpl / teacherPpl - 1;
    }

    @Override
    public String toString() {
        return String.format("positions=%d teacher_ppl=%.4f squeezed_ppl=%.4f (%+.2f%%) top1_agreement=%.4f kl=%.5f",
                positions, teacherPpl, studentPpl, 100 * pplIncrease(), top1Agreement, meanKl);
    }
}
