package ai.zkllm.fhe.io;

import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.schemas.v1.RnsPolynomial;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

/**
 * {@link RnsPoly} to and from {@link RnsPolynomial}: one bytes field per limb holding its N residues
 * packed at the bit width of the limb's prime (w_i = bit length of q_i - 1), least significant bit
 * first. Primes of 30 bits then cost 30 bits a residue, not 32; since N is a power of two of at least
 * 8, a limb fills its N·w_i / 8 bytes exactly and there are no padding bits. Decoding is the single
 * place where untrusted residues become engine data, so it checks the limb count, the NTT flag,
 * every limb's length against the ring degree and every residue against its prime before handing
 * anything on.
 */
final class PolynomialCodec {
    private PolynomialCodec() {
    }

    /** Bits a residue of prime {@code q} takes on the wire. */
    static int residueBits(long q) {
        return 64 - Long.numberOfLeadingZeros(q - 1);
    }

    /** Bytes of one limb of prime {@code q} in ring degree {@code n}. */
    static int limbBytes(long q, int n) {
        return (int) ((long) n * residueBits(q) / 8);
    }

    static RnsPolynomial toProto(RnsPoly poly, RingContext ring) {
        RnsPolynomial.Builder out = RnsPolynomial.newBuilder().setNtt(poly.isNtt());
        long[][] limbs = poly.limbs();
        for (int i = 0; i < limbs.length; i++) {
            // The array is ours alone and never written again, so wrapping it without a copy is safe.
            out.addLimbs(UnsafeByteOperations.unsafeWrap(pack(limbs[i], residueBits(ring.modulus(i).value()))));
        }
        return out.build();
    }

    /**
     * The polynomial over primes 0..limbCount-1 of the ring, in NTT form.
     *
     * @param field the message field, for error messages (e.g. "FheCiphertext.polys[0]")
     */
    static RnsPoly fromProto(RnsPolynomial proto, String field, RingContext ring, int limbCount) {
        if (limbCount > ring.primeCount()) {
            throw new IllegalStateException("caller asked for " + limbCount + " limbs of a ring with "
                    + ring.primeCount() + " primes");
        }
        if (proto.getLimbsCount() != limbCount) {
            throw new InvalidFheDataException(field + " has " + proto.getLimbsCount() + " limbs, expected " + limbCount);
        }
        if (proto.getDroppedBits() != 0) {
            throw new InvalidFheDataException(field + " has dropped_bits = " + proto.getDroppedBits()
                    + "; only c_0 of a level-0 ciphertext may drop bits");
        }
        if (!proto.getNtt()) {
            throw new InvalidFheDataException(field + " must be in NTT form (ntt = true)");
        }
        int n = ring.n();
        for (int i = 0; i < limbCount; i++) {
            long q = ring.modulus(i).value();
            int bytes = proto.getLimbs(i).size();
            if (bytes != limbBytes(q, n)) {
                throw new InvalidFheDataException(field + ".limbs[" + i + "] has " + bytes + " bytes, expected N·"
                        + residueBits(q) + "/8 = " + limbBytes(q, n) + " for ring degree N = " + n + " and the "
                        + residueBits(q) + "-bit prime q_" + i);
            }
        }
        long[][] limbs = new long[limbCount][];
        for (int i = 0; i < limbCount; i++) {
            long q = ring.modulus(i).value();
            limbs[i] = unpack(proto.getLimbs(i), n, residueBits(q));
            for (int j = 0; j < n; j++) {
                if (limbs[i][j] >= q) {
                    throw new InvalidFheDataException(field + ".limbs[" + i + "] coefficient " + j + " = "
                            + limbs[i][j] + " is not below its prime q_" + i + " = " + q);
                }
            }
        }
        return new RnsPoly(limbs, true);
    }

