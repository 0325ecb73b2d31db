package ai.zkllm.program;

import ai.zkllm.fhe.ckks.CkksContext;
import ai.zkllm.fhe.ckks.Parameters;
import ai.zkllm.fhe.io.CanonicalDigest;
import ai.zkllm.fhe.io.FheCodec;
import ai.zkllm.fhe.ring.RingBackend;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link CkksContext} (NTT tables, RNS constants: large) with its {@link FheCodec} and
 * {@link CanonicalDigest} per parameter set and ring backend, per JVM — that is, per Flink task
 * manager, shared by every subtask and worker thread in it, and by the client in a CLI process.
 * Flink functions stay serializable by holding only the program registry and looking the engine
 * up here in {@code open()} or on first use; nothing is built per record. Contexts, codecs and
 * digesters are immutable after construction and safe to share between threads.
 */
public final class FheEngines {
    /** The engine objects of one parameter set. */
    public record Engine(CkksContext context, FheCodec codec, CanonicalDigest digests) {
        /** Lower-case hex of the canonical digest: what receipts name and validators compare. */
        public String digestHex(ai.zkllm.fhe.ckks.Ciphertext ct) {
            return HexFormat.of().formatHex(digests.digest(ct));
        }
    }

    private static final ConcurrentHashMap<String, Engine> ENGINES = new ConcurrentHashMap<>();

    private FheEngines() {
    }

    public static Engine get(Parameters params, RingBackend backend) {
        return ENGINES.computeIfAbsent(params.id() + "/" + backend.name(), k -> {
            CkksContext context = new CkksContext(params, backend);
            return new Engine(context, new FheCodec(context), new CanonicalDigest(params));
        });
    }
}
