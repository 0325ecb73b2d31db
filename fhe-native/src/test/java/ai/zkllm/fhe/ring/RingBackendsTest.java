package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RingBackendsTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(RingBackends.PROPERTY);
    }

    @Test
    void propertyForcesJava() {
        System.setProperty(RingBackends.PROPERTY, "java");
        assertInstanceOf(JavaRingBackend.class, RingBackends.preferred());
    }

    @Test
    void propertyForcesNativeOrFailsWithTheReason() {
        System.setProperty(RingBackends.PROPERTY, "NATIVE");
        if (NativeLibrary.isAvailable()) {
            assertInstanceOf(NativeRingBackend.class, RingBackends.preferred());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, RingBackends::preferred);
            assertEquals("native ring backend unavailable: " + NativeLibrary.failureReason(), e.getMessage());
        }
    }

    @Test
    void autoPrefersCudaThenNativeThenJava() {
        System.setProperty(RingBackends.PROPERTY, "auto");
        String expected = CudaTestBackend.onGpu() ? "cuda" : NativeLibrary.isAvailable() ? "native" : "java";
        assertEquals(expected, RingBackends.preferred().name());
        assertEquals(expected, RingBackends.named(" Auto ").name());
    }

    @Test
    void cudaSaysWhyItIsUnavailable() {
        if (CudaTestBackend.onGpu()) {
            assertEquals("cuda", RingBackends.named("cuda").name());
        } else {
            // This machine has no GPU, or no library was built (no nvcc, -Dnative.skip=true).
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RingBackends.named(" CUDA"));
            assertTrue(e.getMessage().startsWith("cuda ring backend unavailable: no "), e.getMessage());
        }
    }

    @Test
    void unknownNamesAreRejected() {
        System.setProperty(RingBackends.PROPERTY, "gpu");
        assertThrows(IllegalArgumentException.class, RingBackends::preferred);
    }
}
