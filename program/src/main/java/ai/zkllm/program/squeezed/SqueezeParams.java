package ai.zkllm.program.squeezed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;

/**
 * The calibrated constants that replace the non-linear sites of a GPT-2 (set by calibration, then
 * optionally refined by alignment):
 * <ul>
 *   <li>LayerNorm → affine: {@code 1/σ} is a constant per LN site and absolute position
 *       ({@code ln1Inv[l][p]}, {@code ln2Inv[l][p]}, {@code lnfInv[p]});</li>
 *   <li>softmax → power attention {@code (κ·(1 + (τs - m)/n))^n} with a calibrated temperature τ, shift
 *       {@code m = attnShift[l][h]} and calibrated denominator {@code attnInvDen[l][h][p] = κ^n};</li>
 *   <li>GELU → Chebyshev polynomial of degree {@code geluDegree} on {@code geluInterval[l]}.</li>
 * </ul>
 * With {@link Normalisation#CLIENT} the first two are not approximated at all: the client computes
 * them exactly at the refresh before them, and their calibrated constants go unused, except ln_2's
 * with {@link #affineLn2}.
 */
public final class SqueezeParams {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who computes the two normalisations of a GPT-2, softmax and LayerNorm's 1/σ. */
    public enum Normalisation {
        /**
         * The miner, as calibrated approximations (power attention with calibrated denominators,
         * per-position or polynomial 1/σ): the whole model runs encrypted between re-layouts.
         */
        CALIBRATED,
        /**
         * The client, exactly, at the refresh before each (client-aided normalisation): it decrypts
         * there anyway, and under CKKS both are wide-range inverses that cost a dozen levels each.
         * Every stage then ends its round.
         */
        CLIENT
    }

    public final int layers;
    public final int heads;
    public final int positions;
    public final int weightBits;
    public final int geluDegree;
    /** n in (1 + x/n)^n, a power of two: log2(n) squarings. */
    public final int attnPower;
    /** LayerNorm 1/σ: a Chebyshev polynomial of the variance of this degree (0: the per-position constants). */
    public final int lnDegree;
    public final Normalisation normalisation;
    /**
     * With client normalisation, ln_2's 1/σ is still the per-position constant {@code ln2Inv} (made
     * affine, then aligned by distillation): the miner can then take a layer's attention projection
     * and MLP in one round, 2L + 1 rounds per token instead of 3L + 1, at some agreement.
     */
    public final boolean affineLn2;
    /** Interval [lo, hi] of the variance for the 1/sqrt polynomial, per LN site: 2l = ln_1, 2l+1 = ln_2, 2L = ln_f. */
    public final double[][] lnInterval;
    public final double[][] ln1Inv;
    public final double[][] ln2Inv;
    public final double[] lnfInv;
    public final double[][] attnShift;
    /** Per layer and head: temperature τ on the scores (folded into the Q columns of the QKV matrix). */
    public final double[][] attnScale;
    public final double[][][] attnInvDen;
    public final double[][] geluInterval;

    private SqueezeParams(Builder b) {
        layers = b.layers;
        heads = b.heads;
        positions = b.positions;
        weightBits = b.weightBits;
        geluDegree = b.geluDegree;
        attnPower = b.attnPower;
        lnDegree = b.lnDegree;
        normalisation = b.normalisation;
        affineLn2 = b.affineLn2;
        if (affineLn2 && normalisation != Normalisation.CLIENT) {
            throw new IllegalArgumentException("an affine ln_2 is a form of client normalisation; with "
                    + normalisation.name().toLowerCase() + " normalisation every LayerNorm is affine already");
        }
        lnInterval = b.lnInterval;
        ln1Inv = b.ln1Inv;
        ln2Inv = b.ln2Inv;
        lnfInv = b.lnfInv;
        attnShift = b.attnShift;
        attnScale = b.attnScale;
        attnInvDen = b.attnInvDen;
        geluInterval = b.geluInterval;
    }

    /** Zero constants and the default settings for this shape, for calibration to fill in. */
    public static Builder builder(int layers, int heads, int positions) {
        return new Builder(layers, heads, positions);
    }

    /** A builder that starts from a deep copy of these constants (alignment refines some of them). */
    public Builder toBuilder() {
        Builder b = new Builder(layers, heads, positions);
        b.weightBits = weightBits;
        b.geluDegree = geluDegree;
        b.attnPower = attnPower;
        b.lnDegree = lnDegree;
        b.normalisation = normalisation;
        b.affineLn2 = affineLn2;
        b.lnInterval = deepCopy(lnInterval);
        b.ln1Inv = deepCopy(ln1Inv);
        b.ln2Inv = deepCopy(ln2Inv);
        b.lnfInv = lnfInv.clone();
        b.attnShift = deepCopy(attnShift);
        b.attnScale = deepCopy(attnScale);
        b.attnInvDen = Arrays.stream(attnInvDen).map(SqueezeParams::deepCopy).toArray(double[][][]::new);
        b.geluInterval = deepCopy(geluInterval);
        return b;
    }

