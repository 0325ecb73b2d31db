package ai.zkllm.operators.inference;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.GaloisKeys;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.RelinearizationKey;
import ai.zkllm.fhe.ckks.SwitchingKey;
import ai.zkllm.fhe.ring.RnsPoly;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal canonical binary encoding, big-endian and length-prefixed:
 * <pre>
 * ciphertext : "ZKC1" u8 size(2|3) u8 level f64 scale u8 hasSeed [32 seed] poly*size
 * eval keys  : "ZKK1" u8 hasRelin [switchingKey] u32 galoisCount (u32 element, switchingKey)*
 * switchKey  : u8 digits u8 seedLength seed poly(b)*digits poly(a)*digits
 * poly       : u8 limbs, then limbs x N residues as u32 (every prime is below 2^31), NTT form
 * </pre>
 * Every count, level, residue (below its prime) and the exact total length is checked.
 * A stand-in for the engine's protobuf codec; it does not compress seeded components.
 */
public final class SimpleFheCodec implements FheCodec {
    private static final long serialVersionUID = 1L;
    private static final int CT_MAGIC = 0x5A4B4331; // ZKC1
    private static final int KEY_MAGIC = 0x5A4B4B31; // ZKK1
    private static final int SEED_BYTES = 32;

    @Override
    public byte[] encodeCiphertext(Ciphertext ct) {
        int n = ct.poly(0).n();
        int limbs = ct.level() + 1;
        byte[] seed = ct.seed();
        long total = 4 + 1 + 1 + 8 + 1 + (seed == null ? 0 : SEED_BYTES) + ct.size() * (1 + 4L * limbs * n);
        require(total < Integer.MAX_VALUE - 16, "ciphertext too large for one array");
        ByteBuffer buf = ByteBuffer.allocate((int) total);
        buf.putInt(CT_MAGIC).put((byte) ct.size()).put((byte) ct.level()).putDouble(ct.scale());
        buf.put((byte) (seed == null ? 0 : 1));
        if (seed != null) {
            buf.put(seed);
        }
        for (int i = 0; i < ct.size(); i++) {
            writePoly(buf, ct.poly(i));
        }
        return buf.array();
    }

