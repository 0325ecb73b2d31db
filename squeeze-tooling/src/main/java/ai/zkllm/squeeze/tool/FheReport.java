package ai.zkllm.squeeze.tool;

import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;
import ai.zkllm.program.LocalRunner;
import ai.zkllm.program.Logits;
import ai.zkllm.program.artifact.FheArtifact;
import ai.zkllm.program.io.AtomicFiles;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.plan.Stage;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.squeeze.calib.Calibration;
import ai.zkllm.squeeze.compile.CostModel;
import ai.zkllm.squeeze.compile.PlanCompiler;
import ai.zkllm.squeeze.compress.Squeezer;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import ai.zkllm.squeeze.train.Aligner;
import ai.zkllm.squeeze.train.Corpus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * {@code zkllm squeeze report}: perplexity and next-token top-1 agreement of the teacher, the
 * squeezed model in plaintext and the squeezed model under FHE (really encrypted, decrypted by
 * the client), the max logit error FHE vs plaintext, levels, rounds, N, key sizes, seconds per
 * token; and fidelity against weight bits and polynomial degree (plaintext re-squeezes).
 */
public final class FheReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param fhePositions next-token predictions computed under FHE (each costs seconds)
     * @param fheContext context length T of each FHE prediction
     * @param windows held-out windows for the plaintext columns
     * @param bits weight bit widths of the sweep (needs the teacher)
     * @param degrees GELU degrees of the sweep
     * @param sweepAlignSteps KL alignment steps given to each re-squeeze of the sweep (0: calibration only,
     *     where polynomial blow-ups dominate and the sweep shows little)
     * @param trainText the teacher's training text: the sweep's calibration and alignment text
     */
    public record Options(int fhePositions, int fheContext, int windows, int[] bits, int[] degrees,
            int sweepAlignSteps, int[] trainText) {}

    private FheReport() {}

    public static ObjectNode run(FheArtifact artifact, String hash, Gpt2Weights teacherWeights, int[] text,
            Options o, Consumer<String> log) {
        SqueezedModel m = artifact.model();
        Plan plan = artifact.plan();
        ObjectNode r = JSON.createObjectNode();
        r.put("model_hash", hash);
        List<int[]> windows = Corpus.windows(text, Math.min(m.maxContext(), text.length - 1) + 1, o.windows());
        Gpt2Teacher teacher = teacherWeights == null ? null : new Gpt2Teacher(teacherWeights);

        // --- plaintext columns
        ObjectNode plain = r.putObject("plaintext");
        if (teacher != null) {
            Fidelity f = Fidelity.measure(teacher, m, windows);
            plain.put("positions", f.positions());
            plain.put("teacher_perplexity", f.teacherPpl());
            plain.put("squeezed_perplexity", f.studentPpl());
            plain.put("teacher_bits_per_byte", Fidelity.bits(f.teacherPpl()));
            plain.put("squeezed_bits_per_byte", Fidelity.bits(f.studentPpl()));
            plain.put("top1_agreement_teacher", f.top1Agreement());
        } else {
            Fidelity f = Fidelity.measure(m::logitsAll, m::logitsAll, windows);
            plain.put("positions", f.positions());
            plain.put("squeezed_perplexity", f.studentPpl());
            plain.put("squeezed_bits_per_byte", Fidelity.bits(f.studentPpl()));
        }

        // --- FHE columns
        SqueezedFheProgram program = artifact.program(hash, true); // as a miner runs it: encodings kept
        RingBackend backend = RingBackends.preferred();
        LocalRunner runner = new LocalRunner(program, backend, new SecureRandom());
        int t = Math.min(o.fheContext(), m.maxContext());
        int n = Math.max(0, Math.min(o.fhePositions(), (text.length - 1) / t));
        double maxErr = 0;
        int agreePlain = 0;
        int agreeTeacher = 0;
        double nllFhe = 0;
        double nllPlain = 0;
        double nllTeacher = 0;
        double seconds = 0;
        double prefillSeconds = 0;
        for (int k = 0; k < n; k++) {
            int start = (int) ((long) k * (text.length - 1 - t) / Math.max(1, n));
            int[] ctx = Arrays.copyOfRange(text, start, start + t);
            int next = text[start + t];
            // the prompt's prefill (all but the last position), then the timed token: one new position
            long t0 = System.nanoTime();
            if (t > 1) {
                runner.nextTokenLogits(Arrays.copyOf(ctx, t - 1));
            }
            long t1 = System.nanoTime();
            double[] fhe = runner.nextTokenLogits(ctx);
            double s = (System.nanoTime() - t1) / 1e9;
            prefillSeconds += (t1 - t0) / 1e9;
            seconds += s;
            double[] pl = m.logits(ctx);
            for (int v = 0; v < pl.length; v++) {
                maxErr = Math.max(maxErr, Math.abs(pl[v] - fhe[v]));
            }
            agreePlain += Logits.argmax(pl) == Logits.argmax(fhe) ? 1 : 0;
            nllFhe -= Fidelity.logSoftmax(fhe)[next];
            nllPlain -= Fidelity.logSoftmax(pl)[next];
            if (teacher != null) {
                double[][] tl = teacher.forward(ctx);
                double[] last = tl[tl.length - 1];
                agreeTeacher += Logits.argmax(last) == Logits.argmax(fhe) ? 1 : 0;
                nllTeacher -= Fidelity.logSoftmax(last)[next];
            }
            log.accept(String.format("fhe position %d/%d: T = %d, %.2f s, argmax fhe %d / plain %d", k + 1, n, t, s,
                    Logits.argmax(fhe), Logits.argmax(pl)));
        }
        ObjectNode fheNode = r.putObject("fhe");
        fheNode.put("positions", n);
        fheNode.put("context_length", t);
        fheNode.put("perplexity", n == 0 ? Double.NaN : Math.exp(nllFhe / n));
        fheNode.put("bits_per_byte", n == 0 ? Double.NaN : nllFhe / n / Math.log(2));
        fheNode.put("squeezed_plaintext_perplexity_same_positions", n == 0 ? Double.NaN : Math.exp(nllPlain / n));
        fheNode.put("squeezed_plaintext_bits_per_byte_same_positions", n == 0 ? Double.NaN : nllPlain / n / Math.log(2));
        if (teacher != null) {
            fheNode.put("teacher_perplexity_same_positions", n == 0 ? Double.NaN : Math.exp(nllTeacher / n));
            fheNode.put("teacher_bits_per_byte_same_positions", n == 0 ? Double.NaN : nllTeacher / n / Math.log(2));
            fheNode.put("top1_agreement_teacher", n == 0 ? Double.NaN : (double) agreeTeacher / n);
        }
        fheNode.put("top1_agreement_squeezed_plaintext", n == 0 ? Double.NaN : (double) agreePlain / n);
        fheNode.put("top1_agreement_squeezed_plaintext_lower95", n == 0 ? Double.NaN
                : Fidelity.rateLowerBound(agreePlain, n, 0.95));
        fheNode.put("max_logit_error", maxErr);
        fheNode.put("seconds_per_token", n == 0 ? Double.NaN : seconds / n);
        fheNode.put("prefill_seconds", n == 0 ? Double.NaN : prefillSeconds / n);
        fheNode.put("backend", backend.getClass().getSimpleName());
        fheNode.put("key_generation_seconds", runner.keySeconds());

        // --- program shape
        ObjectNode shape = r.putObject("program");
        shape.put("log_n", plan.logN());
        shape.put("n", 1 << plan.logN());
        shape.put("dnum", plan.dnum());
        shape.put("parameters", plan.parameters().toString());
        shape.put("levels_of_deepest_round", plan.depth());
        shape.put("max_level", plan.parameters().maxLevel());
        shape.put("rounds_per_token", plan.roundCount());
        shape.put("rotation_keys", program.rotationSteps().length);
        FheCodec codec = new FheCodec(new CkksContext(plan.parameters(), backend));
        shape.put("evaluation_key_bytes", codec.toBytes(runner.keys()).length);
        shape.put("estimated_seconds_per_token", plan.estimatedSeconds());
        shape.set("plan", plan.toJson());

        // --- sweep: fidelity vs weight bits and GELU degree (re-squeezes of the teacher, calibrated and
        // aligned on its training text, measured on the report's held-out windows)
        ArrayNode sweep = r.putArray("sweep");
        if (teacher != null) {
            int[] train = o.trainText();
            List<int[]> calib = Corpus.windows(train, teacherWeights.config.nPositions(), 64);
            for (int deg : o.degrees()) {
                for (int bits : o.bits()) {
                    SqueezeParams params = Calibration.run(teacher, calib, bits, deg, m.attnPower()).params()
                            .withNormalisation(m.normalisation());
                    Gpt2Weights weights = teacherWeights;
                    if (o.sweepAlignSteps() > 0) {
                        Aligner.Result aligned = Aligner.align(teacherWeights, teacherWeights, params, train,
                                Aligner.Options.recipe(o.sweepAlignSteps(), 2e-3, 0), null);
                        weights = aligned.weights();
                        params = aligned.params();
                    }
                    Fidelity f = Fidelity.measure(teacher, Squeezer.squeeze(weights, params), windows);
                    ObjectNode e = sweep.addObject();
                    e.put("weight_bits", bits);
                    e.put("gelu_degree", deg);
                    e.put("align_steps", o.sweepAlignSteps());
                    e.put("top1_agreement_teacher", f.top1Agreement());
                    e.put("perplexity", f.studentPpl());
                    log.accept(String.format("sweep: %d bits, degree %d, %d alignment steps: top-1 %.3f, ppl %.3f",
                            bits, deg, o.sweepAlignSteps(), f.top1Agreement(), f.studentPpl()));
                }
            }
        }
        return r;
    }

    /** Writes {@code prefix.json} and {@code prefix.png} atomically. */
    public static void write(ObjectNode report, Path json, Path png) throws IOException {
        AtomicFiles.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
        BufferedImage img = plot(report);
        Path parent = png.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + png.getFileName(), ".tmp");
        try {
            ImageIO.write(img, "png", tmp.toFile());
            AtomicFiles.move(tmp, png);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Top-1 agreement with the teacher against weight bits, one line per GELU degree. */
    static BufferedImage plot(ObjectNode report) {
        int w = 760;
        int h = 480;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int left = 70;
        int right = w - 170;
        int top = 50;
        int bottom = h - 60;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Squeezed fidelity: top-1 agreement with the teacher", left, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        JsonNode first = report.path("sweep").path(0);
        if (!first.isMissingNode()) {
            g.drawString("each point: calibrated, then " + first.path("align_steps").asInt()
                    + " KL alignment steps; shipped model: " + String.format("%.3f",
                    report.path("plaintext").path("top1_agreement_teacher").asDouble()), left, 44);
        }
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        TreeMap<Integer, List<double[]>> lines = new TreeMap<>();
        int minBits = Integer.MAX_VALUE;
        int maxBits = Integer.MIN_VALUE;
        for (JsonNode e : report.path("sweep")) {
            int bits = e.get("weight_bits").asInt();
            minBits = Math.min(minBits, bits);
            maxBits = Math.max(maxBits, bits);
            lines.computeIfAbsent(e.get("gelu_degree").asInt(), k -> new ArrayList<>())
                    .add(new double[] {bits, e.get("top1_agreement_teacher").asDouble()});
        }
        if (lines.isEmpty()) {
            g.drawString("no sweep (run with --teacher to re-squeeze at several bit widths and degrees)", left + 10,
                    (top + bottom) / 2);
        } else {
            if (minBits == maxBits) {
                minBits--;
                maxBits++;
            }
            for (int i = 0; i <= 5; i++) {
                double v = i / 5.0;
                int y = (int) (bottom - v * (bottom - top));
                g.setColor(new Color(225, 225, 225));
                g.drawLine(left + 1, y, right, y);
                g.setColor(Color.BLACK);
                g.drawString(String.format("%.1f", v), left - 30, y + 4);
            }
            for (int b = minBits; b <= maxBits; b++) {
                int x = left + (int) ((double) (b - minBits) / (maxBits - minBits) * (right - left));
                g.drawLine(x, bottom, x, bottom + 4);
                g.drawString("" + b, x - 4, bottom + 18);
            }
            g.drawString("weight bits", (left + right) / 2 - 30, bottom + 34);
            g.drawString("top-1", 15, top - 10);
            Color[] palette = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
                new Color(214, 39, 40), new Color(148, 103, 189)};
            int li = 0;
            g.setStroke(new BasicStroke(2f));
            for (var e : lines.entrySet()) {
                g.setColor(palette[li % palette.length]);
                List<double[]> pts = e.getValue();
                pts.sort((a, b) -> Double.compare(a[0], b[0]));
                int px = -1;
                int py = -1;
                for (double[] p : pts) {
                    int x = left + (int) ((p[0] - minBits) / (maxBits - minBits) * (right - left));
                    int y = (int) (bottom - p[1] * (bottom - top));
                    g.fillOval(x - 4, y - 4, 8, 8);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    px = x;
                    py = y;
                }
                g.drawString("GELU degree " + e.getKey(), right + 15, top + 20 + 20 * li);
                li++;
            }
        }
        JsonNode fhe = report.path("fhe");
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format("FHE vs plaintext: top-1 %.3f, max logit err %.2e, %.1f s/token (%s)",
                fhe.path("top1_agreement_squeezed_plaintext").asDouble(Double.NaN),
                fhe.path("max_logit_error").asDouble(Double.NaN), fhe.path("seconds_per_token").asDouble(Double.NaN),
                fhe.path("backend").asText("")), left, h - 4);
        g.dispose();
        return img;
    }

    /** Plans {@code m} with the fixed {@link CostModel#JAVA_N14} (reproducible bytes, as shipped). */
    public static FheArtifact compile(SqueezedModel m, double rttSeconds, int planningContext, Consumer<String> log) {
        return compile(m, CostModel.JAVA_N14, rttSeconds, planningContext, log);
    }

    /** Compiles a squeezed model into an artifact, printing the planner's trade-off. */
    public static FheArtifact compile(SqueezedModel m, CostModel cost, double rttSeconds, int planningContext,
            Consumer<String> log) {
        return new FheArtifact(m, new PlanCompiler(m, cost, rttSeconds, planningContext).compile(log));
    }
}
