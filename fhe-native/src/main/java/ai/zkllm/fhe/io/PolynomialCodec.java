package ai.zkllm.fhe.io;

import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.schemas.v1.RnsPolynomial;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link RnsPoly} to and from {@link RnsPolynomial}: one bytes field per limb of N little-endian
 * uint32 residues. Decoding is the single place where untrusted residues become engine data, so
 * it checks the limb count, the NTT flag, every limb's length against the ring degree and every
 * residue against its prime before allocating anything.
 */
final class PolynomialCodec {
    private PolynomialCodec() {
    }

    static RnsPolynomial toProto(RnsPoly poly) {
        RnsPolynomial.Builder out = RnsPolynomial.newBuilder().setNtt(poly.isNtt());
        for (long[] limb : poly.limbs()) {
            ByteBuffer words = ByteBuffer.allocate(4 * limb.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long residue : limb) {
                words.putInt((int) residue);
            }
            // The array is ours alone and never written again, so wrapping it without a copy is safe.
            out.addLimbs(UnsafeByteOperations.unsafeWrap(words.array()));
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
        if (!proto.getNtt()) {
            throw new InvalidFheDataException(field + " must be in NTT form (ntt = true)");
        }
        int n = ring.n();
        for (int i = 0; i < limbCount; i++) {
            int bytes = proto.getLimbs(i).size();
            if (bytes != 4 * n) {
                throw new InvalidFheDataException(field + ".limbs[" + i + "] has " + bytes
                        + " bytes, expected 4·N = " + 4 * n + " for ring degree N = " + n);
            }
        }
        long[][] limbs = new long[limbCount][n];
        for (int i = 0; i < limbCount; i++) {
            ByteBuffer words = proto.getLimbs(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long q = ring.modulus(i).value();
            for (int j = 0; j < n; j++) {
                long residue = Integer.toUnsignedLong(words.getInt());
                if (residue >= q) {
                    throw new InvalidFheDataException(field + ".limbs[" + i + "] coefficient " + j + " = " + residue
                            + " is not below its prime q_" + i + " = " + q);
                }
                limbs[i][j] = residue;
            }
        }
        return new RnsPoly(limbs, true);
    }
}
