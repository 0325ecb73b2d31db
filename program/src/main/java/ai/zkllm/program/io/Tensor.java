package ai.zkllm.program.io;

import java.util.Arrays;

/**
 * One named tensor of a safetensors file. Floating types are held as {@code float[]} (F16, BF16
 * and F64 are converted on read), integer types as {@code int[]}.
 */
public final class Tensor {
    private final String dtype;
    private final int[] shape;
    private final float[] floats;
    private final int[] ints;

    private Tensor(String dtype, int[] shape, float[] floats, int[] ints) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.ints = ints;
        long n = numel(shape);
        long have = floats != null ? floats.length : ints.length;
        if (n != have) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " values, got " + have);
        }
    }

    public static Tensor ofFloats(int[] shape, float[] data) {
        return new Tensor("F32", shape, data, null);
    }

    public static Tensor ofDoubles(int[] shape, double[] data) {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return new Tensor("F32", shape, f, null);
    }

    /** Integer tensor stored as I8 when every value fits a byte, else I32. */
    public static Tensor ofInts(int[] shape, int[] data) {
        boolean fitsByte = true;
        for (int v : data) {
            if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
                fitsByte = false;
                break;
            }
        }
        return new Tensor(fitsByte ? "I8" : "I32", shape, null, data);
    }

    static Tensor raw(String dtype, int[] shape, float[] floats, int[] ints) {
        return new Tensor(dtype, shape, floats, ints);
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    public String dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public boolean isFloat() {
        return floats != null;
    }

    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor of dtype " + dtype + " is not floating point");
        }
        return floats;
    }

    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException("tensor of dtype " + dtype + " is not integer");
        }
        return ints;
    }

    /** Values as doubles, whatever the dtype. */
    public double[] toDoubles() {
        int n = floats != null ? floats.length : ints.length;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = floats != null ? floats[i] : ints[i];
        }
        return d;
    }
}
