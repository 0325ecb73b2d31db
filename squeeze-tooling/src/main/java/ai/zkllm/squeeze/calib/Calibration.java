package ai.zkllm.squeeze.calib;

import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.io.AtomicFiles;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic-quantization calibration: runs calibration windows through the teacher, records the
 * range of every non-linear site (LayerNorm variance, attention scores, GELU inputs) and derives
 * the polynomial intervals and constants of {@link SqueezeParams} from them.
 */
public final class Calibration {
    /** Largest power n allowed for the power attention (log2 n squarings). */
    public static final int MAX_ATTN_POWER = 16;
    /**
     * Fraction of the calibrated GELU input range added on each side of the polynomial's interval: the
     * squeezed LayerNorm (a constant 1/σ) lets some tokens reach well past the teacher's range, and a
     * Chebyshev polynomial explodes outside its interval, so the interval is kept wide.
     */
    public static final double GELU_MARGIN = Double.parseDouble(System.getProperty("zkllm.squeeze.geluMargin", "1.0"));
    /** n used when none is asked for: 2 squarings, attention segment depth 7. */
    public static final int DEFAULT_ATTN_POWER = 4;

    private final Map<String, SiteStats> sites;
    private final SqueezeParams params;
    private final double attnBelowBase;

    private Calibration(Map<String, SiteStats> sites, SqueezeParams params, double attnBelowBase) {
        this.sites = sites;
        this.params = params;
        this.attnBelowBase = attnBelowBase;
    }

    public Map<String, SiteStats> sites() {
        return sites;
    }

    public SqueezeParams params() {
        return params;
    }

    /** This calibration with another side computing the normalisations (the statistics do not depend on it). */
    public Calibration withNormalisation(SqueezeParams.Normalisation normalisation) {
        return new Calibration(sites, params.withNormalisation(normalisation), attnBelowBase);
    }

    /** This calibration with ln_2's 1/σ affine under client normalisation ({@link SqueezeParams#affineLn2}). */
    public Calibration withAffineLn2(boolean affine) {
        return new Calibration(sites, params.withAffineLn2(affine), attnBelowBase);
    }

    /** Fraction of calibration scores for which 1 + (s - m)/n is negative (power attention not monotone there). */
    public double attnBelowBase() {
        return attnBelowBase;
    }

