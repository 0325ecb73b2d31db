package ai.zkllm.program.model;

import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.io.AtomicFiles;
import ai.zkllm.program.io.SafeTensors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A GPT-2 checkpoint folder in the Hugging Face layout: {@code config.json},
 * {@code model.safetensors}, optionally {@code tokenizer.json}; plus the project's
 * {@code manifest.json} holding the SHA-256 of every file. On load a manifest, when present, is
 * checked and a mismatch is refused naming the file. Saving builds the folder beside the target
 * and renames it into place, so nothing is ever half-written.
 */
public final class Checkpoint {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {}

    public static Gpt2Weights load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ArtifactException("checkpoint folder " + dir + " does not exist");
        }
        verifyManifest(dir);
        Path cfg = dir.resolve(CONFIG);
        Path w = dir.resolve(WEIGHTS);
        if (!Files.exists(cfg)) {
            throw new ArtifactException("missing file " + cfg);
        }
        if (!Files.exists(w)) {
            throw new ArtifactException("missing file " + w);
        }
        return Gpt2Weights.fromSafeTensors(Gpt2Config.read(cfg), w);
    }

    /** Checks every hash listed in {@code manifest.json}; no manifest means nothing to check. */
    public static void verifyManifest(Path dir) throws IOException {
        Path m = dir.resolve(MANIFEST);
        if (!Files.exists(m)) {
            return;
        }
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(m));
        } catch (IOException e) {
            throw new ArtifactException("corrupt manifest " + m + ": " + e.getMessage(), e);
        }
        JsonNode files = n == null ? null : n.get("sha256");
        if (files == null || !files.isObject()) {
            throw new ArtifactException("corrupt manifest " + m + ": no sha256 map");
        }
        Iterator<Map.Entry<String, JsonNode>> it = files.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Path f = dir.resolve(e.getKey());
            if (!f.normalize().startsWith(dir.normalize())) {
                throw new ArtifactException("manifest " + m + " names a file outside its folder: " + e.getKey());
            }
            if (!Files.exists(f)) {
                throw new ArtifactException("missing file " + f + " listed in " + m);
            }
            String got = AtomicFiles.sha256(f);
            if (!got.equals(e.getValue().asText())) {
                throw new ArtifactException("hash mismatch for " + f + ": manifest says " + e.getValue().asText()
                        + ", file has " + got);
            }
        }
    }

    /** Writes a checkpoint folder atomically (built in a sibling temp folder, then renamed). */
    public static void save(Gpt2Weights weights, Path dir, Map<String, String> metadata, Path tokenizerJson)
            throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
        try {
            Files.writeString(tmp.resolve(CONFIG), weights.config.toJson());
            SafeTensors.write(tmp.resolve(WEIGHTS), weights.toTensors(), metadata);
            if (tokenizerJson != null) {
                Files.copy(tokenizerJson, tmp.resolve(TOKENIZER));
            }
            writeManifest(tmp);
            replaceDir(tmp, dir);
        } finally {
            deleteTree(tmp);
        }
    }

    /** Writes {@code manifest.json} listing the SHA-256 of every other file of the folder. */
    public static void writeManifest(Path dir) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode sha = root.putObject("sha256");
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.sorted().toList()) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && !name.equals(MANIFEST) && !name.startsWith(".")) {
                    sha.put(name, AtomicFiles.sha256(f));
                }
            }
        }
        AtomicFiles.writeString(dir.resolve(MANIFEST), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    /** Moves a finished folder over {@code dir}, replacing an older one. */
    public static void replaceDir(Path finished, Path dir) throws IOException {
        if (Files.exists(dir)) {
            Path old = dir.resolveSibling("." + dir.getFileName() + ".old." + System.nanoTime());
            Files.move(dir, old);
            Files.move(finished, dir);
            deleteTree(old);
        } else {
            Files.move(finished, dir);
        }
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