    /** The same constants with another side computing the normalisations. */
    public SqueezeParams withNormalisation(Normalisation normalisation) {
        Builder b = toBuilder();
        b.normalisation = normalisation;
        return b.build();
    }

    /** The same constants with ln_2's 1/σ affine (or client-computed again). */
    public SqueezeParams withAffineLn2(boolean affine) {
        Builder b = toBuilder();
        b.affineLn2 = affine;
        return b.build();
    }

    /**
     * The mutable form of {@link SqueezeParams} (fields as documented there), for the code that
     * computes the constants.
     */
    public static final class Builder {
        public final int layers;
        public final int heads;
        public final int positions;
        public int weightBits = 8;
        public int geluDegree = 15;
        public int attnPower = 4;
        public int lnDegree = 0;
        /** The shipped form by default; files written before the field existed read as CALIBRATED. */
        public Normalisation normalisation = Normalisation.CLIENT;
        /** Absent in files older than the field: false. */
        public boolean affineLn2;
        public double[][] lnInterval;
        public double[][] ln1Inv;
        public double[][] ln2Inv;
        public double[] lnfInv;
        public double[][] attnShift;
        public double[][] attnScale;
        public double[][][] attnInvDen;
        public double[][] geluInterval;

        private Builder(int layers, int heads, int positions) {
            this.layers = layers;
            this.heads = heads;
            this.positions = positions;
            ln1Inv = new double[layers][positions];
            lnInterval = new double[2 * layers + 1][2];
            ln2Inv = new double[layers][positions];
            lnfInv = new double[positions];
            attnShift = new double[layers][heads];
            attnScale = new double[layers][heads];
            attnInvDen = new double[layers][heads][positions];
            geluInterval = new double[layers][2];
        }

        /** The constants, which take over this builder's arrays: build last. */
        public SqueezeParams build() {
            return new SqueezeParams(this);
        }
    }

    private static double[][] deepCopy(double[][] a) {
        return Arrays.stream(a).map(double[]::clone).toArray(double[][]::new);
    }

    public static void checkPower(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("attention power must be a power of two, got " + n);
        }
    }

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("layers", layers);
        n.put("heads", heads);
        n.put("positions", positions);
        n.put("weight_bits", weightBits);
        n.put("gelu_degree", geluDegree);
        n.put("attn_power", attnPower);
        n.put("ln_degree", lnDegree);
        n.put("normalisation", normalisation.name().toLowerCase());
        n.put("affine_ln2", affineLn2);
        n.set("ln_var_interval", JSON.valueToTree(lnInterval));
        n.set("ln1_inv_sigma", JSON.valueToTree(ln1Inv));
        n.set("ln2_inv_sigma", JSON.valueToTree(ln2Inv));
        n.set("lnf_inv_sigma", JSON.valueToTree(lnfInv));
        n.set("attn_shift", JSON.valueToTree(attnShift));
        n.set("attn_scale", JSON.valueToTree(attnScale));
        n.set("attn_inv_den", JSON.valueToTree(attnInvDen));
        n.set("gelu_interval", JSON.valueToTree(geluInterval));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SqueezeParams fromJson(String text) throws IOException {
        JsonNode n = JSON.readTree(text);
        Builder p = builder(field(n, "layers").asInt(), field(n, "heads").asInt(), field(n, "positions").asInt());
        p.weightBits = field(n, "weight_bits").asInt();
        p.geluDegree = field(n, "gelu_degree").asInt();
        p.attnPower = field(n, "attn_power").asInt();
        p.lnDegree = field(n, "ln_degree").asInt();
        p.normalisation = normalisation(n.path("normalisation").asText("calibrated"));
        p.affineLn2 = n.path("affine_ln2").asBoolean(false);
        p.lnInterval = JSON.treeToValue(field(n, "ln_var_interval"), double[][].class);
        p.ln1Inv = JSON.treeToValue(field(n, "ln1_inv_sigma"), double[][].class);
        p.ln2Inv = JSON.treeToValue(field(n, "ln2_inv_sigma"), double[][].class);
        p.lnfInv = JSON.treeToValue(field(n, "lnf_inv_sigma"), double[].class);
        p.attnShift = JSON.treeToValue(field(n, "attn_shift"), double[][].class);
        p.attnScale = JSON.treeToValue(field(n, "attn_scale"), double[][].class);
        p.attnInvDen = JSON.treeToValue(field(n, "attn_inv_den"), double[][][].class);
        p.geluInterval = JSON.treeToValue(field(n, "gelu_interval"), double[][].class);
        return p.build();
    }

    /** The {@code normalisation} value of a JSON file (absent in files older than the field: calibrated). */
    public static Normalisation normalisation(String name) throws IOException {
        for (Normalisation v : Normalisation.values()) {
            if (v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        throw new IOException("unknown normalisation \"" + name + "\" (calibrated or client)");
    }

    private static JsonNode field(JsonNode n, String name) throws IOException {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new IOException("missing field \"" + name + "\"");
        }
        return v;
    }

}