    /**
     * @param attnPower n of the power attention (a power of two ≤ 16), or 0 for {@link #DEFAULT_ATTN_POWER};
     *     a per-head temperature maps the calibrated score range [p0.1, max] into the monotone range
     */
    public static Calibration run(Gpt2Teacher teacher, List<int[]> windows, int weightBits, int geluDegree,
            int attnPower) {
        Gpt2Config c = teacher.config();
        int L = c.nLayer();
        int H = c.nHead();
        int P = c.nPositions();
        Map<String, SiteStats.Builder> b = new LinkedHashMap<>();
        List<List<List<Double>>> lnVar = new ArrayList<>(); // site index -> position -> variances
        String[] lnSites = new String[2 * L + 1];
        for (int l = 0; l < L; l++) {
            lnSites[2 * l] = "h." + l + ".ln_1";
            lnSites[2 * l + 1] = "h." + l + ".ln_2";
        }
        lnSites[2 * L] = "ln_f";
        Map<String, Integer> lnIndex = new LinkedHashMap<>();
        for (int i = 0; i < lnSites.length; i++) {
            lnIndex.put(lnSites[i], i);
            List<List<Double>> perPos = new ArrayList<>();
            for (int p = 0; p < P; p++) {
                perPos.add(new ArrayList<>());
            }
            lnVar.add(perPos);
            b.put(lnSites[i] + ".variance", new SiteStats.Builder(lnSites[i] + ".variance"));
        }
        for (int l = 0; l < L; l++) {
            for (int h = 0; h < H; h++) {
                b.put("h." + l + ".attn.head" + h + ".scores", new SiteStats.Builder("h." + l + ".attn.head" + h + ".scores"));
            }
            b.put("h." + l + ".mlp.gelu_in", new SiteStats.Builder("h." + l + ".mlp.gelu_in"));
        }
        // scores[l][h] -> list of (query, scores)
        List<List<List<double[]>>> scores = new ArrayList<>();
        for (int l = 0; l < L; l++) {
            List<List<double[]>> perHead = new ArrayList<>();
            for (int h = 0; h < H; h++) {
                perHead.add(new ArrayList<>());
            }
            scores.add(perHead);
        }
        Gpt2Teacher.Probe probe = new Gpt2Teacher.Probe() {
            @Override
            public void layerNorm(String site, int position, double variance) {
                lnVar.get(lnIndex.get(site)).get(position).add(variance);
                b.get(site + ".variance").add(variance);
            }

            @Override
            public void attentionScores(int layer, int head, int query, double[] s) {
                b.get("h." + layer + ".attn.head" + head + ".scores").addAll(s);
                scores.get(layer).get(head).add(s);
            }

            @Override
            public void geluInputs(int layer, int position, double[] inputs) {
                b.get("h." + layer + ".mlp.gelu_in").addAll(inputs);
            }
        };
        for (int[] w : windows) {
            teacher.forward(w, probe);
        }
        Map<String, SiteStats> stats = new LinkedHashMap<>();
        b.forEach((k, v) -> stats.put(k, v.build()));

        SqueezeParams.Builder p = SqueezeParams.builder(L, H, P);
        p.weightBits = weightBits;
        p.geluDegree = geluDegree;
        p.lnDegree = Integer.getInteger("zkllm.squeeze.lnDegree", 0);
        double eps = c.layerNormEps();
        for (int i = 0; i < lnSites.length; i++) {
            double[] inv = new double[P];
            double fallback = 1.0 / Math.sqrt(stats.get(lnSites[i] + ".variance").mean() + eps);
            for (int pos = 0; pos < P; pos++) {
                // least squares: c = E[σ] / E[σ²] minimises E[(c·σ - 1)²]
                double s1 = 0;
                double s2 = 0;
                List<Double> vs = lnVar.get(i).get(pos);
                for (double v : vs) {
                    double sigma = Math.sqrt(v + eps);
                    s1 += sigma;
                    s2 += sigma * sigma;
                }
                inv[pos] = vs.isEmpty() ? fallback : s1 / s2;
            }
            SiteStats vs = stats.get(lnSites[i] + ".variance");
            p.lnInterval[i][0] = 0.5 * vs.min() + eps;
            p.lnInterval[i][1] = 1.5 * vs.max() + eps;
            if (i == 2 * L) {
                p.lnfInv = inv;
            } else if (i % 2 == 0) {
                p.ln1Inv[i / 2] = inv;
            } else {
                p.ln2Inv[i / 2] = inv;
            }
        }
        int n = attnPower == 0 ? DEFAULT_ATTN_POWER : attnPower;
        SqueezeParams.checkPower(n);
        p.attnPower = n;
        long below = 0;
        long total = 0;
        for (int l = 0; l < L; l++) {
            for (int h = 0; h < H; h++) {
                SiteStats s = stats.get("h." + l + ".attn.head" + h + ".scores");
                // temperature: squeeze the calibrated range [p0.1, max] into the monotone range of (1 + x/n)^n
                double tau = Math.min(1.0, 0.9 * n / Math.max(1e-9, s.max() - s.p001()));
                double m = tau * s.max();
                p.attnScale[l][h] = tau;
                p.attnShift[l][h] = m;
                double[] s1 = new double[P];
                double[] s2 = new double[P];
                for (double[] row : scores.get(l).get(h)) {
                    int q = row.length - 1;
                    double sum = 0;
                    for (double x : row) {
                        double base = 1 + (tau * x - m) / n;
                        if (base < 0) {
                            below++;
                        }
                        total++;
                        sum += Math.pow(base, n);
                    }
                    s1[q] += sum;
                    s2[q] += sum * sum;
                }
                for (int q = 0; q < P; q++) {
                    p.attnInvDen[l][h][q] = s2[q] > 0 ? s1[q] / s2[q] : 1.0 / (q + 1);
                }
            }
            SiteStats g = stats.get("h." + l + ".mlp.gelu_in");
            double margin = GELU_MARGIN * (g.max() - g.min());
            p.geluInterval[l][0] = g.min() - margin;
            p.geluInterval[l][1] = g.max() + margin;
        }
        return new Calibration(stats, p.build(), total == 0 ? 0 : (double) below / total);
    }

    /** The squeeze constants of a calibration file written by {@link #toJson} ({@code zkllm squeeze calibrate}). */
    public static SqueezeParams readParams(Path file) throws ArtifactException {
        JsonNode params;
        try {
            params = new ObjectMapper().readTree(Files.readString(file)).get("params");
        } catch (JsonProcessingException e) {
            throw new ArtifactException("calibration file " + file + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ArtifactException("calibration file " + file + " cannot be read: " + e, e);
        }
        if (params == null || !params.isObject()) {
            throw new ArtifactException("calibration file " + file + " has no \"params\" object: not written by"
                    + " `zkllm squeeze calibrate`");
        }
        try {
            return SqueezeParams.fromJson(params.toString());
        } catch (JsonProcessingException e) {
            throw new ArtifactException("calibration file " + file + ": malformed params: " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ArtifactException("calibration file " + file + ": malformed params: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code params} alone in the form {@link #readParams} reads (an aligned student's constants,
     * which a later alignment or squeeze takes as its {@code --calibration}).
     */
    public static void writeParams(SqueezeParams params, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.set("params", json.readTree(params.toJson()));
        AtomicFiles.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ArrayNode arr = root.putArray("sites");
        for (SiteStats s : sites.values()) {
            arr.add(json.valueToTree(s));
        }
        root.put("attn_below_base_fraction", attnBelowBase);
        try {
            root.set("params", json.readTree(params.toJson()));
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
