package ai.zkllm.squeeze.compile;

import ai.zkllm.fhe.bench.FheBenchmark;
import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Encoder;
import ai.zkllm.fhe.ckks.Encryptor;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ckks.KeyGenerator;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ring.RingBackend;
import java.security.SecureRandom;

/**
 * Milliseconds per operation as a function of the level (limbs = level + 1), fitted to the
 * engine's own timings: linear ops cost {@code perLimb · limbs}, key switches (rotation,
 * relinearization) {@code keySwitchPerLimb · (limbs + α) · digits}, digits = ⌈limbs/α⌉.
 */
public record CostModel(double ptMulPerLimb, double ctMulPerLimb, double encodePerLimb, double rescalePerLimb,
        double keySwitchPerLimb, double encryptPerLimb) {
    /**
     * {@link #measure} on the Java backend at N = 2^14, level 8, one core of a shared 2-core box. The
     * shipped artifact is planned with these fixed figures so that recompiling it gives the same bytes.
     */
    public static final CostModel JAVA_N14 = new CostModel(0.18, 0.89, 1.66, 4.98, 3.79, 7.93);

    public double ptMul(int level) { return ptMulPerLimb * (level + 1); }
    public double ctMul(int level) { return ctMulPerLimb * (level + 1); }
    public double encode(int level) { return encodePerLimb * (level + 1); }
    public double rescale(int level) { return rescalePerLimb * (level + 1); }
    public double encrypt(int level) { return encryptPerLimb * (level + 1); }

    public double keySwitch(int level, int alpha) {
        int limbs = level + 1;
        int digits = (limbs + alpha - 1) / alpha;
        return keySwitchPerLimb * (limbs + alpha) * digits;
    }

    /** Scaled to the slots in use: the fitted coefficients are for N = 2^14. */
    public CostModel forLogN(int logN) {
        double f = Math.scalb(1.0, logN - 14) * (logN / 14.0);
        return new CostModel(ptMulPerLimb * f, ctMulPerLimb * f, encodePerLimb * f, rescalePerLimb * f,
                keySwitchPerLimb * f, encryptPerLimb * f);
    }

    /**
     * Fits the coefficients on {@code backend}: times each operation at N = 2^14, level 8 (dnum 2),
     * median of {@code reps} runs after warm-up, and divides by the limb count of its formula.
     */
    public static CostModel measure(RingBackend backend, int reps) {
        Parameters p = Parameters.builder().logN(14).logScale(30).depth(8).dnum(2).build();
        CkksContext context = new CkksContext(p, backend);
        Encoder encoder = new Encoder(context);
        KeyGenerator keys = new KeyGenerator(context, new SecureRandom());
        SecretKey sk = keys.secretKey();
        Evaluator ev = new Evaluator(context, keys.evaluationKeys(sk, 1));
        Encryptor encryptor = new Encryptor(context, sk, new SecureRandom());
        double[] values = new double[p.slots()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(i);
        }
        int level = p.maxLevel();
        Plaintext pt = encoder.encode(values, level, p.scale());
        Ciphertext ct = encryptor.encrypt(pt);
        Ciphertext product = ev.multiply(ct, ct);
        double encode = FheBenchmark.median(reps, reps, backend, () -> encoder.encode(values, level, p.scale()));
        double encrypt = FheBenchmark.median(reps, reps, backend, () -> encryptor.encrypt(pt));
        double ptMul = FheBenchmark.median(reps, reps, backend, () -> ev.multiply(ct, pt));
        double ctMul = FheBenchmark.median(reps, reps, backend, () -> ev.multiply(ct, ct));
        double keySwitch = FheBenchmark.median(reps, reps, backend, () -> ev.relinearize(product));
        double rescale = FheBenchmark.median(reps, reps, backend, () -> ev.rescale(ct));
        int limbs = level + 1;
        int alpha = p.alpha();
        int digits = (limbs + alpha - 1) / alpha;
        return new CostModel(ptMul / limbs, ctMul / limbs, encode / limbs, rescale / limbs,
                keySwitch / ((limbs + alpha) * digits), encrypt / limbs);
    }

    @Override
    public String toString() {
        return String.format("CostModel(ms per limb: ptMul %.4f, ctMul %.4f, encode %.4f, rescale %.4f, keySwitch %.4f,"
                + " encrypt %.4f)", ptMulPerLimb, ctMulPerLimb, encodePerLimb, rescalePerLimb, keySwitchPerLimb,
                encryptPerLimb);
    }
}
