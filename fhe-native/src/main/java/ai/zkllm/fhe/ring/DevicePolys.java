package ai.zkllm.fhe.ring;

import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

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
 * frees it), or at {@link #clear}, which first brings every live polynomial back to the heap.
 *
 * <p>The words held stay within a bound (the device's memory, or less): to make room, the least
 * recently used polynomials whose heap arrays are current (inputs: keys, plaintexts) are dropped,
 * which loses nothing; then what a collection finds unreachable is freed; only then does an
 * allocation fail, saying how much is held. An operation's scratch is found room for the same way.
 * The polynomials of the operation under way are never dropped ({@link #beginOperation} starts one).
 * Called under the backend's lock, which {@link Held#toHeap} takes too.
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

    private final Object lock;
    private final Device device;
    private final Cleaner cleaner;
    /** Live device copies by address, least recently used first. */
    private final LinkedHashMap<Long, Held> held = new LinkedHashMap<>(64, 0.75f, true);
    /** The polynomials of the operation under way, which making room must not drop. */
    private final Set<Held> pinned = new HashSet<>();
    private final long boundBytes;
    /** Addresses whose polynomial was collected or brought back: to be freed under the lock. */
    private final ConcurrentLinkedQueue<Long> released = new ConcurrentLinkedQueue<>();
    private long heldBytes;
    private long uploadedBytes;
    private long downloadedBytes;
    private long operations;

    DevicePolys(Object lock, Device device, Cleaner cleaner, long boundBytes) {
        this.lock = lock;
        this.device = device;
        this.cleaner = cleaner;
        this.boundBytes = boundBytes;
    }

    /** Starts an operation: frees what was collected, and unpins the previous operation's polynomials. */
    void beginOperation() {
        operations++;
        pinned.clear();
        freeReleased();
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

    /** Counts bytes an operation moved up besides its polynomials (an encoding's coefficients). */
    void countUpload(long bytes) {
        uploadedBytes += bytes;
    }

    /**
     * Bytes held on the device now, bytes moved up and down and operations begun so far, with the device's
     * launches and the time blocked waiting for it.
     */
    DeviceTraffic traffic(long launches, long waitNanos) {
        return new DeviceTraffic(heldBytes, uploadedBytes, downloadedBytes, operations, launches, waitNanos);
    }

    private Held ours(RnsPoly p) {
        RnsPoly.DeviceCopy copy = p.device();
        if (copy instanceof Held h && h.owner() == this) {
            held.get(h.address);  // most recently used now
            pinned.add(h);
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
        makeRoom(8 * words);
        long address = allocate(words);
        long freed = address;
        Held h = new Held(address, limbs, n, new WeakReference<>(p), cleaner.register(p, () -> released.add(freed)));
        h.heapCurrent = heapCurrent;
        held.put(address, h);
        pinned.add(h);
        heldBytes += h.bytes();
        p.setDevice(h);
        return h;
    }

    /**
     * {@code words} device words of one operation's scratch (a rescale's, an encoding's coefficients), found room
     * for as a polynomial's are, so that a device full of polynomials not yet collected fails no operation;
     * {@link #freeScratch} once the operation's kernels are queued (the device frees in stream order).
     */
    long scratch(long words) {
        makeRoom(8 * words);
        return allocate(words);
    }

    void freeScratch(long address) {
        device.free(address);
    }

    /** {@code words} device words; when the device is full, clean polynomials give way, then collected ones. */
    private long allocate(long words) {
        long address = device.alloc(words);
        // least recently used first, one at a time
        for (long before = -1; address == 0 && heldBytes != before; address = device.alloc(words)) {
            before = heldBytes;
            dropClean(heldBytes - 1);
        }
        return address != 0 ? address : allocAfterCollection(words);
    }

    /** Drops clean polynomials, then frees collected ones, until {@code bytes} more fit the bound. */
    private void makeRoom(long bytes) {
        if (heldBytes + bytes <= boundBytes) {
            return;
        }
        dropClean(boundBytes - bytes);
        if (heldBytes + bytes > boundBytes) {
            collect(() -> heldBytes + bytes <= boundBytes);
        }
        if (heldBytes + bytes > boundBytes) {
            throw new IllegalStateException("cuda device memory bound reached: " + held.size() + " polynomials ("
                    + heldBytes + " bytes) held, " + bytes + " more bytes wanted, bound " + boundBytes
                    + " bytes (-D" + CudaRingBackend.POLY_BYTES_PROPERTY + ")");
        }
    }

    /** Drops the least recently used unpinned polynomials whose heap arrays are current, down to {@code target} bytes held. */
    private void dropClean(long target) {
        long excess = heldBytes - target;
        List<Held> dropped = new ArrayList<>();
        for (Iterator<Held> oldest = held.values().iterator(); excess > 0 && oldest.hasNext(); ) {
            Held h = oldest.next();
            if (h.heapCurrent && !pinned.contains(h)) {
                dropped.add(h);
                excess -= h.bytes();
            }
        }
        for (Held h : dropped) {
            RnsPoly p = h.poly.get();
            if (p != null && p.device() == h) {
                p.setDevice(null);  // its heap arrays are current: nothing is lost
            }
            h.cleanable.clean();
        }
        freeReleased();
    }

    /** The device was full: free what the collector finds unreachable, then try once more. */
    private long allocAfterCollection(long words) {
        long[] address = {0};
        collect(() -> (address[0] = device.alloc(words)) != 0);
        if (address[0] == 0) {
            throw new IllegalStateException("cuda device memory exhausted: " + held.size() + " polynomials ("
                    + heldBytes + " bytes) held, " + 8 * words + " more bytes wanted");
        }
        return address[0];
    }

    /** Runs a collection and frees what it finds unreachable until {@code done} holds, for at most 200 ms. */
    private void collect(BooleanSupplier done) {
        freeReleased();
        if (done.getAsBoolean()) {
            return;
        }
        System.gc();
        long deadline = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < deadline) {
            freeReleased();
            if (done.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(1_000_000L);  // the cleaner's thread queues what the collection found
        }
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
