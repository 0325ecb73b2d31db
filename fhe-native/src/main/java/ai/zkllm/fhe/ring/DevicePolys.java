package ai.zkllm.fhe.ring;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Polynomials whose current residues {@link CudaRingBackend} holds on the device between ring
 * operations, so that a chain of operations moves each input up once and each result down once,
 * when code outside the ring layer reads it ({@link RnsPoly#limbs}).
 *
 * <p>A polynomial goes up at its first use as an input (its heap arrays are current then, and stay
 * so until an operation writes it), except a fresh {@link RnsPoly#zero}, whose device words are
 * zeroed there; an output gets device words without any upload, and its heap arrays are stale from
 * then on. Device words are freed when the heap reads the residues back, or
 * when the polynomial is garbage collected (a {@link Cleaner} queues its address; the next call
 * frees it), or at {@link #clear}, which first brings every live polynomial back to the heap. An
 * allocation that finds the device full frees what the collector has found unreachable and tries
 * once more. Called under the backend's lock, which {@link Held#toHeap} takes too.
 */
final class DevicePolys {
    /** The device calls this needs, on the backend's context. */
    interface Device {
        /** {@code words} device words, or 0 when the device has no room. */
        long alloc(long words);

        void free(long address);

        /** The first {@code count} limbs (each n long) to [count][n] words at address. */
        void upload(long address, long[][] limbs, int count, int n);

        /** Sets {@code words} device words at address to 0. */
        void zero(long address, long words);

        /** [count][n] words at address into the first {@code count} limbs. */
        void download(long address, long[][] limbs, int count, int n);
    }

    private static final Cleaner CLEANER = Cleaner.create();

    private final Object lock;
    private final Device device;
    /** Live device copies by address. */
    private final Map<Long, Held> held = new HashMap<>();
    /** Addresses whose polynomial was collected or brought back: to be freed under the lock. */
    private final ConcurrentLinkedQueue<Long> released = new ConcurrentLinkedQueue<>();
    private long heldBytes;
    private long uploadedBytes;
    private long downloadedBytes;

    DevicePolys(Object lock, Device device) {
        this.lock = lock;
        this.device = device;
    }

    /** The device address of p's current residues, uploading them if the device has none. */
    long input(RnsPoly p) {
        Held h = ours(p);
        if (h != null) {
            return h.address;
        }
        boolean zero = p.isUntouchedZero();
        h = hold(p, true);
        if (zero) {
            device.zero(h.address, (long) h.limbs * h.n);  // a fresh zero polynomial: nothing to move
        } else {
            device.upload(h.address, p.heapLimbs(), h.limbs, h.n);
            uploadedBytes += h.bytes();
        }
        return h.address;
    }

    /** The device address an operation writes all of p's residues to; p's heap arrays are stale after. */
    long output(RnsPoly p) {
        Held h = ours(p);
        if (h == null) {
            h = hold(p, false);
        }
        h.heapCurrent = false;
        return h.address;
    }

    /** The address of p as an accumulator: read, then written. */
    long inputOutput(RnsPoly p) {
        long address = input(p);
        ours(p).heapCurrent = false;
        return address;
    }

    /** Frees the device words of collected polynomials. */
    void freeReleased() {
        Long address;
        while ((address = released.poll()) != null) {
            Held h = held.remove(address);
            if (h != null) {
                heldBytes -= h.bytes();
                device.free(address);
            }
        }
    }

    /** Brings every live polynomial back to the heap and frees all device words. */
    void clear() {
        for (Held h : new ArrayList<>(held.values())) {
            RnsPoly p = h.poly.get();
            if (p != null && p.device() == h) {
                toHeap(p, h);
            } else {
                h.cleanable.clean();
            }
        }
        freeReleased();
    }

    /** Bytes held on the device now, and bytes moved up and down so far. */
    long[] state() {
        return new long[] {heldBytes, uploadedBytes, downloadedBytes};
    }

    private Held ours(RnsPoly p) {
        RnsPoly.DeviceCopy copy = p.device();
        if (copy instanceof Held h && h.owner() == this) {
            return h;
        }
        if (copy != null) {
            p.limbs();  // another backend's copy: back to the heap first
        }
        return null;
    }

    private Held hold(RnsPoly p, boolean heapCurrent) {
        int limbs = p.limbCount();
        int n = p.n();
        long words = (long) limbs * n;
        long address = device.alloc(words);
        if (address == 0) {
            address = allocAfterCollection(words);
        }
        long freed = address;
        Held h = new Held(address, limbs, n, new WeakReference<>(p), CLEANER.register(p, () -> released.add(freed)));
        h.heapCurrent = heapCurrent;
        held.put(address, h);
        heldBytes += h.bytes();
        p.setDevice(h);
        return h;
    }

    /** The device was full: free what the collector finds unreachable, then try once more. */
    private long allocAfterCollection(long words) {
        freeReleased();
        System.gc();
        long deadline = System.nanoTime() + 200_000_000L;
        long address = 0;
        while (address == 0 && System.nanoTime() < deadline) {
            freeReleased();
            address = device.alloc(words);
            if (address == 0) {
                LockSupport.parkNanos(1_000_000L);  // the cleaner's thread queues what the collection found
            }
        }
        if (address == 0) {
            throw new IllegalStateException("cuda device memory exhausted: " + held.size() + " polynomials ("
                    + heldBytes + " bytes) held, " + 8 * words + " more bytes wanted");
        }
        return address;
    }

    private void toHeap(RnsPoly p, Held h) {
        if (p.device() != h) {
            return;  // another thread brought it back first
        }
        if (!h.heapCurrent) {
            device.download(h.address, p.heapLimbs(), h.limbs, h.n);
            downloadedBytes += h.bytes();
        }
        p.setDevice(null);
        h.cleanable.clean();
        freeReleased();
    }

    /** One polynomial's device words. */
    final class Held implements RnsPoly.DeviceCopy {
        final long address;
        final int limbs;
        final int n;
        final WeakReference<RnsPoly> poly;
        final Cleaner.Cleanable cleanable;
        /** Whether the heap arrays hold the same residues as the device. */
        boolean heapCurrent;

        Held(long address, int limbs, int n, WeakReference<RnsPoly> poly, Cleaner.Cleanable cleanable) {
            this.address = address;
            this.limbs = limbs;
            this.n = n;
            this.poly = poly;
            this.cleanable = cleanable;
        }

        long bytes() {
            return 8L * limbs * n;
        }

        DevicePolys owner() {
            return DevicePolys.this;
        }

        @Override
        public void toHeap(RnsPoly p) {
            synchronized (lock) {
                DevicePolys.this.toHeap(p, this);
            }
        }
    }
}
