package ai.zkllm.squeeze.tool;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.zkllm.program.artifact.ShippedArtifact;
import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.io.AtomicFiles;
import ai.zkllm.program.model.Checkpoint;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.squeezed.SqueezeParams;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.program.squeezed.SqueezedModelIO;
import ai.zkllm.program.tokenize.ByteTokenizer;
import ai.zkllm.program.tokenize.TextTokenizer;
import ai.zkllm.squeeze.calib.Calibration;
import ai.zkllm.squeeze.compress.Squeezer;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import ai.zkllm.squeeze.tokenize.HfTokenizer;
import ai.zkllm.squeeze.train.Ablation;
import ai.zkllm.squeeze.train.Aligner;
import ai.zkllm.squeeze.train.Corpus;
import ai.zkllm.squeeze.train.Djl;
import ai.zkllm.squeeze.train.DjlGpt2;
import ai.zkllm.squeeze.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The small API behind {@code zkllm squeeze …}: train the reference model, import a GPT-2
 * checkpoint, calibrate, squeeze, align, and report plaintext fidelity.
 */
public final class SqueezeTool {
    private SqueezeTool() {}

    /**
     * Trains a reference model with its recipe (or {@code steps} steps) and saves it to {@code out}; every
     * {@code checkpointEvery} steps (0: never) the weights so far are saved there too, so an interrupted run
     * still leaves a model.
     */
    public static Trainer.Result train(TrainingRecipe recipe, Path out, int steps, int checkpointEvery,
            Consumer<String> log) throws IOException {
        Trainer.Options r = recipe.options();
        Trainer.Options o = new Trainer.Options(steps > 0 ? steps : r.steps(), r.batch(), r.lr(), r.seed());
        Trainer.Checkpoints checkpoints = new Trainer.Checkpoints(checkpointEvery, (step, w) -> {
            try {
                saveTrained(w, out, step, o, recipe);
                if (log != null) {
                    log.accept("checkpoint: step " + step + " -> " + out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Trainer.Result res = Trainer.train(recipe.config(), recipe.corpus().train(), o, log, checkpoints);
        saveTrained(res.weights(), out, o.steps(), o, recipe);
        return res;
    }

    private static void saveTrained(Gpt2Weights w, Path out, int step, Trainer.Options o, TrainingRecipe recipe)
            throws IOException {
        Checkpoint.save(w, out, Map.of("trainer", "zkllm-squeeze", "steps", "" + step, "seed", "" + o.seed(),
                "corpus", recipe.corpusName()), null);
    }

    /** Imports (loads and checks) a Hugging Face GPT-2 folder: config.json, model.safetensors, [tokenizer.json]. */
    public static Gpt2Weights importCheckpoint(Path dir) throws IOException {
        return Checkpoint.load(dir);
    }

    /** The tokenizer of a checkpoint folder: its tokenizer.json through DJL, else the byte vocabulary. */
    public static TextTokenizer tokenizer(Path dir, Gpt2Config c) throws IOException {
        Path tj = dir.resolve(Checkpoint.TOKENIZER);
        if (Files.exists(tj)) {
            return HfTokenizer.load(tj, c.vocabSize());
        }
        if (c.vocabSize() != 256) {
            throw new ArtifactException("missing file " + tj + " (needed: vocabulary of " + c.vocabSize()
                    + " is not the 256-byte vocabulary)");
        }
        return new ByteTokenizer();
    }

    /** Calibration windows (context-length slices of the text), deterministic. */
    public static List<int[]> windows(int[] tokens, int length, int max) {
        return Corpus.windows(tokens, length, max);
    }

    public static Calibration calibrate(Gpt2Weights w, List<int[]> windows, int weightBits, int geluDegree,
            int attnPower) {
        return Calibration.run(new Gpt2Teacher(w), windows, weightBits, geluDegree, attnPower);
    }

    public static SqueezedModel squeeze(Gpt2Weights w, SqueezeParams p) {
        return Squeezer.squeeze(w, p);
    }

    /**
     * Aligns a student that starts from {@code start} (the teacher's weights, or an aligned student saved
     * by {@link #saveAligned}) and {@code params} (a calibration's constants, or that student's).
     */
    public static Aligner.Result align(Gpt2Weights teacher, Gpt2Weights start, SqueezeParams params, int[] tokens,
            Aligner.Options o, Consumer<String> log) {
        return Aligner.align(teacher, start, params, tokens, o, log);
    }

    /** The params file of an aligned student's folder ({@link #saveAligned}), a calibration file in form. */
    public static final String ALIGNED_PARAMS = "squeeze-params.json";

    /**
     * Writes an aligned student before quantization, so that an alignment can be continued or
     * re-squeezed: its weights as a GPT-2 checkpoint folder and its constants as {@link #ALIGNED_PARAMS}.
     */
    public static void saveAligned(Aligner.Result aligned, Path dir) throws IOException {
        Checkpoint.save(aligned.weights(), dir, Map.of("zkllm", "aligned squeezed student (float, before quantization)"),
                null);
        Calibration.writeParams(aligned.params(), dir.resolve(ALIGNED_PARAMS));
        Checkpoint.writeManifest(dir);
    }

    public static Fidelity report(Gpt2Weights teacher, SqueezedModel student, List<int[]> heldOutWindows) {
        return Fidelity.measure(new Gpt2Teacher(teacher), student, heldOutWindows);
    }

    /**
     * What a squeezed site costs: aligns the DJL student with the sites {@code ablation} names in their
     * exact form ({@code o.steps() = 0}: calibration only), then measures it against the teacher on the
     * held-out windows. In float, before weight quantization.
     */
    public static Fidelity ablate(Gpt2Weights teacher, SqueezeParams calibrated, Ablation ablation, int[] trainTokens,
            Aligner.Options o, List<int[]> heldOutWindows, Consumer<String> log) {
        Gpt2Weights weights = teacher;
        SqueezeParams params = calibrated;
        if (o.steps() > 0) {
            Aligner.Result r = Aligner.align(teacher, calibrated, ablation, trainTokens, o, log);
            weights = r.weights();
            params = r.params();
        }
        try (NDManager m = Djl.engine().newBaseManager();
                DjlGpt2 t = DjlGpt2.fromWeights(m, teacher, null, false);
                DjlGpt2 s = DjlGpt2.fromWeights(m, weights, params, false, ablation)) {
            return Fidelity.measure(ctx -> logits(m, t, ctx), ctx -> logits(m, s, ctx), heldOutWindows);
        }
    }

    /** The teacher's perplexity per token on windows of length T+1 ({@link Fidelity#perplexity}), in DJL. */
    public static double perplexity(Gpt2Weights teacher, List<int[]> windows) {
        try (NDManager m = Djl.engine().newBaseManager(); DjlGpt2 t = DjlGpt2.fromWeights(m, teacher, null, false)) {
            return Fidelity.perplexity(ctx -> logits(m, t, ctx), windows);
        }
    }

    private static double[][] logits(NDManager m, DjlGpt2 model, int[] context) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            float[] flat = model.forward(DjlGpt2.batch(m, List.of(context))).toFloatArray();
            int vocab = model.config().vocabSize();
            double[][] out = new double[context.length][vocab];
            for (int t = 0; t < context.length; t++) {
                for (int v = 0; v < vocab; v++) {
                    out[t][v] = flat[t * vocab + v];
                }
            }
            return out;
        }
    }

    /** Copies a classpath folder (e.g. the shipped reference checkpoint) to a directory. */
    public static Path extractResourceDir(String resourceDir, List<String> files, Path out) throws IOException {
        Files.createDirectories(out);
        for (String f : files) {
            try (InputStream in = SqueezeTool.class.getResourceAsStream(resourceDir + "/" + f)) {
                if (in == null) {
                    throw new ArtifactException("missing resource " + resourceDir + "/" + f);
                }
                Files.write(out.resolve(f), in.readAllBytes());
            }
        }
        return out;
    }

    /** The shipped reference checkpoint, copied to {@code out}. */
    public static Path shippedReference(Path out) throws IOException {
        return extractResourceDir(ReferenceModel.RESOURCE_DIR,
                List.of(Checkpoint.CONFIG, Checkpoint.WEIGHTS, Checkpoint.MANIFEST), out);
    }

    /** The shipped English reference checkpoint (Jane Austen), copied to {@code out}. */
    public static Path shippedEnglish(Path out) throws IOException {
        return extractResourceDir(ReferenceModel.ENGLISH_RESOURCE_DIR,
                List.of(Checkpoint.CONFIG, Checkpoint.WEIGHTS, Checkpoint.MANIFEST), out);
    }

    /** A shipped squeezed (aligned) model, copied to {@code out}. */
    public static Path shippedSqueezed(ShippedArtifact model, Path out) throws IOException {
        return extractResourceDir(model.squeezedResourceDir(), List.of(Checkpoint.CONFIG,
                SqueezedModelIO.SPEC, SqueezedModelIO.TENSORS, Checkpoint.MANIFEST), out);
    }

    static String hash(Path f) throws IOException {
        return AtomicFiles.sha256(f);
    }
}
