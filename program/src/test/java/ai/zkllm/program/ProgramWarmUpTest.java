package ai.zkllm.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.fhe.ckks.Ciphertext;
import ai.zkllm.fhe.ckks.Evaluator;
import ai.zkllm.fhe.ring.RingBackends;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A warm-up runs every round of one token once per JVM and backend; a second call does nothing. */
public class ProgramWarmUpTest {
    @Test
    void runsEveryRoundOfOneTokenOnce() {
        AtomicInteger rounds = new AtomicInteger();
        FheProgram counted = new ServiceLoaderProgramRegistryTest.Secure() {
            @Override public String modelHash() { return "9a".repeat(32); }
            @Override public List<Ciphertext> evaluate(int round, List<Ciphertext> in, Evaluator ev) {
                rounds.incrementAndGet();
                return super.evaluate(round, in, ev);
            }
        };
        assertTrue(ProgramWarmUp.warmUp(counted, RingBackends.named("java")) > 0);
        assertEquals(counted.rounds(), rounds.get());
        assertEquals(0, ProgramWarmUp.warmUp(counted, RingBackends.named("java")));
        assertEquals(counted.rounds(), rounds.get());
    }
}
