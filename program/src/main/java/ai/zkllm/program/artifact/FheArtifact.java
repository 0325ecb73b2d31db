package ai.zkllm.program.artifact;

import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.io.AtomicFiles;
import ai.zkllm.program.io.SafeTensors;
import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.program.plan.Plan;
import ai.zkllm.program.plan.SqueezedFheProgram;
import ai.zkllm.program.squeezed.SqueezedModel;
import ai.zkllm.program.squeezed.SqueezedModelIO;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compiled model as ONE versioned file: a safetensors file whose tensors are the squeezed
 * model (quantized weights, per-channel scales, biases, calibrated constants, Chebyshev
 * polynomials) and whose {@code __metadata__} carries the manifest: format and version, the GPT-2
 * config, squeezed.json, the FHE plan (rounds, levels) and the parameter set. Its content hash is
 * the SHA-256 of the file's bytes; miners, validators and clients load it by that hash
 * ({@link ArtifactStore}).
 */
public record FheArtifact(SqueezedModel model, Plan plan) {
    public static final String FORMAT = "zkllm-fhe-program";
    /** 2: one stage per round, inputs at the round's depth, client-held cache (version 1 plans are refused). */
    public static final int VERSION = 2;
    public static final String EXTENSION = ".zkfhe";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes atomically (temp file + move; nothing half-written) and returns the content hash. */
    public String write(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", "" + VERSION);
        meta.put("config", model.config().toJson());
        meta.put("squeezed", SqueezedModelIO.spec(model));
        meta.put("plan", plan.toJson().toString());
        meta.put("parameters", plan.parameters().toString());
        SafeTensors.write(file, SqueezedModelIO.tensors(model), meta);
        return AtomicFiles.sha256(file);
    }

    /** Reads a file, checking its SHA-256 against {@code expectedHash} (null: no check). */
    public static FheArtifact read(Path file, String expectedHash) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ArtifactException("missing artifact file " + file);
        }
        String hash = AtomicFiles.sha256(file);
        if (expectedHash != null && !expectedHash.equalsIgnoreCase(hash)) {
            throw new ArtifactException("hash mismatch for artifact " + file + ": expected " + expectedHash
                    + ", content hashes to " + hash);
        }
        SafeTensors.Contents st = SafeTensors.read(file);
        Map<String, String> meta = st.metadata();
        if (meta == null || !FORMAT.equals(meta.get("format"))) {
            throw new ArtifactException("not a zkLLM FHE artifact: " + file + " (metadata format "
                    + (meta == null ? null : meta.get("format")) + ")");
        }
        if (!("" + VERSION).equals(meta.get("version"))) {
            throw new ArtifactException("unsupported artifact version " + meta.get("version") + " in " + file
                    + " (this build reads version " + VERSION + ")");
        }
        try {
            Gpt2Config c = Gpt2Config.parse(meta.get("config"), file + " (metadata config)");
            JsonNode spec = JSON.readTree(meta.get("squeezed"));
            SqueezedModel m = SqueezedModelIO.fromTensors(c, spec, st, file);
            Plan plan = Plan.fromJson(JSON.readTree(meta.get("plan")));
            if (!plan.parameters().toString().equals(meta.get("parameters"))) {
                throw new ArtifactException("corrupt artifact " + file + ": plan parameters " + plan.parameters()
                        + " differ from the recorded " + meta.get("parameters"));
            }
            return new FheArtifact(m, plan);
        } catch (ArtifactException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ArtifactException("corrupt artifact " + file + ": " + e, e);
        }
    }

    /** The program, bound to this artifact's content hash. */
    public SqueezedFheProgram program(String hash, boolean cacheEncodings) {
        return new SqueezedFheProgram(model, plan, hash, cacheEncodings);
    }

    /** A program from an artifact file (hash = its SHA-256), or from a store folder and a hash. */
    public static SqueezedFheProgram loadProgram(Path fileOrStore, String hash) throws IOException {
        return loadProgram(fileOrStore, hash, false);
    }

    /**
     * As {@link #loadProgram(Path, String)}; {@code cacheEncodings} keeps the encoded diagonals
     * (about 100 MB for the reference shape; tokens after the first skip all diagonal encodings).
     */
    public static SqueezedFheProgram loadProgram(Path fileOrStore, String hash, boolean cacheEncodings)
            throws IOException {
        if (Files.isDirectory(fileOrStore)) {
            return new ArtifactStore(fileOrStore).load(hash).program(hash, cacheEncodings);
        }
        FheArtifact a = read(fileOrStore, hash);
        return a.program(hash != null ? hash : AtomicFiles.sha256(fileOrStore), cacheEncodings);
    }
}