    @Override
    public Ciphertext decodeCiphertext(byte[] bytes, Parameters params) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            require(buf.getInt() == CT_MAGIC, "not a ciphertext (bad magic)");
            int size = buf.get() & 0xff;
            require(size == 2 || size == 3, "ciphertext size must be 2 or 3, got " + size);
            int level = buf.get() & 0xff;
            require(level <= params.maxLevel(), "level " + level + " above the parameter set's " + params.maxLevel());
            double scale = buf.getDouble();
            require(scale > 0 && Double.isFinite(scale) && scale < 0x1p200, "scale out of range: " + scale);
            byte[] seed = readSeed(buf);
            RnsPoly[] polys = new RnsPoly[size];
            for (int i = 0; i < size; i++) {
                polys[i] = readPoly(buf, params, level + 1, false);
            }
            require(!buf.hasRemaining(), buf.remaining() + " trailing bytes after the ciphertext");
            return new Ciphertext(polys, level, scale, seed);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated ciphertext", e);
        }
    }

    @Override
    public byte[] encodeEvaluationKeys(EvaluationKeys keys) {
        long total = 4 + 1 + 4;
        if (keys.relinearization() != null) {
            total += switchingKeySize(keys.relinearization().key());
        }
        for (int g : keys.galois().elements()) {
            total += 4 + switchingKeySize(keys.galois().get(g));
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("evaluation keys too large for one array: " + total + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total);
        buf.putInt(KEY_MAGIC).put((byte) (keys.relinearization() == null ? 0 : 1));
        if (keys.relinearization() != null) {
            writeSwitchingKey(buf, keys.relinearization().key());
        }
        buf.putInt(keys.galois().elements().size());
        for (int g : keys.galois().elements()) {
            buf.putInt(g);
            writeSwitchingKey(buf, keys.galois().get(g));
        }
        return buf.array();
    }

    @Override
    public EvaluationKeys decodeEvaluationKeys(byte[] bytes, Parameters params) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            require(buf.getInt() == KEY_MAGIC, "not evaluation keys (bad magic)");
            int hasRelin = buf.get();
            require(hasRelin == 0 || hasRelin == 1, "bad relinearization flag");
            RelinearizationKey relin = hasRelin == 1 ? new RelinearizationKey(readSwitchingKey(buf, params)) : null;
            int count = buf.getInt();
            int twoN = 2 * params.n();
            require(count >= 0 && count <= params.n(), "bad Galois key count " + count);
            Map<Integer, SwitchingKey> galois = new TreeMap<>();
            int previous = 0;
            for (int i = 0; i < count; i++) {
                int g = buf.getInt();
                require(g > previous && g < twoN && (g & 1) == 1, "bad or unordered Galois element " + g);
                previous = g;
                galois.put(g, readSwitchingKey(buf, params));
            }
            require(!buf.hasRemaining(), buf.remaining() + " trailing bytes after the evaluation keys");
            return new EvaluationKeys(relin, new GaloisKeys(galois));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated evaluation keys", e);
        }
    }

    // ---- pieces ----

    private static long switchingKeySize(SwitchingKey key) {
        long poly = 1 + 4L * key.b(0).limbCount() * key.b(0).n();
        return 1 + 1 + key.seed().length + 2L * key.digitCount() * poly;
    }

    private static void writeSwitchingKey(ByteBuffer buf, SwitchingKey key) {
        byte[] seed = key.seed();
        buf.put((byte) key.digitCount()).put((byte) seed.length).put(seed);
        for (int j = 0; j < key.digitCount(); j++) {
            writePoly(buf, key.b(j));
        }
        for (int j = 0; j < key.digitCount(); j++) {
            writePoly(buf, key.a(j));
        }
    }

    private static SwitchingKey readSwitchingKey(ByteBuffer buf, Parameters params) {
        int digits = buf.get() & 0xff;
        require(digits == params.dnum(), "switching key has " + digits + " digits, the parameter set " + params.dnum());
        int seedLength = buf.get() & 0xff;
        require(seedLength == SEED_BYTES, "switching key seed must be " + SEED_BYTES + " bytes");
        byte[] seed = new byte[seedLength];
        buf.get(seed);
        int qp = params.qPrimes().size() + params.pPrimes().size();
        RnsPoly[] b = new RnsPoly[digits];
        RnsPoly[] a = new RnsPoly[digits];
        for (int j = 0; j < digits; j++) {
            b[j] = readPoly(buf, params, qp, true);
        }
        for (int j = 0; j < digits; j++) {
            a[j] = readPoly(buf, params, qp, true);
        }
        return new SwitchingKey(b, a, seed);
    }

    private static byte[] readSeed(ByteBuffer buf) {
        int hasSeed = buf.get();
        require(hasSeed == 0 || hasSeed == 1, "bad seed flag");
        if (hasSeed == 0) {
            return null;
        }
        byte[] seed = new byte[SEED_BYTES];
        buf.get(seed);
        return seed;
    }

    /** Writes a polynomial's limbs as unsigned 32-bit residues. */
    public static void writePoly(ByteBuffer buf, RnsPoly poly) {
        buf.put((byte) poly.limbCount());
        for (int i = 0; i < poly.limbCount(); i++) {
            for (long v : poly.limb(i)) {
                buf.putInt((int) v);
            }
        }
    }

    /**
     * Reads {@code limbs} limbs of a polynomial in NTT form: limb i must be reduced modulo the i-th
     * prime of the chain (or, with {@code qp}, of chain + special primes).
     */
    public static RnsPoly readPoly(ByteBuffer buf, Parameters params, int limbs, boolean qp) {
        int count = buf.get() & 0xff;
        require(count == limbs, "polynomial has " + count + " limbs, expected " + limbs);
        int n = params.n();
        require((long) limbs * n * 4 <= buf.remaining(), "truncated polynomial");
        long[][] out = new long[limbs][n];
        for (int i = 0; i < limbs; i++) {
            long q = prime(params, i, qp);
            long[] limb = out[i];
            for (int k = 0; k < n; k++) {
                long v = buf.getInt() & 0xffffffffL;
                if (v >= q) {
                    throw new IllegalArgumentException("residue " + v + " not reduced modulo " + q);
                }
                limb[k] = v;
            }
        }
        return new RnsPoly(out, true);
    }

    private static long prime(Parameters params, int i, boolean qp) {
        int chain = params.qPrimes().size();
        if (i < chain) {
            return params.qPrimes().get(i);
        }
        require(qp && i - chain < params.pPrimes().size(), "limb index " + i + " beyond the modulus chain");
        return params.pPrimes().get(i - chain);
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
