package ai.zkllm.fhe.ckks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.zkllm.fhe.FheFixture;
import ai.zkllm.fhe.SeededRandom;
import ai.zkllm.fhe.circuits.DiagonalTransform;
import ai.zkllm.fhe.io.CanonicalDigest;
import ai.zkllm.fhe.ring.CudaRingBackend;
import ai.zkllm.fhe.ring.CudaTestBackend;
import ai.zkllm.fhe.ring.DeviceTraffic;
import ai.zkllm.fhe.ring.JavaRingBackend;
import ai.zkllm.fhe.ring.NativeLibrary;
import ai.zkllm.fhe.ring.NativeRingBackend;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RnsPoly;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decision 2 of DESIGN.md end to end: the same seeded keys and ciphertexts pushed through a
 * random depth-7 circuit on the Java and on the native (or cuda) backend give identical
 * ciphertexts at every step, so a validator can replay a miner's work by digest on either.
 */
class CrossBackendCircuitTest {
    private static final int[] STEPS = {1, 2, 5, -3, 17};

    @BeforeAll
    static void libraryLoads() {
        assumeFalse(Boolean.getBoolean("native.skip"), "built with -Dnative.skip=true");
        assertTrue(NativeLibrary.isAvailable(), NativeLibrary.failureReason());
    }

    @Test
    void randomCircuitIsBitIdenticalOnJavaAndNative() {
        for (RingBackend nativeBackend : new RingBackend[] {NativeRingBackend.create(), NativeRingBackend.scalarOnly()}) {
            runCircuit(FheFixture.small(11, 7, 3), nativeBackend, 2024);
        }
    }

    @Test
    void randomCircuitWithOneDigitPerPrimeIsBitIdentical() {
        runCircuit(FheFixture.small(10, 6, 6), NativeRingBackend.create(), 7);
    }

    /** Through the CUDA kernels' host emulation on a machine without a GPU. */
    @Test
    void randomCircuitIsBitIdenticalOnJavaAndCuda() {
        runCircuit(FheFixture.small(10, 6, 6), CudaTestBackend.shared(), 7);
    }

    /**
     * What keeping polynomials on the device is for: a round (hoisted rotations, plaintext products,
     * their sum, a rescale) moves its ciphertext up once, each plaintext's n coefficients (the device
     * makes their residues), and its result down once; the key switches move nothing once the keys
     * are there. The result equals Java's bit for bit.
     */
    @Test
    void aRoundOnCudaMovesItsInputsUpOnceAndItsResultDownOnce() {
        Parameters params = FheFixture.small(10, 4, 2);
        FheFixture java = new FheFixture(params, new JavaRingBackend(), STEPS);
        try (CudaRingBackend backend = CudaTestBackend.open()) {
            FheFixture cuda = new FheFixture(params, backend, STEPS);
            Random random = new Random(3);
            double[] values = new double[java.context.slots()];
            for (int round = 0; round < 2; round++) {  // the first round also brings the keys up
                for (int j = 0; j < values.length; j++) {
                    values[j] = 2 * random.nextDouble() - 1;
                }
                Ciphertext input = java.encrypt(values);
                Ciphertext onCuda = new Ciphertext(copies(input), input.level(), input.scale());  // as from the wire
                DeviceTraffic before = backend.traffic();
                Ciphertext expected = round(java, input, values);
                Ciphertext actual = round(cuda, onCuda, values);
                long plaintextBytes = STEPS.length * polyBytes(params, 0);  // an encoding's n coefficients, not its limbs
                long up = backend.traffic().since(before).bytesUp();
                assertCiphertextEquals("round " + round, new Ciphertext[] {expected, actual});
                long down = backend.traffic().since(before).bytesDown();
                if (round == 1) {
                    assertEquals(2 * polyBytes(params, input.level()) + plaintextBytes, up,
                            "bytes up: the ciphertext once, and each plaintext's coefficients");
                    assertEquals(2 * polyBytes(params, actual.level()), down, "bytes down: the result, once");
                }
            }
        }
    }

