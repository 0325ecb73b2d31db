package ai.zkllm.program.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader and writer of the safetensors format: an 8-byte little-endian header length, a JSON
 * header ({@code name -> {dtype, shape, data_offsets:[begin,end]}} plus an optional
 * {@code __metadata__} map of strings), then the raw little-endian tensor bytes.
 *
 * <p>Writes are atomic: the file is written next to its target and moved into place, so a failed
 * write leaves nothing half-written.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {}

    /** Tensors of the file, in header order, and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Tensor require(String name, Path file) throws ArtifactException {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new ArtifactException("missing tensor '" + name + "' in " + file);
            }
            return t;
        }
    }

    public static Contents read(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ArtifactException("cannot read safetensors file " + file + ": " + e, e);
        }
        if (size < 8) {
            throw new ArtifactException("truncated safetensors file " + file + " (" + size + " bytes)");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new ArtifactException("corrupt safetensors header length " + headerLen + " in " + file
                        + " (file has " + size + " bytes)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, file);
            JsonNode header;
            try {
                header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ArtifactException("corrupt safetensors JSON header in " + file + ": " + e.getMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw new ArtifactException("corrupt safetensors header in " + file + ": not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> meta = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = header.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                JsonNode v = e.getValue();
                if (name.equals("__metadata__")) {
                    v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(name, readTensor(ch, file, name, v, dataStart, dataLen));
            }
            return new Contents(tensors, meta);
        }
    }

    private static Tensor readTensor(FileChannel ch, Path file, String name, JsonNode v, long dataStart,
            long dataLen) throws IOException {
        JsonNode dt = v.get("dtype");
        JsonNode sh = v.get("shape");
        JsonNode off = v.get("data_offsets");
        if (dt == null || sh == null || off == null || !sh.isArray() || !off.isArray() || off.size() != 2) {
            throw new ArtifactException("corrupt header entry for tensor '" + name + "' in " + file);
        }
        String dtype = dt.asText();
        int[] shape = new int[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = sh.get(i).asInt();
            if (shape[i] < 0) {
                throw new ArtifactException("negative dimension in tensor '" + name + "' in " + file);
            }
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        int width = width(dtype, name, file);
        long n = exactNumel(shape, name, file);
        if (begin < 0 || end < begin || end - begin != n * width) {
            throw new ArtifactException("tensor '" + name + "' in " + file + ": data_offsets [" + begin + ", " + end
                    + "] do not fit shape " + java.util.Arrays.toString(shape) + " of " + dtype);
        }
        if (end > dataLen) {
            throw new ArtifactException("truncated safetensors file " + file + ": tensor '" + name + "' ends at byte "
                    + end + " of the data section, which has only " + dataLen);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, dataStart + begin, file);
        buf.flip();
        int count = (int) n;
        switch (dtype) {
            case "F32": {
                float[] f = new float[count];
                buf.asFloatBuffer().get(f);
                return Tensor.raw(dtype, shape, f, null);
            }
            case "F64": {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    f[i] = (float) buf.getDouble();
                }
                return Tensor.raw(dtype, shape, f, null);
            }
            case "F16": {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    f[i] = halfToFloat(buf.getShort());
                }
                return Tensor.raw(dtype, shape, f, null);
            }
            case "BF16": {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    f[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                }
                return Tensor.raw(dtype, shape, f, null);
            }
            case "I8": {
                int[] a = new int[count];
                for (int i = 0; i < count; i++) {
                    a[i] = buf.get();
                }
                return Tensor.raw(dtype, shape, null, a);
            }
            case "U8":
            case "BOOL": {
                int[] a = new int[count];
                for (int i = 0; i < count; i++) {
                    a[i] = buf.get() & 0xff;
                }
                return Tensor.raw(dtype, shape, null, a);
            }
            case "I32": {
                int[] a = new int[count];
                buf.asIntBuffer().get(a);
                return Tensor.raw(dtype, shape, null, a);
            }
            case "I64": {
                int[] a = new int[count];
                for (int i = 0; i < count; i++) {
                    long x = buf.getLong();
                    if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
                        throw new ArtifactException("tensor '" + name + "' in " + file + ": I64 value out of int range");
                    }
                    a[i] = (int) x;
                }
                return Tensor.raw(dtype, shape, null, a);
            }
            default:
                throw new ArtifactException("unsupported dtype " + dtype + " of tensor '" + name + "' in " + file);
        }
    }

    /** Tensor.numel wraps: 65536^4 values would read as 0 and match empty data_offsets. */
    private static long exactNumel(int[] shape, String name, Path file) throws ArtifactException {
        long n = 1;
        for (int d : shape) {
            if (d != 0 && n > Integer.MAX_VALUE / d) {
                throw new ArtifactException("tensor '" + name + "' in " + file + ": shape "
                        + java.util.Arrays.toString(shape) + " holds more than 2^31 values");
            }
            n *= d;
        }
        return n;
    }

    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits >>> 15) << 31;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    private static int width(String dtype, String name, Path file) throws ArtifactException {
        switch (dtype) {
            case "F64":
            case "I64":
                return 8;
            case "F32":
            case "I32":
                return 4;
            case "F16":
            case "BF16":
                return 2;
            case "I8":
            case "U8":
            case "BOOL":
                return 1;
            default:
                throw new ArtifactException("unsupported dtype " + dtype + " of tensor '" + name + "' in " + file);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new ArtifactException("truncated safetensors file " + file);
            }
            pos += r;
        }
    }

    /** Writes tensors (in map order) atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        List<byte[]> blobs = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            byte[] bytes = encode(t);
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", writtenDtype(t));
            ArrayNode shape = entry.putArray("shape");
            for (int s : t.shape()) {
                shape.add(s);
            }
            ArrayNode off = entry.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes.length);
            offset += bytes.length;
            blobs.add(bytes);
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int pad = (8 - (h.length % 8)) % 8;
        byte[] hp = new byte[h.length + pad];
        System.arraycopy(h, 0, hp, 0, h.length);
        for (int i = h.length; i < hp.length; i++) {
            hp[i] = ' ';
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hp.length);
                out.write(len.array());
                out.write(hp);
                for (byte[] b : blobs) {
                    out.write(b);
                }
            }
            AtomicFiles.move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Floats are written as F32, integers as I8 or else I32 (what {@link #encode} writes). */
    private static String writtenDtype(Tensor t) {
        return t.isFloat() ? "F32" : t.dtype().equals("I8") ? "I8" : "I32";
    }

    private static byte[] encode(Tensor t) {
        if (t.isFloat()) {
            float[] f = t.floats();
            ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(f);
            return b.array();
        }
        int[] a = t.ints();
        if (t.dtype().equals("I8")) {
            byte[] b = new byte[a.length];
            for (int i = 0; i < a.length; i++) {
                b[i] = (byte) a[i];
            }
            return b;
        }
        ByteBuffer b = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(a);
        return b.array();
    }
}
