package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.program.io.ArtifactException;
import ai.zkllm.program.io.SafeTensors;
import ai.zkllm.program.io.Tensor;
import ai.zkllm.program.model.Checkpoint;
import ai.zkllm.program.model.Gpt2Weights;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Hugging Face GPT-2 folder whose math the teacher would get wrong is refused with the field or
 * tensor named; fields and buffers that do not change the math import. Each folder is written here.
 */
class ImportRefusalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Gpt2Weights TINY = TinyGpt2.weights();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"\"scale_attn_by_inverse_layer_idx\": true", "\"scale_attn_weights\": false",
        "\"add_cross_attention\": true", "\"activation_function\": \"gelu\"", "\"activation_function\": \"relu\""})
    void configFieldThatChangesTheMathIsRefusedByName(String field) throws Exception {
        Path hf = folder(field, TINY.toTensors());
        String message = assertThrows(ArtifactException.class, () -> Checkpoint.load(hf)).getMessage();
        String name = field.substring(1, field.indexOf('"', 1));
        assertTrue(message.contains("config.json: " + name + " = ") && message.contains("is not supported")
                && !message.contains("\n"), message);
    }

    @Test
    void untiedLmHeadIsRefusedByName() throws Exception {
        Map<String, Tensor> t = TINY.toTensors();
        float[] head = TINY.wte.clone();
        head[5] += 0.5f;
        t.put("lm_head.weight", Tensor.ofFloats(t.get("wte.weight").shape(), head));
        Path hf = folder("", t);
        String message = assertThrows(ArtifactException.class, () -> Checkpoint.load(hf)).getMessage();
        assertTrue(message.contains("'lm_head.weight'") && message.contains("untied"), message);
    }

    @Test
    void tensorTheTeacherWouldIgnoreIsRefusedByName() throws Exception {
        Map<String, Tensor> t = TINY.toTensors();
        t.put("h.0.crossattention.c_attn.weight", Tensor.ofFloats(new int[] {8, 16}, new float[128]));
        Path hf = folder("", t);
        String message = assertThrows(ArtifactException.class, () -> Checkpoint.load(hf)).getMessage();
        assertTrue(message.contains("unexpected tensor 'h.0.crossattention.c_attn.weight'"), message);
    }

    @Test
    void unknownDtypeIsRefusedNamingTensorAndDtype() throws Exception {
        Map<String, Tensor> t = TINY.toTensors();
        t.put("h.0.attn.bias", Tensor.ofInts(new int[] {4}, new int[] {1, 0, 1, 1}));
        Path hf = folder("", t);
        setDtype(hf.resolve(Checkpoint.WEIGHTS), "h.0.attn.bias", "F8_E4M3");
        String message = assertThrows(ArtifactException.class, () -> Checkpoint.load(hf)).getMessage();
        assertTrue(message.contains("F8_E4M3") && message.contains("'h.0.attn.bias'"), message);
    }

    /** What GPT2LMHeadModel.save_pretrained writes: prefixed names, bool and float mask buffers, a tied head. */
    @Test
    void causalMaskBuffersTiedHeadAndFieldsOfTheSameMathImport() throws Exception {
        int positions = TINY.config.nPositions();
        int[] lowerTriangle = new int[positions * positions];
        for (int i = 0; i < positions; i++) {
            Arrays.fill(lowerTriangle, i * positions, i * positions + i + 1, 1);
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        TINY.toTensors().forEach((name, tensor) -> t.put("transformer." + name, tensor));
        t.put("transformer.h.0.attn.bias", Tensor.ofInts(new int[] {1, 1, positions, positions}, lowerTriangle));
        t.put("transformer.h.0.attn.masked_bias", Tensor.ofFloats(new int[] {}, new float[] {-1e4f}));
        t.put("lm_head.weight", TINY.toTensors().get("wte.weight"));
        Path hf = folder("\"reorder_and_upcast_attn\": true, \"activation_function\": \"gelu_pytorch_tanh\", "
                + "\"n_inner\": null, \"layer_norm_epsilon\": 1e-3, \"tie_word_embeddings\": true", t);
        setDtype(hf.resolve(Checkpoint.WEIGHTS), "transformer.h.0.attn.bias", "BOOL");

        Gpt2Weights w = Checkpoint.load(hf);
        assertEquals(4 * TINY.config.nEmbd(), w.config.nInner());
        assertEquals(1e-3, w.config.layerNormEps());
        assertArrayEquals(TINY.wte, w.wte);
        assertArrayEquals(TINY.layers[0].attnW, w.layers[0].attnW);
    }

    /** A Hugging Face folder (no manifest): the tiny model's config with {@code fields} set, and {@code tensors}. */
    private Path folder(String fields, Map<String, Tensor> tensors) throws Exception {
        Path hf = Files.createDirectories(dir.resolve("hf"));
        ObjectNode config = (ObjectNode) JSON.readTree(TINY.config.toJson());
        config.setAll((ObjectNode) JSON.readTree("{" + fields + "}"));
        Files.writeString(hf.resolve(Checkpoint.CONFIG), config.toString());
        SafeTensors.write(hf.resolve(Checkpoint.WEIGHTS), tensors, Map.of("format", "pt"));
        return hf;
    }

    /** Rewrites one tensor's dtype in a safetensors header (same element width), as torch would have saved it. */
    private static void setDtype(Path file, String tensor, String dtype) throws Exception {
        byte[] all = Files.readAllBytes(file);
        int headerLength = (int) ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(new String(all, 8, headerLength, StandardCharsets.UTF_8));
        ((ObjectNode) header.get(tensor)).put("dtype", dtype);
        byte[] h = JSON.writeValueAsBytes(header);
        int data = all.length - 8 - headerLength;
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + data).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(all, 8 + headerLength, data);
        Files.write(file, out.array());
    }
}
