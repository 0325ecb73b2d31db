package ai.zkllm.fhe.io;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.fhe.ckks.PublicKey;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ckks.SwitchingKey;
import ai.zkllm.fhe.ring.RnsPoly;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * SHA-256 over the canonical encoding of engine objects: a byte layout of our own, independent of
 * protobuf's wire encoding (whose field order and varints are not unique), so that the same
 * mathematical object has one digest on every machine and backend. The encoding is only ever
 * hashed, never stored, and is streamed into the hash without being materialized.
 *
 * <p>Format version 1; all integers little-endian, u32/u64 unsigned, {@code id} = the 32 raw
 * bytes of {@link Parameters#id()}:
 * <pre>
 * header          = "ZKFH" ‖ u8 version (1) ‖ u8 type tag
 * poly            = u8 ntt (0|1) ‖ u32 limb count ‖ u32 N ‖ every limb in order: N × u32 residue
 * parameters (1)  = header ‖ u32 logN ‖ u32 logScale ‖ u32 dnum ‖ u32 |Q| ‖ |Q| × u64 q
 *                   ‖ u32 |P| ‖ |P| × u64 p ‖ u8 insecureForTests
 * plaintext (2)   = header ‖ id ‖ u32 level ‖ u64 IEEE-754 bits of scale ‖ poly
 * ciphertext (3)  = header ‖ id ‖ u32 level ‖ u64 IEEE-754 bits of scale ‖ u32 count ‖ count × poly
 * public key (4)  = header ‖ id ‖ 32-byte seed ‖ poly b
 * switching key(5)= header ‖ id ‖ 32-byte seed ‖ u32 digits ‖ digits × poly b_j
 * eval keys (6)   = header ‖ id ‖ u8 has relinearization key ‖ [32-byte digest of it]
 *                   ‖ u32 count ‖ count × (u32 galois element ‖ 32-byte digest of its key), ascending
 * secret key (7)  = header ‖ id ‖ poly s
 * </pre>
 *
 * <p>Decisions: a ciphertext is hashed in expanded form, without its seed, so a seeded fresh
 * ciphertext and its expanded copy have the same digest (validators hash evaluator outputs, which
 * never carry a seed). Keys always carry their seed, which determines every {@code a}: hashing the
 * seed instead of the {@code a} halves halves the work for keys of gigabytes. Evaluation keys hash
 * the digests of their keys, so each key can also be referenced and checked alone.
 */
public final class CanonicalDigest {
    public static final int FORMAT_VERSION = 1;
    public static final int DIGEST_BYTES = 32;

    private static final byte[] MAGIC = "ZKFH".getBytes(StandardCharsets.US_ASCII);
    private static final int PARAMETERS = 1;
    private static final int PLAINTEXT = 2;
    private static final int CIPHERTEXT = 3;
    private static final int PUBLIC_KEY = 4;
    private static final int SWITCHING_KEY = 5;
    private static final int EVALUATION_KEYS = 6;
    private static final int SECRET_KEY = 7;

    private final byte[] parameterId;

    /** A digester for objects of the given parameter set. */
    public CanonicalDigest(Parameters params) {
        this.parameterId = HexFormat.of().parseHex(params.id());
    }

    public static byte[] digest(Parameters params) {
        Sink sink = new Sink(PARAMETERS);
        sink.u32(params.logN()).u32(params.logScale()).u32(params.dnum());
        sink.u32(params.qPrimes().size());
        params.qPrimes().forEach(sink::u64);
        sink.u32(params.pPrimes().size());
        params.pPrimes().forEach(sink::u64);
        sink.u8(params.insecureForTests() ? 1 : 0);
        return sink.finish();
    }

    public byte[] digest(Plaintext pt) {
        Sink sink = start(PLAINTEXT);
        sink.u32(pt.level()).u64(Double.doubleToLongBits(pt.scale())).poly(pt.poly());
        return sink.finish();
    }

    public byte[] digest(Ciphertext ct) {
        Sink sink = start(CIPHERTEXT);
        sink.u32(ct.level()).u64(Double.doubleToLongBits(ct.scale())).u32(ct.size());
        for (int i = 0; i < ct.size(); i++) {
            sink.poly(ct.poly(i));
        }
        return sink.finish();
    }

    public byte[] digest(PublicKey pk) {
        Sink sink = start(PUBLIC_KEY);
        sink.bytes(pk.seed()).poly(pk.b());
        return sink.finish();
    }

    public byte[] digest(SwitchingKey key) {
        Sink sink = start(SWITCHING_KEY);
        sink.bytes(key.seed()).u32(key.digitCount());
        for (int j = 0; j < key.digitCount(); j++) {
            sink.poly(key.b(j));
        }
        return sink.finish();
    }

    public byte[] digest(EvaluationKeys keys) {
        byte[] relinearization = keys.relinearization() == null ? null : digest(keys.relinearization().key());
        SortedMap<Integer, byte[]> galois = new TreeMap<>();
        for (int g : keys.galois().elements()) {
            galois.put(g, digest(keys.galois().get(g)));
        }
        return evaluationKeysDigest(relinearization, galois);
    }

    /**
     * The evaluation-key digest from the digests of its keys (relinearization may be null), for
     * readers that have already checked each key's digest and need not hash the keys again.
     */
    byte[] evaluationKeysDigest(byte[] relinearization, SortedMap<Integer, byte[]> galoisDigests) {
        Sink sink = start(EVALUATION_KEYS);
        sink.u8(relinearization == null ? 0 : 1);
        if (relinearization != null) {
            sink.bytes(relinearization);
        }
        sink.u32(galoisDigests.size());
        for (Map.Entry<Integer, byte[]> e : galoisDigests.entrySet()) {
            sink.u32(e.getKey()).bytes(e.getValue());
        }
        return sink.finish();
    }

    public byte[] digest(SecretKey sk) {
        Sink sink = start(SECRET_KEY);
        sink.poly(sk.poly());
        return sink.finish();
    }

    private Sink start(int type) {
        Sink sink = new Sink(type);
        sink.bytes(parameterId);
        return sink;
    }

    /** Little-endian writes buffered into SHA-256. */
    private static final class Sink {
        private final MessageDigest sha;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        Sink(int type) {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 unavailable", e);
            }
            bytes(MAGIC).u8(FORMAT_VERSION).u8(type);
        }

        Sink u8(int v) {
            room(1).put((byte) v);
            return this;
        }

        Sink u32(int v) {
            room(4).putInt(v);
            return this;
        }

        Sink u64(long v) {
            room(8).putLong(v);
            return this;
        }

        /** Short values only (magic, ids, seeds, digests): they must fit the buffer. */
        Sink bytes(byte[] b) {
            room(b.length).put(b);
            return this;
        }

        /** Residues are below 2^31, so the low 32 bits are the whole value. */
        Sink poly(RnsPoly p) {
            u8(p.isNtt() ? 1 : 0).u32(p.limbCount()).u32(p.n());
            for (long[] limb : p.limbs()) {
                for (long residue : limb) {
                    room(4).putInt((int) residue);
                }
            }
            return this;
        }

        byte[] finish() {
            flush();
            return sha.digest();
        }

        private ByteBuffer room(int bytes) {
            if (buffer.remaining() < bytes) {
                flush();
            }
            return buffer;
        }

        private void flush() {
            sha.update(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
    }
}