    /**
     * A matrix on a batch of sessions ({@link DiagonalTransform#sumEach}: hoisted baby steps, then every
     * giant step's rotations, in one batch of key switches on cuda, and a tree of sums) gives each session
     * its bytes alone, and every backend the same bytes, with its encodings cached too (on cuda every giant step's
     * sums then go to one operation); on cuda the batch needs fewer launches (46 of 102).
     */
    @Test
    void aBatchOfSessionsGetsItsMatrixBytesAloneOnEveryBackend() {
        Parameters params = FheFixture.small(10, 4, 2);
        Random random = new Random(5);
        Map<Integer, double[]> diagonals = new LinkedHashMap<>();
        int slots = 1 << 9;
        for (int k : new int[] {0, 1, 3, 4, 6, 9, 12, 13, 15, 19}) {  // stride 4: giant steps 0, 4, 8, 12, 16
            diagonals.put(k, random.doubles(slots, -1, 1).toArray());
        }
        DiagonalTransform matrix = new DiagonalTransform(slots, diagonals, 4);
        List<Ciphertext> reference = null;
        try (CudaRingBackend cuda = CudaTestBackend.open()) {
            for (RingBackend backend : new RingBackend[] {new JavaRingBackend(), NativeRingBackend.create(), cuda}) {
                CkksContext context = new CkksContext(params, backend);
                assertEquals(slots, context.slots());
                List<Evaluator> evaluators = new ArrayList<>();
                List<Ciphertext> inputs = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    KeyGenerator keys = new KeyGenerator(context, SeededRandom.of(30 + s));
                    SecretKey secret = keys.secretKey();
                    evaluators.add(new Evaluator(context, keys.evaluationKeys(secret, matrix.requiredRotations())));
                    double[] values = new Random(40 + s).doubles(slots, -1, 1).toArray();
                    inputs.add(new Encryptor(context, keys.publicKey(secret), SeededRandom.of(50 + s))
                            .encrypt(new Encoder(context).encode(values, context.maxLevel(), params.scale())));
                }
                DeviceTraffic start = cuda.traffic();
                List<Ciphertext> alone = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    alone.add(matrix.accumulate(evaluators.get(s),
                            DiagonalTransform.babyRotations(evaluators.get(s), inputs.get(s), matrix.babySteps())));
                }
                DeviceTraffic between = cuda.traffic();
                List<List<Map<Integer, Ciphertext>>> rotated = new ArrayList<>();
                for (Map<Integer, Ciphertext> each
                        : DiagonalTransform.babyRotationsEach(evaluators, inputs, matrix.babySteps())) {
                    rotated.add(List.of(each));
                }
                List<Ciphertext> batch = DiagonalTransform.sumEach(evaluators, List.of(matrix), rotated);
                long batchLaunches = cuda.traffic().since(between).launches();
                long aloneLaunches = between.since(start).launches();
                assertBatchIsEachAlone(backend, alone, batch, reference);
                // encodings cached (one context: a matrix per backend), where a GPU sums every giant step at once
                DiagonalTransform cached = new DiagonalTransform(slots, diagonals, 4, true);
                assertBatchIsEachAlone(backend, alone, DiagonalTransform.sumEach(evaluators, List.of(cached), rotated),
                        reference);
                reference = reference == null ? batch : reference;
                if (backend == cuda) {
                    assertTrue(batchLaunches < aloneLaunches, "launches of the batch " + batchLaunches
                            + ", of the sessions alone " + aloneLaunches);
                }
            }
        }
    }

    /**
     * Sessions in a batch: three sessions' ciphertexts, each under its own keys in one context,
     * rotated together (hoisted, by one step, and each by its own step, as a matrix's giant steps) and
     * added together give each session's bytes alone, on every backend. On cuda a batch shares its key
     * switches' ModUp, product and ModDown launches: the hoisted batch needs fewer launches than the
     * sessions alone (9 of 24 here, each session's steps already sharing theirs), and three rotations by
     * different steps at most half of what they need one by one (8 of 24).
     */
    @Test
    void aBatchOfSessionsRotatesAsEachAlone() {
        Parameters params = FheFixture.small(10, 4, 2);
        Map<Integer, Ciphertext>[] reference = null;
        try (CudaRingBackend cuda = CudaTestBackend.open()) {
            for (RingBackend backend : new RingBackend[] {new JavaRingBackend(), NativeRingBackend.create(), cuda}) {
                CkksContext context = new CkksContext(params, backend);
                List<Evaluator> evaluators = new ArrayList<>();
                List<Ciphertext> inputs = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    KeyGenerator keys = new KeyGenerator(context, SeededRandom.of(10 + s));
                    SecretKey secret = keys.secretKey();
                    evaluators.add(new Evaluator(context, keys.evaluationKeys(secret, STEPS)));
                    double[] values = new Random(s).doubles(context.slots(), -1, 1).toArray();
                    inputs.add(new Encryptor(context, keys.publicKey(secret), SeededRandom.of(20 + s))
                            .encrypt(new Encoder(context).encode(values, context.maxLevel(), params.scale())));
                }
                DeviceTraffic start = cuda.traffic();
                @SuppressWarnings("unchecked")
                Map<Integer, Ciphertext>[] alone = new Map[3];
                for (int s = 0; s < 3; s++) {
                    alone[s] = evaluators.get(s).rotateHoisted(inputs.get(s), STEPS);
                }
                DeviceTraffic between = cuda.traffic();
                List<Map<Integer, Ciphertext>> batch = Evaluator.rotateHoistedEach(evaluators, inputs, STEPS);
                long batchLaunches = cuda.traffic().since(between).launches();
                long aloneLaunches = between.since(start).launches();
                List<Ciphertext> oneStep = Evaluator.rotateEach(evaluators, inputs, STEPS[2]);
                int[] ownSteps = {STEPS[0], STEPS[3], STEPS[4]};
                DeviceTraffic beforeOwn = cuda.traffic();
                List<Ciphertext> ownAlone = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    ownAlone.add(evaluators.get(s).rotate(inputs.get(s), ownSteps[s]));
                }
                DeviceTraffic betweenOwn = cuda.traffic();
                List<Ciphertext> own = Evaluator.rotateEach(evaluators, inputs, ownSteps);
                long ownBatchLaunches = cuda.traffic().since(betweenOwn).launches();
                long ownAloneLaunches = betweenOwn.since(beforeOwn).launches();
                List<Ciphertext> sums = evaluators.get(0).addEach(inputs, oneStep);
                for (int s = 0; s < 3; s++) {
                    assertCiphertextEquals(backend.name() + " session " + s + ": sum",
                            new Ciphertext[] {evaluators.get(s).add(inputs.get(s), oneStep.get(s)), sums.get(s)});
                    for (int k : STEPS) {
                        String what = backend.name() + " session " + s + " step " + k;
                        assertCiphertextEquals(what + ": batch", new Ciphertext[] {alone[s].get(k), batch.get(s).get(k)});
                        if (reference != null) {
                            assertCiphertextEquals(what + ": java", new Ciphertext[] {reference[s].get(k), alone[s].get(k)});
                        }
                    }
                    assertCiphertextEquals(backend.name() + " session " + s + ": one step",
                            new Ciphertext[] {alone[s].get(STEPS[2]), oneStep.get(s)});
                    assertCiphertextEquals(backend.name() + " session " + s + ": its own step",
                            new Ciphertext[] {alone[s].get(ownSteps[s]), ownAlone.get(s)});
                    assertCiphertextEquals(backend.name() + " session " + s + ": its own step, batched",
                            new Ciphertext[] {ownAlone.get(s), own.get(s)});
                }
                reference = reference == null ? alone : reference;
                if (backend == cuda) {
                    assertTrue(batchLaunches < aloneLaunches, "launches of the batch " + batchLaunches
                            + ", of the sessions alone " + aloneLaunches);
                    assertTrue(2 * ownBatchLaunches <= ownAloneLaunches, "launches of rotations by their own steps "
                            + ownBatchLaunches + ", one by one " + ownAloneLaunches);
                }
            }
        }
    }

    /**
     * Rescales in a batch: sessions' ciphertexts of one level (one straight from a multiplication, with three
     * polynomials) rescaled together give each one's bytes alone, on every backend; on cuda the batch takes
     * the launches of one rescale, a third of the three alone. Ciphertexts of two levels are refused.
     */
    @Test
    void aBatchOfSessionsRescalesAsEachAlone() {
        Parameters params = FheFixture.small(10, 4, 2);
        List<Ciphertext> reference = null;
        try (CudaRingBackend cuda = CudaTestBackend.open()) {
            for (RingBackend backend : new RingBackend[] {new JavaRingBackend(), NativeRingBackend.create(), cuda}) {
                CkksContext context = new CkksContext(params, backend);
                KeyGenerator keys = new KeyGenerator(context, SeededRandom.of(60));
                SecretKey secret = keys.secretKey();
                Evaluator evaluator = new Evaluator(context, keys.evaluationKeys(secret, new int[0]));
                Encryptor encryptor = new Encryptor(context, keys.publicKey(secret), SeededRandom.of(61));
                List<Ciphertext> inputs = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    double[] values = new Random(70 + s).doubles(context.slots(), -1, 1).toArray();
                    inputs.add(encryptor.encrypt(new Encoder(context).encode(values, context.maxLevel(), params.scale())));
                }
                inputs.set(0, evaluator.multiply(inputs.get(0), inputs.get(1)));
                DeviceTraffic start = cuda.traffic();
                List<Ciphertext> alone = new ArrayList<>();
                for (Ciphertext input : inputs) {
                    alone.add(evaluator.rescale(input));
                }
                DeviceTraffic between = cuda.traffic();
                List<Ciphertext> batch = evaluator.rescaleEach(inputs);
                long batchLaunches = cuda.traffic().since(between).launches();
                long aloneLaunches = between.since(start).launches();
                assertBatchIsEachAlone(backend, alone, batch, reference);
                assertEquals(3, batch.get(0).size(), "a product's three polynomials, rescaled");
                reference = reference == null ? batch : reference;
                if (backend == cuda) {
                    assertEquals(aloneLaunches, 3 * batchLaunches, "launches of the batch " + batchLaunches
                            + ", of the sessions alone " + aloneLaunches);
                }
                List<Ciphertext> twoLevels = List.of(inputs.get(1), alone.get(2));
                assertThrows(IllegalArgumentException.class, () -> evaluator.rescaleEach(twoLevels));
            }
        }
    }

    /** Rotations of a by STEPS, each times a plaintext of values, summed and rescaled. */
    private static Ciphertext round(FheFixture f, Ciphertext a, double[] values) {
        Map<Integer, Ciphertext> rotated = f.evaluator.rotateHoisted(a, STEPS);
        Ciphertext sum = null;
        for (int k : STEPS) {
            Plaintext p = f.encoder.encode(values, a.level(), f.context.qModulus(a.level()).value());
            Ciphertext term = f.evaluator.multiply(rotated.get(k), p);
            sum = sum == null ? term : f.evaluator.add(sum, term);
        }
        return f.evaluator.rescale(sum);
    }

    private static RnsPoly[] copies(Ciphertext c) {
        RnsPoly[] polys = new RnsPoly[c.size()];
        for (int i = 0; i < polys.length; i++) {
            polys[i] = c.poly(i).copy();
        }
        return polys;
    }

    private static long polyBytes(Parameters params, int level) {
        return 8L * (level + 1) << params.logN();
    }

    private static void runCircuit(Parameters params, RingBackend nativeBackend, long seed) {
        FheFixture java = new FheFixture(params, new JavaRingBackend(), STEPS);
        FheFixture nat = new FheFixture(params, nativeBackend, STEPS);
        assertEquals(java.secretKey.poly(), nat.secretKey.poly(), "secret key");
        assertEquals(java.publicKey.b(), nat.publicKey.b(), "public key b");
        assertEquals(java.publicKey.a(), nat.publicKey.a(), "public key a");
        assertKeyEquals("relinearization key", java.evaluationKeys.relinearization().key(), nat.evaluationKeys.relinearization().key());
        for (int g : java.evaluationKeys.galois().elements()) {
            assertKeyEquals("galois key " + g, java.evaluationKeys.galois().get(g), nat.evaluationKeys.galois().get(g));
        }

        Random random = new Random(seed);
        int slots = java.context.slots();
        List<Ciphertext[]> pool = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            double[] values = new double[slots];
            for (int j = 0; j < slots; j++) {
                values[j] = 2 * random.nextDouble() - 1;
            }
            int level = java.context.maxLevel();
            double scale = java.context.params().scale();
            Plaintext pj = java.encoder.encode(values, level, scale);
            Plaintext pn = nat.encoder.encode(values, level, scale);
            assertEquals(pj.poly(), pn.poly(), "encoded plaintext");
            Ciphertext[] pair = i == 2
                    ? new Ciphertext[] {java.secretEncryptor.encrypt(pj), nat.secretEncryptor.encrypt(pn)}
                    : new Ciphertext[] {java.encryptor.encrypt(pj), nat.encryptor.encrypt(pn)};
            assertCiphertextEquals("fresh " + i, pair);
            pool.add(pair);
        }

        int maxDepthReached = 0;
        for (int step = 0; step < 60; step++) {
            Ciphertext[] a = pool.get(random.nextInt(pool.size()));
            Ciphertext[] b = pool.get(random.nextInt(pool.size()));
            int op = random.nextInt(10);
            String name;
            Ciphertext[] result;
            boolean canMultiply = a[0].level() > 0 && b[0].level() > 0;
            if ((op == 0 || op == 1) && canMultiply) {
                name = "mul_relin+rescale";
                // Bring both to one scale first: rescaling chains may differ, so multiply a by itself.
                Ciphertext[] product = {java.evaluator.multiply(a[0], a[0]), nat.evaluator.multiply(a[1], a[1])};
                assertCiphertextEquals(step + " tensor", product);
                Ciphertext[] relin = {java.evaluator.relinearize(product[0]), nat.evaluator.relinearize(product[1])};
                assertCiphertextEquals(step + " relinearize", relin);
                result = new Ciphertext[] {java.evaluator.rescale(relin[0]), nat.evaluator.rescale(relin[1])};
            } else if (op == 2 && canMultiply) {
                name = "plaintext mult+rescale";
                double[] values = new double[slots];
                for (int j = 0; j < slots; j++) {
                    values[j] = random.nextDouble();
                }
                int level = a[0].level();
                Plaintext pj = java.encoder.encode(values, level, java.context.qModulus(level).value());
                Plaintext pn = nat.encoder.encode(values, level, nat.context.qModulus(level).value());
                Ciphertext[] product = {java.evaluator.multiply(a[0], pj), nat.evaluator.multiply(a[1], pn)};
                assertCiphertextEquals(step + " plaintext product", product);
                result = new Ciphertext[] {java.evaluator.rescale(product[0]), nat.evaluator.rescale(product[1])};
            } else if (op == 3) {
                int k = STEPS[random.nextInt(STEPS.length)];
                name = "rotate " + k;
                result = new Ciphertext[] {java.evaluator.rotate(a[0], k), nat.evaluator.rotate(a[1], k)};
            } else if (op == 4) {
                name = "hoisted rotations";
                Map<Integer, Ciphertext> rj = java.evaluator.rotateHoisted(a[0], STEPS);
                Map<Integer, Ciphertext> rn = nat.evaluator.rotateHoisted(a[1], STEPS);
                for (int k : STEPS) {
                    assertCiphertextEquals(step + " hoisted " + k, new Ciphertext[] {rj.get(k), rn.get(k)});
                }
                Ciphertext sj = rj.get(STEPS[0]);
                Ciphertext sn = rn.get(STEPS[0]);
                for (int i = 1; i < STEPS.length; i++) {
                    sj = java.evaluator.add(sj, rj.get(STEPS[i]));
                    sn = nat.evaluator.add(sn, rn.get(STEPS[i]));
                }
                result = new Ciphertext[] {sj, sn};
            } else if (op == 5) {
                name = "conjugate";
                result = new Ciphertext[] {java.evaluator.conjugate(a[0]), nat.evaluator.conjugate(a[1])};
            } else if (op == 6 && sameScale(a[0], b[0])) {
                name = "add";
                result = new Ciphertext[] {java.evaluator.add(a[0], b[0]), nat.evaluator.add(a[1], b[1])};
            } else if (op == 7 && sameScale(a[0], b[0])) {
                name = "sub";
                result = new Ciphertext[] {java.evaluator.sub(a[0], b[0]), nat.evaluator.sub(a[1], b[1])};
            } else if (op == 8 && a[0].level() > 0) {
                double c = random.nextDouble() - 0.5;
                name = "constant mult+rescale";
                Ciphertext[] product = {java.evaluator.multiplyConstant(a[0], c), nat.evaluator.multiplyConstant(a[1], c)};
                assertCiphertextEquals(step + " constant product", product);
                result = new Ciphertext[] {java.evaluator.rescale(product[0]), nat.evaluator.rescale(product[1])};
            } else {
                double c = random.nextDouble();
                name = "add constant, negate, integer mult";
                Ciphertext[] sum = {java.evaluator.add(a[0], c), nat.evaluator.add(a[1], c)};
                assertCiphertextEquals(step + " add constant", sum);
                Ciphertext[] negated = {java.evaluator.negate(sum[0]), nat.evaluator.negate(sum[1])};
                assertCiphertextEquals(step + " negate", negated);
                result = new Ciphertext[] {java.evaluator.multiplyInteger(negated[0], -2),
                        nat.evaluator.multiplyInteger(negated[1], -2)};
            }
            assertCiphertextEquals(step + " " + name, result);
            maxDepthReached = Math.max(maxDepthReached, java.context.maxLevel() - result[0].level());
            if (result[0].level() > 0 || pool.size() < 3) {
                pool.add(result);
            }
            if (pool.size() > 6) {
                pool.remove(random.nextInt(3));
            }
        }
        assertTrue(maxDepthReached >= 6, "the circuit reached depth " + maxDepthReached);
        // What a validator compares: the canonical digests of the miner's and its own outputs.
        CanonicalDigest digest = new CanonicalDigest(java.context.params());
        for (Ciphertext[] pair : pool) {
            assertArrayEquals(digest.digest(pair[0]), digest.digest(pair[1]), "ciphertext digest");
            Plaintext dj = java.decryptor.decrypt(pair[0]);
            Plaintext dn = nat.decryptor.decrypt(pair[1]);
            assertEquals(dj.poly(), dn.poly(), "decrypted plaintext");
            assertArrayEquals(java.encoder.decode(dj), nat.encoder.decode(dn), "decoded slots");
        }
    }

    private static boolean sameScale(Ciphertext a, Ciphertext b) {
        return Math.abs(a.scale() - b.scale()) <= Evaluator.SCALE_TOLERANCE * Math.max(a.scale(), b.scale());
    }

    /** Each session's result of a batch is its result alone, and (reference not null) java's. */
    private static void assertBatchIsEachAlone(RingBackend backend, List<Ciphertext> alone, List<Ciphertext> batch,
            List<Ciphertext> reference) {
        for (int s = 0; s < alone.size(); s++) {
            String what = backend.name() + " session " + s;
            assertCiphertextEquals(what + ": batch", new Ciphertext[] {alone.get(s), batch.get(s)});
            if (reference != null) {
                assertCiphertextEquals(what + ": java", new Ciphertext[] {reference.get(s), batch.get(s)});
            }
        }
    }

    private static void assertKeyEquals(String what, SwitchingKey a, SwitchingKey b) {
        assertEquals(a.digitCount(), b.digitCount(), what);
        for (int j = 0; j < a.digitCount(); j++) {
            assertEquals(a.b(j), b.b(j), what + " b" + j);
            assertEquals(a.a(j), b.a(j), what + " a" + j);
        }
    }

    private static void assertCiphertextEquals(String what, Ciphertext[] pair) {
        Ciphertext a = pair[0];
        Ciphertext b = pair[1];
        assertEquals(a.size(), b.size(), what + ": size");
        assertEquals(a.level(), b.level(), what + ": level");
        assertEquals(a.scale(), b.scale(), what + ": scale");
        for (int i = 0; i < a.size(); i++) {
            RnsPoly pa = a.poly(i);
            RnsPoly pb = b.poly(i);
            assertEquals(pa.limbCount(), pb.limbCount(), what + ": limbs of poly " + i);
            for (int l = 0; l < pa.limbCount(); l++) {
                assertArrayEquals(pa.limb(l), pb.limb(l), what + ": poly " + i + " limb " + l);
            }
            assertEquals(pa, pb, what + ": poly " + i);
        }
    }
}
