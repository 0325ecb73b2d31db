package ai.zkllm.squeeze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.program.io.SafeTensors;
import ai.zkllm.program.io.Tensor;
import ai.zkllm.program.model.Gpt2Weights;
import ai.zkllm.program.tokenize.TextTokenizer;
import ai.zkllm.squeeze.model.Gpt2Teacher;
import ai.zkllm.squeeze.tool.SqueezeTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-model import: a folder laid out like Hugging Face's gpt2 (prefixed names, extra buffers, tokenizer.json). */
class ImportTest {
    @TempDir
    Path dir;

    @Test
    void importsHuggingFaceLayoutWithPrefixBuffersAndTokenizer() throws Exception {
        Gpt2Weights ref = Shipped.reference();
        Map<String, Tensor> t = new LinkedHashMap<>();
        ref.toTensors().forEach((k, v) -> t.put("transformer." + k, v));
        int T = ref.config.nPositions();
        for (int l = 0; l < ref.config.nLayer(); l++) {
            t.put("transformer.h." + l + ".attn.bias", Tensor.ofFloats(new int[] {1, 1, T, T}, new float[T * T]));
        }
        t.put("lm_head.weight", ref.toTensors().get("wte.weight"));
        Path hf = dir.resolve("hf-gpt2");
        Files.createDirectories(hf);
        SafeTensors.write(hf.resolve("model.safetensors"), t, Map.of("format", "pt"));
        Files.writeString(hf.resolve("config.json"), ref.config.toJson().replace("{",
                "{\n  \"_name_or_path\": \"gpt2\", \"n_ctx\": " + T + ", \"summary_type\": \"cls_index\","));
        Files.writeString(hf.resolve("tokenizer.json"), "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
                + "\"added_tokens\":[],\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
                + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\","
                + "\"vocab\":{\"hello\":0,\"world\":1,\"[UNK]\":2},\"unk_token\":\"[UNK]\"}}");
        Gpt2Weights w = SqueezeTool.importCheckpoint(hf);
        int[] ctx = {72, 101, 108, 108, 111};
        assertArrayEquals(new Gpt2Teacher(ref).forward(ctx)[4], new Gpt2Teacher(w).forward(ctx)[4], 0.0);
        TextTokenizer tok = SqueezeTool.tokenizer(hf, w.config);
        assertArrayEquals(new int[] {0, 1, 2}, tok.encode("hello world zebra"));
        assertEquals(ref.parameterCount(), w.parameterCount());
    }
}