    /**
     * One limb in coefficient form, each coefficient c rounded to the nearest multiple of 2^k modulo
     * q and sent as that multiple's top bits: round(c / 2^k), or 0 where the multiple would reach q
     * (c is then within 2^(k-1) of q, that is of 0 mod q). So every coefficient moves by at most
     * 2^(k-1), and {@link #fromRoundedProto} gives back exactly the rounded values.
     *
     * @param coefficients residues below q in coefficient form; rounded in place
     */
    static RnsPolynomial toRoundedProto(long[] coefficients, long q, int droppedBits) {
        long half = 1L << (droppedBits - 1);
        long[] top = new long[coefficients.length];
        for (int j = 0; j < coefficients.length; j++) {
            long t = (coefficients[j] + half) >>> droppedBits;
            top[j] = t << droppedBits >= q ? 0 : t;
            coefficients[j] = top[j] << droppedBits;
        }
        return RnsPolynomial.newBuilder()
                .addLimbs(UnsafeByteOperations.unsafeWrap(pack(top, residueBits(q) - droppedBits)))
                .setDroppedBits(droppedBits)
                .build();
    }

    /**
     * c_0 of a level-0 ciphertext written by {@link #toRoundedProto}, back in NTT form; checks the
     * limb count, the form, the bits dropped (exactly {@code droppedBits}), the length and every
     * value before the ring sees it.
     */
    static RnsPoly fromRoundedProto(RnsPolynomial proto, String field, RingContext ring, int droppedBits) {
        if (proto.getDroppedBits() != droppedBits) {
            throw new InvalidFheDataException(field + " has dropped_bits = " + proto.getDroppedBits()
                    + ", expected " + droppedBits + " for ring degree N = " + ring.n());
        }
        if (proto.getLimbsCount() != 1) {
            throw new InvalidFheDataException(field + " drops bits but has " + proto.getLimbsCount()
                    + " limbs; only a level-0 ciphertext (1 limb) may drop bits");
        }
        if (proto.getNtt()) {
            throw new InvalidFheDataException(field + " drops bits, so it must be in coefficient form (ntt = false)");
        }
        int n = ring.n();
        long q = ring.modulus(0).value();
        int bits = residueBits(q) - droppedBits;
        int bytes = proto.getLimbs(0).size();
        if (bytes != (int) ((long) n * bits / 8)) {
            throw new InvalidFheDataException(field + ".limbs[0] has " + bytes + " bytes, expected N·" + bits + "/8 = "
                    + (long) n * bits / 8 + " for ring degree N = " + n + " and " + droppedBits + " bits dropped from q_0");
        }
        long[] limb = unpack(proto.getLimbs(0), n, bits);
        for (int j = 0; j < n; j++) {
            limb[j] <<= droppedBits;
            if (limb[j] >= q) {
                throw new InvalidFheDataException(field + ".limbs[0] coefficient " + j + " = " + limb[j]
                        + " is not below its prime q_0 = " + q);
            }
        }
        RnsPoly poly = new RnsPoly(new long[][] {limb}, false);
        ring.ntt(poly);
        return poly;
    }

    /** {@code values} (each below 2^bits) as a little-endian bit stream of exactly values.length·bits/8 bytes. */
    private static byte[] pack(long[] values, int bits) {
        byte[] out = new byte[(int) ((long) values.length * bits / 8)];
        long buffer = 0;
        int held = 0;
        int at = 0;
        for (long v : values) {
            buffer |= v << held;
            held += bits;
            while (held >= 8) {
                out[at++] = (byte) buffer;
                buffer >>>= 8;
                held -= 8;
            }
        }
        return out;
    }

    private static long[] unpack(ByteString bytes, int n, int bits) {
        long[] values = new long[n];
        long mask = (1L << bits) - 1;
        long buffer = 0;
        int held = 0;
        int at = 0;
        for (int j = 0; j < n; j++) {
            while (held < bits) {
                buffer |= (bytes.byteAt(at++) & 0xFFL) << held;
                held += 8;
            }
            values[j] = buffer & mask;
            buffer >>>= bits;
            held -= bits;
        }
        return values;
    }
}
