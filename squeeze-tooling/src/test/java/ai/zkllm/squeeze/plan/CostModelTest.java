package ai.zkllm.squeeze.plan;

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
import ai.zkllm.fhe.ring.RingBackends;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Prints per-op timings (the data behind {@link CostModel}); run with -Dzkllm.fhe.backend=java|native. */
class CostModelTest {
    @Test
    void measure() {
        RingBackend backend = RingBackends.preferred();
        Parameters p = Parameters.builder().logN(14).logScale(30).depth(8).dnum(2).build();
        CkksContext ctx = new CkksContext(p, backend);
        Encoder enc = new Encoder(ctx);
        KeyGenerator kg = new KeyGenerator(ctx, new SecureRandom());
        SecretKey sk = kg.secretKey();
        Evaluator ev = new Evaluator(ctx, kg.evaluationKeys(sk, 1));
        Encryptor en = new Encryptor(ctx, sk, new SecureRandom());
        double[] v = new double[p.slots()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(i);
        }
        int l = p.maxLevel();
        int limbs = l + 1;
        int reps = 20;
        for (int i = 0; i < 10; i++) {
            ev.relinearize(ev.multiply(en.encrypt(enc.encode(v, p.maxLevel(), p.scale())), en.encrypt(enc.encode(v, p.maxLevel(), p.scale()))));
        }
        long t0 = System.nanoTime();
        Plaintext pt = null;
        for (int i = 0; i < reps; i++) {
            pt = enc.encode(v, l, p.scale());
        }
        double encode = (System.nanoTime() - t0) / 1e6 / reps;
        t0 = System.nanoTime();
        Ciphertext c = null;
        for (int i = 0; i < reps; i++) {
            c = en.encrypt(pt);
        }
        double encrypt = (System.nanoTime() - t0) / 1e6 / reps;
        t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            ev.multiply(c, pt);
        }
        double ptMul = (System.nanoTime() - t0) / 1e6 / reps;
        t0 = System.nanoTime();
        Ciphertext cc = null;
        for (int i = 0; i < reps; i++) {
            cc = ev.multiply(c, c);
        }
        double ctMul = (System.nanoTime() - t0) / 1e6 / reps;
        t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            ev.relinearize(cc);
        }
        double ks = (System.nanoTime() - t0) / 1e6 / reps;
        t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            ev.rescale(c);
        }
        double rescale = (System.nanoTime() - t0) / 1e6 / reps;
        int alpha = p.alpha();
        int digits = (limbs + alpha - 1) / alpha;
        System.out.printf("%s level %d: encode %.2f ms, encrypt %.2f, ptMul %.2f, ctMul %.2f, keySwitch %.2f, rescale %.2f%n",
                backend.getClass().getSimpleName(), l, encode, encrypt, ptMul, ctMul, ks, rescale);
        System.out.printf("per limb: new CostModel(%.4f, %.4f, %.4f, %.4f, %.4f, %.4f)%n", ptMul / limbs,
                ctMul / limbs, encode / limbs, rescale / limbs, ks / ((limbs + alpha) * digits), encrypt / limbs);
    }
}
