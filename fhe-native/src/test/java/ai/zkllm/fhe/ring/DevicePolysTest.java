package ai.zkllm.fhe.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.Cleaner;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DevicePolys} against a device of a few words' capacity: when an allocation finds it full, the
 * clean polynomials make room, and what they held is still there.
 */
class DevicePolysTest {
    /** Words in a map by address; alloc answers 0 past the capacity. */
    private static final class SmallDevice implements DevicePolys.Device {
        final long capacity;
        final Map<Long, long[]> memory = new HashMap<>();
        long used;
        long next = 8;

        SmallDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long alloc(long words) {
            if (used + words > capacity) {
                return 0;
            }
            used += words;
            memory.put(next, new long[(int) words]);
            return (next += 8 * words) - 8 * words;
        }

        @Override
        public void free(long address) {
            used -= memory.remove(address).length;
        }

        @Override
        public void upload(long address, long[][] limbs, int count, int n) {
            for (int i = 0; i < count; i++) {
                System.arraycopy(limbs[i], 0, memory.get(address), i * n, n);
            }
        }

        @Override
        public void zero(long address, long words) {
            java.util.Arrays.fill(memory.get(address), 0, (int) words, 0);
        }

        @Override
        public void download(long address, long[][] limbs, int count, int n) {
            for (int i = 0; i < count; i++) {
                System.arraycopy(memory.get(address), i * n, limbs[i], 0, n);
            }
        }
    }

    @Test
    void aFullDeviceDropsCleanPolynomialsToMakeRoom() {
        SmallDevice device = new SmallDevice(3 * 8);  // three polynomials of one limb of 8 words
        DevicePolys polys = new DevicePolys(this, device, Cleaner.create(), Long.MAX_VALUE);
        RnsPoly[] inputs = new RnsPoly[3];
        for (int i = 0; i < inputs.length; i++) {
            polys.beginOperation();
            inputs[i] = new RnsPoly(new long[][] {{i, 1, 2, 3, 4, 5, 6, 7}}, true);
            polys.input(inputs[i]);
        }
        polys.beginOperation();
        RnsPoly result = RnsPoly.zero(1, 8, true);
        long address = polys.output(result);  // the device is full: an input's copy must give way
        device.memory.get(address)[0] = 42;   // what a kernel would write
        assertEquals(2, device.used / 8 - 1, "two inputs left beside the result");
        assertNull(inputs[0].device(), "the least recently used input was dropped");
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, inputs[0].limb(0), "and loses nothing");
        assertEquals(42, result.limb(0)[0], "the result comes back from the device");
    }

    /** An operation's scratch finds room as a polynomial does: a clean copy gives way, then what was collected. */
    @Test
    void scratchOnAFullDeviceMakesRoomAsAPolynomialDoes() {
        SmallDevice device = new SmallDevice(2 * 8);
        DevicePolys polys = new DevicePolys(this, device, Cleaner.create(), Long.MAX_VALUE);
        polys.beginOperation();
        RnsPoly input = new RnsPoly(new long[][] {{1, 2, 3, 4, 5, 6, 7, 8}}, true);
        polys.input(input);
        holdAResultNobodyKeeps(polys);
        polys.beginOperation();
        long scratch = polys.scratch(8);  // full: the clean input gives way
        assertNull(input.device(), "the input's copy was dropped");
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, input.limb(0), "and loses nothing");
        long more = polys.scratch(8);  // full of scratch and a result only the device holds: a collection frees it
        assertEquals(2 * 8, device.used, "two scratches, nothing else");
        polys.freeScratch(scratch);
        polys.freeScratch(more);
        assertEquals(0, device.used);
    }

    /** A result written on the device whose polynomial is unreachable once this returns. */
    private static void holdAResultNobodyKeeps(DevicePolys polys) {
        polys.beginOperation();
        polys.output(RnsPoly.zero(1, 8, true));
    }
}
