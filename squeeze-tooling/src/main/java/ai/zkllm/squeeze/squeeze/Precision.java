package ai.zkllm.squeeze.squeeze;

/** Rounding of constants to the F32 precision the squeezed artifact stores. */
final class Precision {
    private Precision() {}

    static double f32(double x) {
        return (float) x;
    }

    static double[] f32(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) x[i];
        }
        return y;
    }
}
