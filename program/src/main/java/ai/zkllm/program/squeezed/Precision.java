package ai.zkllm.program.squeezed;

/** Rounding of constants to the F32 precision the squeezed artifact stores. */
public final class Precision {
    private Precision() {}

    public static double f32(double x) {
        return (float) x;
    }

    public static double[] f32(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) x[i];
        }
        return y;
    }
}
