package ai.zkllm.program;

import ai.zkllm.fhe.ring.RingBackend;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

/**
 * Runs one token of a program under a throwaway key, once per JVM and backend, so that what a
 * program builds on first use (its weights' diagonals and their plaintext encodings, cached per
 * level and shared by every user's rounds; the JIT's compiled kernels) is ready before a user's
 * first round. The key is generated here and dropped: nothing of it leaves this method.
 */
public final class ProgramWarmUp {
    private static final Set<String> WARM = new HashSet<>(); // guarded by the class: one warm-up at a time

    private ProgramWarmUp() {}

    /** Warms {@code program} up on {@code backend}; returns the seconds it took, 0 if it was already warm. */
    public static synchronized double warmUp(FheProgram program, RingBackend backend) {
        String id = program.modelHash() + "/" + backend.name();
        if (WARM.contains(id)) {
            return 0;
        }
        long t0 = System.nanoTime();
        new LocalRunner(program, backend, new SecureRandom()).nextTokenLogits(new int[] {0});
        WARM.add(id);
        return (System.nanoTime() - t0) / 1e9;
    }
}
