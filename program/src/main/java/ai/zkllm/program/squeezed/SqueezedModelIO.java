package ai.zkllm.program.squeezed;

import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.io.SafeTensors;
import ai.zkllm.program.io.Tensor;
import ai.zkllm.program.model.Checkpoint;
import ai.zkllm.program.model.Gpt2Config;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The squeezed model as data: a folder with {@code config.json} (the GPT-2 config),
 * {@code squeezed.json} (attention power, weight bits, the depth table, Chebyshev degrees) and
 * {@code squeezed.safetensors} (integer weights, per-channel scales, biases, calibrated
 * constants, Chebyshev coefficients), plus {@code manifest.json} with the SHA-256 of each file.
 * Its content hash is {@link #modelHash}.
 */
public final class SqueezedModelIO {
    public static final String TENSORS = "squeezed.safetensors";
    public static final String SPEC = "squeezed.json";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SqueezedModelIO() {}

    public static void save(SqueezedModel m, Path dir) throws IOException {
        Gpt2Config c = m.config();
        Map<String, Tensor> t = tensors(m);
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
        try {
            Files.writeString(tmp.resolve(Checkpoint.CONFIG), c.toJson());
            SafeTensors.write(tmp.resolve(TENSORS), t, Map.of("format", "zkllm-squeezed", "version", "" + FORMAT_VERSION));
            Files.writeString(tmp.resolve(SPEC), spec(m));
            Checkpoint.writeManifest(tmp);
            Checkpoint.replaceDir(tmp, dir);
        } finally {
            Checkpoint.deleteTree(tmp);
        }
    }

    /** The model's tensors, by the names of SQUEEZED_MODEL.md. */
    public static Map<String, Tensor> tensors(SqueezedModel m) {
        Gpt2Config c = m.config();
        Map<String, Tensor> t = new LinkedHashMap<>();
        int d = c.nEmbd();
        int P = c.nPositions();
        int H = c.nHead();
        t.put("wte", Tensor.ofFloats(new int[] {c.vocabSize(), d}, m.wte()));
        t.put("wpe", Tensor.ofFloats(new int[] {P, d}, m.wpe()));
        for (int l = 0; l < c.nLayer(); l++) {
            SqueezedModel.Layer L = m.layer(l);
            String p = "h." + l + ".";
            putNorm(t, p + "ln_1", L.ln1, P);
            putMatrix(t, p + "attn.qkv", L.qkv);
            if (!m.clientNormalised()) {
                t.put(p + "attn.shift", Tensor.ofDoubles(new int[] {H}, L.attnShift));
                double[] kappa = new double[H * P];
                for (int h = 0; h < H; h++) {
                    System.arraycopy(L.attnKappa[h], 0, kappa, h * P, P);
                }
                t.put(p + "attn.kappa", Tensor.ofDoubles(new int[] {H, P}, kappa));
            }
            putMatrix(t, p + "attn.proj", L.attnProj);
            putNorm(t, p + "ln_2", L.ln2, P);
            putMatrix(t, p + "mlp.fc", L.fc);
            t.put(p + "mlp.gelu.interval", Tensor.ofDoubles(new int[] {2}, new double[] {L.gelu.lo(), L.gelu.hi()}));
            t.put(p + "mlp.gelu.chebyshev", Tensor.ofDoubles(new int[] {L.gelu.degree() + 1}, L.gelu.coefficients()));
            putMatrix(t, p + "mlp.fc_proj", L.fcProj);
        }
        putNorm(t, "ln_f", m.lnf(), P);
        putMatrix(t, "head", m.head());
        return t;
    }

    /** squeezed.json: format, attention power, normalisation, weight bits, depth table. */
    public static String spec(SqueezedModel m) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", "zkllm-squeezed");
        n.put("version", FORMAT_VERSION);
        n.put("attn_power", m.attnPower());
        n.put("normalisation", m.normalisation().name().toLowerCase());
        n.put("weight_bits", m.head().bits());
        ArrayNode layers = n.putArray("layers");
        for (int l = 0; l < m.layers().length; l++) {
            ObjectNode o = layers.addObject();
            o.put("gelu_degree", m.layer(l).gelu.degree());
            o.put("attention_depth", m.attentionDepth());
            o.put("mlp_depth", m.mlpDepth(l));
        }
        n.put("head_depth", m.headDepth());
        n.put("spec", "squeeze-tooling/SQUEEZED_MODEL.md");
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
    }

    /** The client's exact form has no tensor: squeezed.json's normalisation and config.json's ε define it. */
    private static void putNorm(Map<String, Tensor> t, String name, NormApprox n, int P) {
        if (n.atClient()) {
            return;
        }
        if (n.poly != null) {
            t.put(name + ".inv_sqrt.interval", Tensor.ofDoubles(new int[] {2}, new double[] {n.poly.lo(), n.poly.hi()}));
            t.put(name + ".inv_sqrt.chebyshev", Tensor.ofDoubles(new int[] {n.poly.degree() + 1}, n.poly.coefficients()));
        } else {
            t.put(name + ".inv_sigma", Tensor.ofDoubles(new int[] {P}, n.perPosition));
        }
    }

    private static void putMatrix(Map<String, Tensor> t, String name, QuantizedMatrix q) {
        t.put(name + ".q", Tensor.ofInts(new int[] {q.in(), q.out()}, q.ints()));
        t.put(name + ".scale", Tensor.ofDoubles(new int[] {q.out()}, q.scales()));
        t.put(name + ".bias", Tensor.ofDoubles(new int[] {q.out()}, q.bias()));
    }

    public static SqueezedModel load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ArtifactException("squeezed model folder " + dir + " does not exist");
        }
        Path specFile = dir.resolve(SPEC);
        Path tensorsFile = dir.resolve(TENSORS);
        for (Path f : new Path[] {dir.resolve(Checkpoint.CONFIG), specFile, tensorsFile, dir.resolve(Checkpoint.MANIFEST)}) {
            if (!Files.exists(f)) {
                throw new ArtifactException("missing file " + f);
            }
        }
        Checkpoint.verifyManifest(dir);
        Gpt2Config c = Gpt2Config.read(dir.resolve(Checkpoint.CONFIG));
        JsonNode spec;
        try {
            spec = JSON.readTree(Files.readString(specFile));
        } catch (IOException e) {
            throw new ArtifactException("corrupt " + specFile + ": " + e.getMessage(), e);
        }
        if (spec == null || !"zkllm-squeezed".equals(spec.path("format").asText())
                || spec.path("version").asInt() != FORMAT_VERSION) {
            throw new ArtifactException("unsupported squeezed model format in " + specFile);
        }
        return fromTensors(c, spec, SafeTensors.read(tensorsFile), tensorsFile);
    }

    /** The model from its config, squeezed.json and tensors; {@code tensorsFile} names the origin in errors. */
    public static SqueezedModel fromTensors(Gpt2Config c, JsonNode spec, SafeTensors.Contents st, Path tensorsFile)
            throws IOException {
        int bits = spec.path("weight_bits").asInt(8);
        int d = c.nEmbd();
        int P = c.nPositions();
        int H = c.nHead();
        SqueezeParams.Normalisation normalisation;
        try {
            normalisation = SqueezeParams.normalisation(spec.path("normalisation").asText("calibrated"));
        } catch (IOException e) {
            throw new ArtifactException("squeezed model spec: " + e.getMessage(), e);
        }
        boolean client = normalisation == SqueezeParams.Normalisation.CLIENT;
        Loader ld = new Loader(st, tensorsFile, client ? c.layerNormEps() : Double.NaN);
        float[] wte = ld.floats("wte", c.vocabSize(), d);
        float[] wpe = ld.floats("wpe", P, d);
        SqueezedModel.Layer[] layers = new SqueezedModel.Layer[c.nLayer()];
        for (int l = 0; l < layers.length; l++) {
            String p = "h." + l + ".";
            NormApprox ln1 = ld.norm(p + "ln_1", P);
            QuantizedMatrix qkv = ld.matrix(p + "attn.qkv", d, 3 * d, bits);
            double[] attnShift = null;
            double[][] attnKappa = null;
            if (!client) {
                attnShift = ld.doubles(p + "attn.shift", H);
                double[] kappa = ld.doubles(p + "attn.kappa", H, P);
                attnKappa = new double[H][];
                for (int h = 0; h < H; h++) {
                    attnKappa[h] = Arrays.copyOfRange(kappa, h * P, h * P + P);
                }
            }
            QuantizedMatrix attnProj = ld.matrix(p + "attn.proj", d, d, bits);
            NormApprox ln2 = ld.norm(p + "ln_2", P);
            QuantizedMatrix fc = ld.matrix(p + "mlp.fc", d, c.nInner(), bits);
            double[] iv = ld.doubles(p + "mlp.gelu.interval", 2);
            Tensor cheb = st.require(p + "mlp.gelu.chebyshev", tensorsFile);
            if (cheb.shape().length != 1 || cheb.shape()[0] < 1) {
                throw new ArtifactException("shape mismatch for tensor '" + p + "mlp.gelu.chebyshev' in " + tensorsFile);
            }
            Chebyshev gelu = new Chebyshev(iv[0], iv[1], cheb.toDoubles());
            QuantizedMatrix fcProj = ld.matrix(p + "mlp.fc_proj", c.nInner(), d, bits);
            layers[l] = new SqueezedModel.Layer(ln1, qkv, attnShift, attnKappa, attnProj, ln2, fc, gelu, fcProj);
        }
        NormApprox lnf = ld.norm("ln_f", P);
        QuantizedMatrix head = ld.matrix("head", d, c.vocabSize(), bits);
        return new SqueezedModel(c, wte, wpe, layers, spec.path("attn_power").asInt(), normalisation, lnf,
                head);
    }

    /** SHA-256 of the manifest, which itself lists the hash of every file: the model's content hash. */
    public static String modelHash(Path dir) throws IOException {
        return ai.zkllm.program.io.AtomicFiles.sha256(dir.resolve(Checkpoint.MANIFEST));
    }

    private static final class Loader {
        private final SafeTensors.Contents st;
        private final Path file;
        /** ε of the client's LayerNorm, NaN for the calibrated forms. */
        private final double clientEps;

        Loader(SafeTensors.Contents st, Path file, double clientEps) {
            this.st = st;
            this.file = file;
            this.clientEps = clientEps;
        }

        Tensor get(String name, int... shape) throws ArtifactException {
            Tensor t = st.require(name, file);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new ArtifactException("shape mismatch for tensor '" + name + "' in " + file + ": expected "
                        + Arrays.toString(shape) + ", found " + Arrays.toString(t.shape()));
            }
            return t;
        }

        float[] floats(String name, int... shape) throws ArtifactException {
            Tensor t = get(name, shape);
            if (!t.isFloat()) {
                throw new ArtifactException("tensor '" + name + "' in " + file + " must be floating point");
            }
            return t.floats();
        }

        double[] doubles(String name, int... shape) throws ArtifactException {
            return get(name, shape).toDoubles();
        }

        /** A site with neither tensor is the client's exact form, under client normalisation only. */
        NormApprox norm(String name, int P) throws ArtifactException {
            boolean constants = st.tensors().containsKey(name + ".inv_sigma");
            if (!Double.isNaN(clientEps) && !constants) {
                return NormApprox.client(clientEps);
            }
            if (st.tensors().containsKey(name + ".inv_sqrt.chebyshev")) {
                double[] iv = doubles(name + ".inv_sqrt.interval", 2);
                Tensor c = st.require(name + ".inv_sqrt.chebyshev", file);
                return new NormApprox(new Chebyshev(iv[0], iv[1], c.toDoubles()), null);
            }
            return new NormApprox(null, doubles(name + ".inv_sigma", P));
        }

        QuantizedMatrix matrix(String name, int in, int out, int bits) throws ArtifactException {
            Tensor q = get(name + ".q", in, out);
            if (q.isFloat()) {
                throw new ArtifactException("tensor '" + name + ".q' in " + file + " must be integer");
            }
            int qmax = (1 << (bits - 1)) - 1;
            for (int v : q.ints()) {
                if (Math.abs(v) > qmax) {
                    throw new ArtifactException("tensor '" + name + ".q' in " + file + " holds " + v
                            + ", outside " + bits + "-bit range");
                }
            }
            return new QuantizedMatrix(in, out, bits, q.ints(), doubles(name + ".scale", out), doubles(name + ".bias", out));
        }
    }
}
