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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsNamesShapesAndValues() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a.weight", Tensor.ofFloats(new int[] {2, 3}, new float[] {1, -2, 3.5f, 0, 1e-7f, -1e9f}));
        t.put("b.q", Tensor.ofInts(new int[] {3}, new int[] {-127, 0, 127}));
        t.put("c.big", Tensor.ofInts(new int[] {2}, new int[] {100000, -5}));
        Path f = dir.resolve("x.safetensors");
        SafeTensors.write(f, t, Map.of("k", "v"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(t.keySet(), c.tensors().keySet());
        assertEquals("I8", c.tensors().get("b.q").dtype());
        assertEquals("I32", c.tensors().get("c.big").dtype());
        assertArrayEquals(t.get("a.weight").floats(), c.tensors().get("a.weight").floats());
        assertArrayEquals(new int[] {2, 3}, c.tensors().get("a.weight").shape());
        assertArrayEquals(t.get("b.q").ints(), c.tensors().get("b.q").ints());
        assertArrayEquals(t.get("c.big").ints(), c.tensors().get("c.big").ints());
        assertEquals("v", c.metadata().get("k"));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp files left behind");
        }
    }

    @Test
    void readsHalfAndBfloat16() throws Exception {
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + hb.length + 6).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(hb.length).put(hb);
        buf.putShort((short) 0x3c00).putShort((short) 0xc000); // 1.0, -2.0
        buf.putShort((short) 0x4040); // 3.0 in bf16
        Path f = dir.resolve("h.safetensors");
        Files.write(f, buf.array());
        SafeTensors.Contents c = SafeTensors.read(f);
        assertArrayEquals(new float[] {1f, -2f}, c.tensors().get("h").floats());
        assertArrayEquals(new float[] {3f}, c.tensors().get("b").floats());
    }

    @Test
    void boolAndUnsignedBytesAreReadAndWrittenBackAsI32() throws Exception {
        String header = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2,2],\"data_offsets\":[0,4]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]}}";
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + hb.length + 6).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(hb.length).put(hb).put(new byte[] {1, 0, 1, 1, (byte) 200, 7});
        Path f = dir.resolve("b.safetensors");
        Files.write(f, buf.array());
        SafeTensors.Contents c = SafeTensors.read(f);
        assertArrayEquals(new int[] {1, 0, 1, 1}, c.tensors().get("m").ints());
        assertArrayEquals(new int[] {200, 7}, c.tensors().get("u").ints());
        Path again = dir.resolve("again.safetensors");
        SafeTensors.write(again, c.tensors(), null);
        SafeTensors.Contents d = SafeTensors.read(again);
        assertEquals("I32", d.tensors().get("u").dtype());
        assertArrayEquals(new int[] {200, 7}, d.tensors().get("u").ints());
        assertArrayEquals(new int[] {1, 0, 1, 1}, d.tensors().get("m").ints());
    }

    @Test
    void truncatedFileIsRefusedNamingFileAndTensor() throws Exception {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.ofFloats(new int[] {64}, new float[64])), null);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 10));
        ArtifactException e = assertThrows(ArtifactException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("'w'")
                && e.getMessage().contains(f.toString()), e.getMessage());
        Files.write(f, new byte[] {1, 2, 3});
        assertTrue(assertThrows(ArtifactException.class, () -> SafeTensors.read(f)).getMessage().contains("truncated"));
    }

    @Test
    void corruptHeaderIsRefused() throws Exception {
        Path f = dir.resolve("c.safetensors");
        ByteBuffer buf = ByteBuffer.allocate(8 + 5).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(5).put("{oops".getBytes(StandardCharsets.UTF_8));
        Files.write(f, buf.array());
        assertTrue(assertThrows(ArtifactException.class, () -> SafeTensors.read(f)).getMessage().contains("corrupt"));
        ByteBuffer big = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Files.write(f, big.array());
        assertTrue(assertThrows(ArtifactException.class, () -> SafeTensors.read(f)).getMessage().contains("header length"));
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Gpt2Weights w = TinyGpt2.weights();
        Map<String, Tensor> t = new LinkedHashMap<>(w.toTensors());
        t.remove("h.0.mlp.c_fc.bias");
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, t, null);
        ArtifactException e = assertThrows(ArtifactException.class, () -> Gpt2Weights.fromSafeTensors(w.config, f));
        assertTrue(e.getMessage().contains("missing tensor 'h.0.mlp.c_fc.bias'"), e.getMessage());
    }

    @Test
    void shapeMismatchIsNamed() throws Exception {
        Gpt2Weights w = TinyGpt2.weights();
        Map<String, Tensor> t = new LinkedHashMap<>(w.toTensors());
        t.put("h.0.attn.c_attn.weight", Tensor.ofFloats(new int[] {24, 8}, new float[192]));
        Path f = dir.resolve("s.safetensors");
        SafeTensors.write(f, t, null);
        ArtifactException e = assertThrows(ArtifactException.class, () -> Gpt2Weights.fromSafeTensors(w.config, f));
        assertTrue(e.getMessage().contains("shape mismatch for tensor 'h.0.attn.c_attn.weight'")
                && e.getMessage().contains("[8, 24]"), e.getMessage());
    }

    @Test
    void unsupportedArchitectureIsRefused() throws Exception {
        Path d = dir.resolve("llama");
        Checkpoint.save(TinyGpt2.weights(), d, Map.of(), null);
        Files.writeString(d.resolve("config.json"), "{\"model_type\":\"llama\",\"architectures\":[\"LlamaForCausalLM\"],"
                + "\"n_layer\":1,\"n_head\":2,\"n_embd\":8,\"n_positions\":4,\"vocab_size\":16}");
        Files.delete(d.resolve("manifest.json"));
        ArtifactException e = assertThrows(ArtifactException.class, () -> Checkpoint.load(d));
        assertTrue(e.getMessage().contains("unsupported architecture") && e.getMessage().contains("config.json"),
                e.getMessage());
        Files.writeString(d.resolve("config.json"), "{\"model_type\":\"gpt2\",\"activation_function\":\"relu\","
                + "\"n_layer\":1,\"n_head\":2,\"n_embd\":8,\"n_positions\":4,\"vocab_size\":16}");
        assertTrue(assertThrows(ArtifactException.class, () -> Checkpoint.load(d)).getMessage()
                .contains("activation_function"));
    }

    @Test
    void hashMismatchIsRefusedNamingTheFile() throws Exception {
        Path d = dir.resolve("ck");
        Checkpoint.save(TinyGpt2.weights(), d, Map.of(), null);
        Checkpoint.load(d);
        Path w = d.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(w);
        b[b.length - 1] ^= 1;
        Files.write(w, b);
        ArtifactException e = assertThrows(ArtifactException.class, () -> Checkpoint.load(d));
        assertTrue(e.getMessage().contains("hash mismatch") && e.getMessage().contains("model.safetensors"),
                e.getMessage());
    }

    @Test
    void saveReplacesAtomicallyAndLeavesNoTempFolders() throws Exception {
        Path d = dir.resolve("ck");
        Checkpoint.save(TinyGpt2.weights(), d, Map.of(), null);
        Checkpoint.save(TinyGpt2.weights(), d, Map.of("again", "1"), null);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }
}
