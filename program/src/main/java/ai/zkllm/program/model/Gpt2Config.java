package ai.zkllm.program.model;

import ai.zkllm.program.io.ArtifactException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The subset of a Hugging Face GPT-2 {@code config.json} that the forward pass needs. Only the
 * GPT-2 architecture (pre-LayerNorm decoder, learned positions, Conv1D projections, tanh GELU,
 * attention scores scaled by 1/sqrt(head size), tied LM head) is accepted; a field that would make
 * Hugging Face compute something else is refused by name, in one line.
 */
public record Gpt2Config(int nLayer, int nHead, int nEmbd, int nPositions, int vocabSize, int nInner,
        String activation, double layerNormEps) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Hugging Face's names of one function, 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))). */
    private static final List<String> TANH_GELU = List.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");

    public Gpt2Config {
        if (nLayer <= 0 || nHead <= 0 || nEmbd <= 0 || nPositions <= 0 || vocabSize <= 0 || nInner <= 0) {
            throw new IllegalArgumentException("config dimensions must be positive");
        }
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not a multiple of n_head " + nHead);
        }
    }

    public static Gpt2Config of(int nLayer, int nHead, int nEmbd, int nPositions, int vocabSize) {
        return new Gpt2Config(nLayer, nHead, nEmbd, nPositions, vocabSize, 4 * nEmbd, "gelu_new", 1e-5);
    }

    public int headDim() {
        return nEmbd / nHead;
    }

    public static Gpt2Config read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ArtifactException("cannot read config " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses config JSON; {@code file} names its origin in error messages. */
    public static Gpt2Config parse(String text, String file) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (IOException e) {
            throw new ArtifactException("cannot read config " + file + ": " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new ArtifactException("corrupt config " + file + ": not a JSON object");
        }
        String modelType = n.path("model_type").asText("gpt2");
        boolean archOk = true;
        if (n.has("architectures")) {
            archOk = false;
            for (JsonNode a : n.get("architectures")) {
                if (a.asText().equals("GPT2LMHeadModel") || a.asText().equals("GPT2Model")) {
                    archOk = true;
                }
            }
        }
        if (!modelType.equals("gpt2") || !archOk) {
            throw new ArtifactException("unsupported architecture in " + file + ": model_type=" + modelType
                    + ", architectures=" + n.path("architectures") + " (only GPT-2 / GPT2LMHeadModel is supported)");
        }
        String act = n.path("activation_function").asText("gelu_new");
        if (!TANH_GELU.contains(act)) {
            throw unsupported(file, n, "activation_function", "the teacher computes the tanh GELU " + TANH_GELU);
        }
        for (String k : new String[] {"n_layer", "n_head", "n_embd", "n_positions", "vocab_size"}) {
            if (!n.hasNonNull(k)) {
                throw new ArtifactException("config " + file + " lacks '" + k + "'");
            }
        }
        if (!n.path("scale_attn_weights").asBoolean(true)) {
            throw unsupported(file, n, "scale_attn_weights", "attention scores are divided by sqrt(head size)");
        }
        if (n.path("scale_attn_by_inverse_layer_idx").asBoolean(false)) {
            throw unsupported(file, n, "scale_attn_by_inverse_layer_idx",
                    "attention scores are not divided by the layer number");
        }
        if (n.path("add_cross_attention").asBoolean(false)) {
            throw unsupported(file, n, "add_cross_attention", "a decoder-only model has no cross-attention");
        }
        // reorder_and_upcast_attn is accepted: it only moves the scaling and computes it in float32 under
        // autocast; the scores are the same real numbers, and the teacher computes them in doubles anyway.
        int embd = n.get("n_embd").asInt();
        int inner = n.hasNonNull("n_inner") ? n.get("n_inner").asInt() : 4 * embd;
        try {
            return new Gpt2Config(n.get("n_layer").asInt(), n.get("n_head").asInt(), embd,
                    n.get("n_positions").asInt(), n.get("vocab_size").asInt(), inner, act,
                    n.path("layer_norm_epsilon").asDouble(1e-5));
        } catch (IllegalArgumentException e) {
            throw new ArtifactException("invalid config " + file + ": " + e.getMessage(), e);
        }
    }

    /** One line naming the field, its value and what the teacher computes instead. */
    private static ArtifactException unsupported(String file, JsonNode config, String field, String instead) {
        return new ArtifactException(file + ": " + field + " = " + config.get(field) + " is not supported ("
                + instead + ")");
    }

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("GPT2LMHeadModel");
        n.put("model_type", "gpt2");
        n.put("n_layer", nLayer);
        n.put("n_head", nHead);
        n.put("n_embd", nEmbd);
        n.put("n_positions", nPositions);
        n.put("n_ctx", nPositions);
        n.put("n_inner", nInner);
        n.put("vocab_size", vocabSize);
        n.put("activation_function", activation);
        n.put("layer_norm_epsilon", layerNormEps);
        n.put("tie_word_embeddings", true);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
