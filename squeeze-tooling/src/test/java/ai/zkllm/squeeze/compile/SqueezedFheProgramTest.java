package ai.zkllm.squeeze.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.io.CanonicalDigest;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.LocalRunner;
import ai.zkllm.program.RoundLoop;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.squeeze.tool.Fidelity;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SqueezedFheProgramTest {
    @ParameterizedTest
    @EnumSource(SqueezeParams.Normalisation.class)
    void fheLogitsMatchPlaintextSqueezedModel(SqueezeParams.Normalisation normalisation) {
        SqueezedModel m = TinyModels.of(normalisation);
        Plan plan = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 4).compile(System.out::println);
        assertTrue(plan.parameters().securityBits() >= 128);
        SqueezedFheProgram p = new SqueezedFheProgram(m, plan, "test");
        long t0 = System.nanoTime();
        LocalRunner runner = new LocalRunner(p, RingBackends.preferred(), new SecureRandom())
                .observe(r -> System.out.printf("round %d: %.2f s, %d in, %d out%n", r.round(), r.seconds(),
                        r.prompt().getInputsCount(), r.response().getOutputsCount()));
        System.out.printf("keys: %.2f s, %d rotations%n", (System.nanoTime() - t0) / 1e9, p.rotationSteps().length);
        int[] ctx = {72, 101, 108, 108};
        t0 = System.nanoTime();
        double[] fhe = runner.nextTokenLogits(ctx);
        System.out.printf("token: %.2f s (T = %d, backend %s)%n", (System.nanoTime() - t0) / 1e9, ctx.length,
                RingBackends.preferred().getClass().getSimpleName());
        double[] plain = m.logits(ctx);
        double err = 0;
        double mag = 0;
        for (int i = 0; i < plain.length; i++) {
            err = Math.max(err, Math.abs(fhe[i] - plain[i]));
            mag = Math.max(mag, Math.abs(plain[i]));
        }
        System.out.printf("max logit error %.3e (max |logit| %.3f)%n", err, mag);
        assertTrue(err <= 1e-2, "max logit error " + err);
        assertEquals(Fidelity.argmax(plain), Fidelity.argmax(fhe));
    }

    /** The SHIPPED squeezed reference model (aligned, client normalisation) under 128-bit FHE. */
    @Test
    void shippedSqueezedModelUnderFheMatchesPlaintext() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("zkllm-shipped-sq");
        SqueezedModel m = ai.zkllm.program.squeezed.SqueezedModelIO.load(
                ai.zkllm.squeeze.tool.SqueezeTool.shippedSqueezed(dir.resolve("sq")));
        assertTrue(m.clientNormalised(), "the shipped model leaves softmax and LayerNorm to the client");
        Plan plan = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 4).compile(System.out::println);
        assertTrue(plan.parameters().securityBits() >= 128);
        SqueezedFheProgram p = new SqueezedFheProgram(m, plan, "shipped");
        LocalRunner runner = new LocalRunner(p, RingBackends.preferred(), new SecureRandom());
        int[] ctx = "The ".chars().toArray(); // byte-level vocabulary
        long t0 = System.nanoTime();
        double[] fhe = runner.nextTokenLogits(ctx);
        System.out.printf("shipped model token: %.2f s (T = %d)%n", (System.nanoTime() - t0) / 1e9, ctx.length);
        double[] plain = m.logits(ctx);
        double err = 0;
        for (int i = 0; i < plain.length; i++) {
            err = Math.max(err, Math.abs(fhe[i] - plain[i]));
        }
        System.out.printf("shipped model: max logit error %.3e, argmax %d%n", err, Fidelity.argmax(plain));
        assertTrue(err <= 1e-2, "max logit error " + err);
        assertEquals(Fidelity.argmax(plain), Fidelity.argmax(fhe));
    }

    @Test
    void polynomialLayerNormIsRefusedAtCompileTime() {
        SqueezedModel reference = TinyModels.reference();
        SqueezedModel m = reference.withLayer(1, reference.layer(1).withLn2(new ai.zkllm.program.squeezed.NormApprox(
                ai.zkllm.program.squeezed.Chebyshev.fit(v -> 1 / Math.sqrt(v), 0.1, 4, 3), null)));
        UnsupportedOperationException e = org.junit.jupiter.api.Assertions.assertThrows(
                UnsupportedOperationException.class, () -> new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 4));
        assertTrue(e.getMessage().contains("h.1.ln_2"), e.getMessage());
    }

    @Test
    void roundsAreDeterministic() throws Exception {
        SqueezedModel m = TinyModels.reference();
        Plan plan = new PlanCompiler(m, CostModel.JAVA_N14, 0.1, 4).compile(s -> { });
        SqueezedFheProgram p = new SqueezedFheProgram(m, plan, "test");
        List<RoundLoop.RoundTrip> trips = new ArrayList<>();
        LocalRunner runner = new LocalRunner(p, RingBackends.preferred(), new SecureRandom()).observe(trips::add);
        runner.nextTokenLogits(new int[] {5, 6, 7});
        FheCodec codec = new FheCodec(new CkksContext(p.parameters(), RingBackends.preferred()));
        CanonicalDigest digest = new CanonicalDigest(p.parameters());

        // a fresh program object and evaluator (a validator's replay) gives the bytes the runner's miner
        // delivered; the second round (scores) is the cheapest
        RoundLoop.RoundTrip scores = trips.get(1);
        SqueezedFheProgram replay = new SqueezedFheProgram(m, plan, "test");
        List<Ciphertext> b = replay.evaluate(1, inputs(codec, scores),
                new Evaluator(new CkksContext(p.parameters(), RingBackends.preferred()), runner.keys()));
        assertEquals(scores.response().getOutputsCount(), b.size());
        for (int i = 0; i < b.size(); i++) {
            assertArrayEquals(digest.digest(codec.ciphertextFromBytes(scores.response().getOutputs(i).getInline().toByteArray())),
                    digest.digest(b.get(i)), "output " + i);
        }
        // cached plaintext diagonals give the same bytes as encoding per call (round 0 has transforms)
        List<Ciphertext> in0 = inputs(codec, trips.get(0));
        SqueezedFheProgram cached = new SqueezedFheProgram(m, plan, "test", true);
        List<Ciphertext> c1 = cached.evaluate(0, in0, runner.evaluator());
        List<Ciphertext> c2 = cached.evaluate(0, in0, runner.evaluator());
        List<Ciphertext> u = p.evaluate(0, in0, runner.evaluator());
        for (int i = 0; i < u.size(); i++) {
            assertArrayEquals(digest.digest(u.get(i)), digest.digest(c1.get(i)), "cached output " + i);
            assertArrayEquals(digest.digest(u.get(i)), digest.digest(c2.get(i)), "cached output " + i);
        }
    }

    private static List<Ciphertext> inputs(FheCodec codec, RoundLoop.RoundTrip trip) throws Exception {
        List<Ciphertext> inputs = new ArrayList<>();
        for (var payload : trip.prompt().getInputsList()) {
            inputs.add(codec.ciphertextFromBytes(payload.getInline().toByteArray()));
        }
        return inputs;
    }
}
