package ai.zkllm.fhe.io;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.EvaluationKeys;
import ai.zkllm.fhe.ckks.GaloisKeys;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.ckks.Plaintext;
import ai.zkllm.fhe.ckks.PublicKey;
import ai.zkllm.fhe.ckks.RelinearizationKey;
import ai.zkllm.fhe.ckks.SecretKey;
import ai.zkllm.fhe.ckks.SwitchingKey;
import ai.zkllm.fhe.ring.Modulus;
import ai.zkllm.fhe.ring.RingContext;
import ai.zkllm.fhe.ring.RnsPoly;
import ai.zkllm.fhe.ring.UniformSampler;
import ai.zkllm.schemas.v1.FheCiphertext;
import ai.zkllm.schemas.v1.FheEvaluationKeys;
import ai.zkllm.schemas.v1.FheGaloisKey;
import ai.zkllm.schemas.v1.FheParameters;
import ai.zkllm.schemas.v1.FhePlaintext;
import ai.zkllm.schemas.v1.FhePublicKey;
import ai.zkllm.schemas.v1.FheSecretKey;
import ai.zkllm.schemas.v1.FheSwitchingKey;
import ai.zkllm.schemas.v1.RnsPolynomial;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Engine objects to and from their {@code zkllm.v1} protobuf messages and bytes.
 *
 * <p>Reading treats every message as hostile: the size is bounded before parsing, then the
 * parameter id, levels, limb counts, ring degree, residues, scale, seeds, galois elements and
 * finally the sha256 are checked against this codec's context before an engine object exists,
 * and only the canonical encoding of a message is accepted (see {@link #parse}),
 * so the ring backend (which trusts its inputs) never sees unchecked data. Every failure is an
 * {@link InvalidFheDataException} naming the field and values. Seeded halves are re-expanded
 * exactly as {@code KeyGenerator} and {@code Encryptor} expanded them.
 */
public final class FheCodec {
    private static final int SEED_BYTES = 32;

    private final CkksContext context;
    private final RingContext ring;
    private final Limits limits;
    private final CanonicalDigest digests;
    private final String parameterId;
    /** Digits of every switching key: ceil((L+1)/α), as the key switcher decomposes at level L. */
    private final int digitCount;
    /** Bits {@link #toCompactProto} rounds off c_0, fixed by the ring degree ({@link #compactDroppedBits()}). */
    private final int compactDroppedBits;
    private volatile long switchingKeyBytes;

    public FheCodec(CkksContext context, Limits limits) {
        this.context = context;
        this.ring = context.ring();
        this.limits = limits;
        this.digests = new CanonicalDigest(context.params());
        this.parameterId = context.params().id();
        this.digitCount = context.keySwitchDigits();
        this.compactDroppedBits = droppedBitsFor(ring.n());
    }

    public FheCodec(CkksContext context) {
        this(context, Limits.DEFAULT);
    }

    // ---- parameters (no context needed: they are what a context is built from) ----

    public static FheParameters toProto(Parameters params) {
        return FheParameters.newBuilder()
                .setLogN(params.logN())
                .setLogScale(params.logScale())
                .setDnum(params.dnum())
                .addAllQPrimes(params.qPrimes())
                .addAllPPrimes(params.pPrimes())
                .setInsecureForTests(params.insecureForTests())
                .setParameterId(params.id())
                .setSha256(ByteString.copyFrom(CanonicalDigest.digest(params)))
                .build();
    }

    public static byte[] toBytes(Parameters params) {
        return toProto(params).toByteArray();
    }

    public static Parameters parametersFromBytes(byte[] bytes, Limits limits) {
        return parametersFromProto(parse(bytes, FheParameters.parser(), "FheParameters", limits), limits);
    }

    /** Keeps the insecure-for-tests mark as sent: refusing it is the job's policy. */
    public static Parameters parametersFromProto(FheParameters m, Limits limits) {
        requireSize("FheParameters", m.getSerializedSize(), limits);
        int logScale = m.getLogScale();
        if (logScale < 1 || logScale > Modulus.MAX_BITS) {
            throw new InvalidFheDataException("FheParameters.log_scale = " + Integer.toUnsignedString(logScale)
                    + " is outside [1, " + Modulus.MAX_BITS + "]");
        }
        Parameters params;
        try {
            params = Parameters.fromPrimes(m.getLogN(), logScale, m.getDnum(), m.getQPrimesList(), m.getPPrimesList(),
                    m.getInsecureForTests());
        } catch (IllegalArgumentException e) {
            throw new InvalidFheDataException("FheParameters are not a valid set: " + e.getMessage(), e);
        }
        if (!params.id().equals(m.getParameterId())) {
            throw new InvalidFheDataException("FheParameters.parameter_id = '" + m.getParameterId()
                    + "' does not match the recomputed id " + params.id());
        }
        requireDigest("FheParameters", m.getSha256(), CanonicalDigest.digest(params));
        return params;
    }

    // ---- plaintext ----

    public FhePlaintext toProto(Plaintext pt) {
        return FhePlaintext.newBuilder()
                .setParameterId(parameterId)
                .setLevel(pt.level())
                .setScale(pt.scale())
                .setPoly(PolynomialCodec.toProto(pt.poly(), ring))
                .setSha256(ByteString.copyFrom(digests.digest(pt)))
                .build();
    }

    public byte[] toBytes(Plaintext pt) {
        return toProto(pt).toByteArray();
    }

    public Plaintext plaintextFromBytes(byte[] bytes) {
        return plaintextFromProto(parse(bytes, FhePlaintext.parser(), "FhePlaintext", limits));
    }

    public Plaintext plaintextFromProto(FhePlaintext m) {
        String type = "FhePlaintext";
        requireHeader(type, m.getSerializedSize(), m.getParameterId());
        int level = requireLevel(type, m.getLevel());
        double scale = requireScale(type, m.getScale());
        RnsPoly poly = PolynomialCodec.fromProto(m.getPoly(), type + ".poly", ring, level + 1);
        Plaintext pt = new Plaintext(poly, level, scale);
        requireDigest(type, m.getSha256(), digests.digest(pt));
        return pt;
    }

    // ---- ciphertext ----

    /** A ciphertext with a seed travels as c_0 + seed, about half the bytes. */
    public FheCiphertext toProto(Ciphertext ct) {
        byte[] seed = ct.seed();
        FheCiphertext.Builder out = ciphertextHeader(ct);
        int sent = seed == null ? ct.size() : 1;
        for (int i = 0; i < sent; i++) {
            out.addPolys(PolynomialCodec.toProto(ct.poly(i), ring));
        }
        if (seed != null) {
            out.setSeed(ByteString.copyFrom(seed));
        }
        return out.setSha256(ByteString.copyFrom(digests.digest(ct))).build();
    }

    public byte[] toBytes(Ciphertext ct) {
        return toProto(ct).toByteArray();
    }

    /**
     * A ciphertext whose receiver only decrypts it (a round's response), in fewer bytes where it is
     * at level 0: c_0 travels in coefficient form with its low {@link #compactDroppedBits()} bits
     * rounded off, so N·k/8 bytes less. This changes the ciphertext, within its noise; the message's
     * sha256 is the digest of the rounded ciphertext, which is what decoding gives back. Any other
     * ciphertext is encoded as {@link #toProto(Ciphertext)} does.
     */
    public FheCiphertext toCompactProto(Ciphertext ct) {
        int k = compactDroppedBits;
        if (ct.level() != 0 || ct.size() != 2 || ct.seed() != null || k == 0) {
            return toProto(ct);
        }
        RnsPoly c0 = ct.poly(0).copy();
        ring.inverseNtt(c0);
        RnsPolynomial sentC0 = PolynomialCodec.toRoundedProto(c0.limb(0), ring.modulus(0).value(), k);
        ring.ntt(c0);
        Ciphertext sent = new Ciphertext(new RnsPoly[] {c0, ct.poly(1)}, 0, ct.scale());
        return ciphertextHeader(sent)
                .addPolys(sentC0)
                .addPolys(PolynomialCodec.toProto(ct.poly(1), ring))
                .setSha256(ByteString.copyFrom(digests.digest(sent)))
                .build();
    }

    /**
     * Bits {@link #toCompactProto} rounds off c_0: the largest k with 2^k ≤ √(1 + 2N/3) / 2. Rounding
     * adds noise of variance 4^k/12 to each coefficient; rescaling has already added (1 + 2N/3)/12
     * (its rounding error times the ternary secret, of about 2N/3 nonzero coefficients) to any
     * evaluator output, so the noise grows by at most a quarter in variance (about 12 % in size).
     * 5 at N = 2^13 and 2^14.
     */
    public int compactDroppedBits() {
        return compactDroppedBits;
    }

    private static int droppedBitsFor(int n) {
        double bound = Math.sqrt(1 + 2.0 * n / 3) / 2;
        return Math.max(0, 31 - Integer.numberOfLeadingZeros((int) Math.floor(bound)));
    }

    private FheCiphertext.Builder ciphertextHeader(Ciphertext ct) {
        return FheCiphertext.newBuilder().setParameterId(parameterId).setLevel(ct.level()).setScale(ct.scale());
    }

    public Ciphertext ciphertextFromBytes(byte[] bytes) {
        return ciphertextFromProto(parse(bytes, FheCiphertext.parser(), "FheCiphertext", limits));
    }

    public Ciphertext ciphertextFromProto(FheCiphertext m) {
        String type = "FheCiphertext";
        requireHeader(type, m.getSerializedSize(), m.getParameterId());
        int level = requireLevel(type, m.getLevel());
        double scale = requireScale(type, m.getScale());
        boolean seeded = !m.getSeed().isEmpty();
        int count = m.getPolysCount();
        if (seeded ? count != 1 : count < 2 || count > 3) {
            throw new InvalidFheDataException(type + " has " + count + " polys, expected "
                    + (seeded ? "1 (c_0) with a seed" : "2 or 3"));
        }
        byte[] seed = seeded ? requireSeed(type, m.getSeed()) : null;
        RnsPoly[] polys = new RnsPoly[seeded ? 2 : count];
        for (int i = 0; i < count; i++) {
            RnsPolynomial poly = m.getPolys(i);
            String field = type + ".polys[" + i + "]";
            boolean compact = i == 0 && poly.getDroppedBits() != 0;
            if (compact && (level != 0 || seeded || count != 2)) {
                throw new InvalidFheDataException(field + " drops bits; only c_0 of an unseeded 2-polynomial"
                        + " ciphertext at level 0 may (this one: level " + level + ", " + count + " polys"
                        + (seeded ? ", seeded)" : ")"));
            }
            polys[i] = compact
                    ? PolynomialCodec.fromRoundedProto(poly, field, ring, compactDroppedBits)
                    : PolynomialCodec.fromProto(poly, field, ring, level + 1);
        }
        if (seeded) {
            polys[1] = UniformSampler.sampleNtt(seed, 0, ring, level + 1);
        }
        Ciphertext ct = new Ciphertext(polys, level, scale, seed);
        requireDigest(type, m.getSha256(), digests.digest(ct));
        return ct;
    }

    // ---- public key ----

    public FhePublicKey toProto(PublicKey pk) {
        return FhePublicKey.newBuilder()
                .setParameterId(parameterId)
                .setB(PolynomialCodec.toProto(pk.b(), ring))
                .setSeed(ByteString.copyFrom(pk.seed()))
                .setSha256(ByteString.copyFrom(digests.digest(pk)))
                .build();
    }

    public byte[] toBytes(PublicKey pk) {
        return toProto(pk).toByteArray();
    }

    public PublicKey publicKeyFromBytes(byte[] bytes) {
        return publicKeyFromProto(parse(bytes, FhePublicKey.parser(), "FhePublicKey", limits));
    }

    public PublicKey publicKeyFromProto(FhePublicKey m) {
        String type = "FhePublicKey";
        requireHeader(type, m.getSerializedSize(), m.getParameterId());
        byte[] seed = requireSeed(type, m.getSeed());
        int limbs = context.maxLevel() + 1;
        RnsPoly b = PolynomialCodec.fromProto(m.getB(), type + ".b", ring, limbs);
        PublicKey pk = new PublicKey(b, UniformSampler.sampleNtt(seed, 0, ring, limbs), seed);
        requireDigest(type, m.getSha256(), digests.digest(pk));
        return pk;
    }

    // ---- switching keys ----

    public FheSwitchingKey toProto(SwitchingKey key) {
        FheSwitchingKey.Builder out = FheSwitchingKey.newBuilder().setParameterId(parameterId);
        for (int j = 0; j < key.digitCount(); j++) {
            out.addB(PolynomialCodec.toProto(key.b(j), ring));
        }
        return out.setSeed(ByteString.copyFrom(key.seed()))
                .setSha256(ByteString.copyFrom(digests.digest(key)))
                .build();
    }

    public byte[] toBytes(SwitchingKey key) {
        return toProto(key).toByteArray();
    }

    public SwitchingKey switchingKeyFromBytes(byte[] bytes) {
        return switchingKeyFromProto(parse(bytes, FheSwitchingKey.parser(), "FheSwitchingKey", limits));
    }

    public SwitchingKey switchingKeyFromProto(FheSwitchingKey m) {
        return switchingKeyFromProto(m, "FheSwitchingKey");
    }

    /** @param type where the key sits, e.g. "FheEvaluationKeys.galois_keys[3].key", for messages */
    private SwitchingKey switchingKeyFromProto(FheSwitchingKey m, String type) {
        requireHeader(type, m.getSerializedSize(), m.getParameterId());
        if (m.getBCount() != digitCount) {
            throw new InvalidFheDataException(type + " has " + m.getBCount() + " digits, expected " + digitCount);
        }
        byte[] seed = requireSeed(type, m.getSeed());
        int limbs = context.qpLimbCount();
        RnsPoly[] b = new RnsPoly[digitCount];
        RnsPoly[] a = new RnsPoly[digitCount];
        for (int j = 0; j < digitCount; j++) {
            b[j] = PolynomialCodec.fromProto(m.getB(j), type + ".b[" + j + "]", ring, limbs);
        }
        for (int j = 0; j < digitCount; j++) {
            a[j] = UniformSampler.sampleNtt(seed, j, ring, limbs);
        }
        SwitchingKey key = new SwitchingKey(b, a, seed);
        requireDigest(type, m.getSha256(), digests.digest(key));
        return key;
    }

    // ---- evaluation keys ----

    public FheEvaluationKeys toProto(EvaluationKeys keys) {
        FheEvaluationKeys.Builder out = FheEvaluationKeys.newBuilder().setParameterId(parameterId);
        byte[] relinearizationDigest = null;
        if (keys.relinearization() != null) {
            FheSwitchingKey relinearization = toProto(keys.relinearization().key());
            out.setRelinearization(relinearization);
            relinearizationDigest = relinearization.getSha256().toByteArray();
        }
        SortedMap<Integer, byte[]> galoisDigests = new TreeMap<>();
        for (int g : keys.galois().elements()) {
            FheSwitchingKey key = toProto(keys.galois().get(g));
            out.addGaloisKeys(FheGaloisKey.newBuilder().setGaloisElement(g).setKey(key));
            galoisDigests.put(g, key.getSha256().toByteArray());
        }
        byte[] digest = digests.evaluationKeysDigest(relinearizationDigest, galoisDigests);
        return out.setSha256(ByteString.copyFrom(digest)).build();
    }

    public byte[] toBytes(EvaluationKeys keys) {
        return toProto(keys).toByteArray();
    }

    public EvaluationKeys evaluationKeysFromBytes(byte[] bytes) {
        return evaluationKeysFromProto(parse(bytes, FheEvaluationKeys.parser(), "FheEvaluationKeys", limits));
    }

    /**
     * Evaluation keys that may hold a relinearization key and Galois keys of {@code allowedElements}
     * only (a program's rotation set): the size is held against
     * {@link #evaluationKeysBytesBound(int)} before parsing, every element against the set and the
     * set's digest against its keys' claimed digests before any key is decoded, so a forged set costs
     * at most its own bounded bytes.
     */
    public EvaluationKeys evaluationKeysFromBytes(byte[] bytes, Set<Integer> allowedElements) {
        String type = "FheEvaluationKeys";
        long bound = evaluationKeysBytesBound(allowedElements.size());
        if (bytes != null && bytes.length > bound) {
            throw new InvalidFheDataException(type + " is " + bytes.length + " bytes, over the bound of " + bound
                    + " for a relinearization key and " + allowedElements.size() + " Galois keys");
        }
        return evaluationKeysFromProto(parse(bytes, FheEvaluationKeys.parser(), type, limits), allowedElements);
    }

    /** Each contained key's own sha256 is checked, then the set's digest over those. */
    public EvaluationKeys evaluationKeysFromProto(FheEvaluationKeys m) {
        return evaluationKeysFromProto(m, null);
    }

    /** @param allowedElements the Galois elements a key may have, or null for any (up to the limit) */
    private EvaluationKeys evaluationKeysFromProto(FheEvaluationKeys m, Set<Integer> allowedElements) {
        String type = "FheEvaluationKeys";
        requireHeader(type, m.getSerializedSize(), m.getParameterId());
        int count = m.getGaloisKeysCount();
        int maxCount = allowedElements == null ? limits.maxGaloisKeys() : allowedElements.size();
        if (count > maxCount) {
            throw new InvalidFheDataException(type + " has " + count + " galois_keys, over the limit of " + maxCount);
        }
        byte[] relinearizationDigest = m.hasRelinearization()
                ? requireDigestField(type + ".relinearization", m.getRelinearization().getSha256()) : null;
        SortedMap<Integer, byte[]> galoisDigests = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            FheGaloisKey entry = m.getGaloisKeys(i);
            String field = type + ".galois_keys[" + i + "]";
            int g = requireGaloisElement(field, entry.getGaloisElement());
            if (allowedElements != null && !allowedElements.contains(g)) {
                throw new InvalidFheDataException(field + ".galois_element = " + g + " is not a rotation of this program");
            }
            if (galoisDigests.put(g, requireDigestField(field + ".key", entry.getKey().getSha256())) != null) {
                throw new InvalidFheDataException(field + ".galois_element = " + g + " appears twice");
            }
        }
        // The set's digest is over its keys' digests: check it before decoding (expanding) any key.
        requireDigest(type, m.getSha256(), digests.evaluationKeysDigest(relinearizationDigest, galoisDigests));
        RelinearizationKey relinearization = m.hasRelinearization()
                ? new RelinearizationKey(switchingKeyFromProto(m.getRelinearization(), type + ".relinearization"))
                : null;
        // independent keys (elements checked distinct above): expanded and digested on every core, since a miner
        // decodes a session's keys inside its first round
        Map<Integer, SwitchingKey> galois = IntStream.range(0, count).parallel().boxed().collect(Collectors.toMap(
                i -> m.getGaloisKeys(i).getGaloisElement(),
                i -> switchingKeyFromProto(m.getGaloisKeys(i).getKey(), type + ".galois_keys[" + i + "].key")));
        return new EvaluationKeys(relinearization, new GaloisKeys(galois));
    }

    /**
     * The largest serialized size of an evaluation-key set with a relinearization key and
     * {@code galoisKeys} Galois keys under this context: every key has a fixed-width encoding, and
     * each length prefix and field tag is counted at its widest.
     */
    public long evaluationKeysBytesBound(int galoisKeys) {
        long key = switchingKeyBytes();
        long field = 1 + 10; // tag and length prefix of a length-delimited field
        long galoisEntry = field + (1 + 5) + field + key; // element (varint) and the key
        long header = field + parameterId.length() + field + 32;
        return header + field + key + (long) galoisKeys * galoisEntry;
    }

    /**
     * Serialized size of one switching key: fixed, since residues and seed have fixed widths. Measured
     * once per codec (it encodes and digests a whole key), not per key set checked.
     */
    private long switchingKeyBytes() {
        long bytes = switchingKeyBytes;
        if (bytes == 0) {
            bytes = encodedSwitchingKeySize();
            switchingKeyBytes = bytes; // racing threads compute the same value
        }
        return bytes;
    }

    private long encodedSwitchingKeySize() {
        int limbs = context.qpLimbCount();
        RnsPoly[] zero = new RnsPoly[digitCount];
        for (int j = 0; j < digitCount; j++) {
            zero[j] = new RnsPoly(new long[limbs][ring.n()], true);
        }
        return toProto(new SwitchingKey(zero, zero, new byte[32])).getSerializedSize();
    }

    // ---- secret key (the user's local key file only) ----

    public FheSecretKey toProto(SecretKey sk) {
        return FheSecretKey.newBuilder()
                .setParameterId(parameterId)
                .setS(PolynomialCodec.toProto(sk.poly(), ring))
                .setSha256(ByteString.copyFrom(digests.digest(sk)))
                .build();
    }

    public byte[] toBytes(SecretKey sk) {
        return toProto(sk).toByteArray();
    }

    public SecretKey secretKeyFromBytes(byte[] bytes) {
        return secretKeyFromProto(parse(bytes, FheSecretKey.parser(), "FheSecretKey", limits));
    }

    public SecretKey secretKeyFromProto(FheSecretKey m) {
        String type = "FheSecretKey";
        requireHeader(type, m.getSerializedSize(), m.getParameterId());
        SecretKey sk = new SecretKey(PolynomialCodec.fromProto(m.getS(), type + ".s", ring, context.qpLimbCount()));
        requireDigest(type, m.getSha256(), digests.digest(sk));
        return sk;
    }

    // ---- checks shared by every type ----

    /**
     * Bounds the size before the parser allocates anything for the message, then requires the one
     * canonical encoding: blobs are addressed by the SHA-256 of their bytes, so a second encoding of
     * the same object (fields out of order or repeated, a bool sent as 5, unknown fields) would be
     * the same object under another address. Java's serialization of a message is deterministic,
     * so canonical means "no unknown fields, and re-serializes to exactly these bytes".
     */
    private static <M extends Message> M parse(byte[] bytes, Parser<M> parser, String type, Limits limits) {
        if (bytes == null) {
            throw new InvalidFheDataException(type + ": no bytes (null)");
        }
        requireSize(type, bytes.length, limits);
        M message;
        try {
            message = parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidFheDataException("cannot parse " + type + " (" + bytes.length + " bytes): "
                    + e.getMessage(), e);
        }
        if (hasUnknownFields(message) || !Arrays.equals(message.toByteArray(), bytes)) {
            throw new InvalidFheDataException(type + " (" + bytes.length + " bytes) is a non-canonical encoding: "
                    + "unknown, repeated or reordered fields, or values not in their shortest form");
        }
        return message;
    }

    /** Unknown fields re-serialize as they came, so they are looked for in every nested message. */
    private static boolean hasUnknownFields(Message message) {
        if (message.getUnknownFields().getSerializedSize() != 0) {
            return true;
        }
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            if (field.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            List<?> values = field.getKey().isRepeated() ? (List<?>) field.getValue() : List.of(field.getValue());
            for (Object value : values) {
                if (hasUnknownFields((Message) value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void requireSize(String type, int bytes, Limits limits) {
        if (bytes > limits.maxMessageBytes()) {
            throw new InvalidFheDataException(type + " is " + bytes + " bytes, over the limit of "
                    + limits.maxMessageBytes());
        }
    }

    private void requireHeader(String type, int serializedSize, String messageParameterId) {
        requireSize(type, serializedSize, limits);
        if (!parameterId.equals(messageParameterId)) {
            throw new InvalidFheDataException(type + ".parameter_id = '" + messageParameterId
                    + "' is not this context's parameter set " + parameterId);
        }
    }

    /** uint32 on the wire: values of 2^31 and above arrive negative and are reported unsigned. */
    private int requireLevel(String type, int level) {
        if (level < 0 || level > context.maxLevel()) {
            throw new InvalidFheDataException(type + ".level = " + Integer.toUnsignedString(level)
                    + " is outside [0, maxLevel = " + context.maxLevel() + "]");
        }
        return level;
    }

    private static double requireScale(String type, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new InvalidFheDataException(type + ".scale = " + scale + " must be finite and > 0");
        }
        return scale;
    }

    private static byte[] requireSeed(String type, ByteString seed) {
        if (seed.size() != SEED_BYTES) {
            throw new InvalidFheDataException(type + ".seed has " + seed.size() + " bytes, expected " + SEED_BYTES);
        }
        return seed.toByteArray();
    }

    private int requireGaloisElement(String field, int element) {
        long twoN = 2L * ring.n();
        if ((element & 1) == 0 || element <= 0 || element >= twoN) {
            throw new InvalidFheDataException(field + ".galois_element = " + Integer.toUnsignedString(element)
                    + " must be odd and in (0, 2N = " + twoN + ")");
        }
        return element;
    }

    private static void requireDigest(String type, ByteString declared, byte[] computed) {
        if (declared.isEmpty()) {
            throw new InvalidFheDataException(type + ".sha256 is missing");
        }
        if (!MessageDigest.isEqual(declared.toByteArray(), computed)) {
            throw new InvalidFheDataException(type + ".sha256 = " + HexFormat.of().formatHex(declared.toByteArray())
                    + " does not match the canonical digest " + HexFormat.of().formatHex(computed));
        }
    }

    /** A digest field that a later check relies on: present and 32 bytes. */
    private static byte[] requireDigestField(String type, ByteString declared) {
        if (declared.size() != 32) {
            throw new InvalidFheDataException(type + ".sha256 has " + declared.size() + " bytes, expected 32");
        }
        return declared.toByteArray();
    }
}
