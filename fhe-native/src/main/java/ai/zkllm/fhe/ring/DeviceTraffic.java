package ai.zkllm.fhe.ring;

/**
 * What a GPU backend holds and has moved: bytes of polynomials held on the device now, bytes moved
 * up and down so far, the operations run so far (each one JNI call on polynomials), and the kernel
 * launches, device-to-device copies and fills those queued, which set a computation's launch overhead
 * on a GPU (counted by the kernel library itself, so they include what an operation does inside); and
 * the nanoseconds the host spent blocked waiting for the device (its stream synchronizations: reading a
 * result, moving bytes, finishing). Over a computation's wall time, what is not waiting is the host's own
 * work (Java, JNI, encodings, launching): a GPU run whose waits are a small share is bound by the host.
 * The host emulation does the device's work inside each call and counts that as the wait, so the rest
 * is the host's own there too: what a GPU cannot take off a token.
 */
public record DeviceTraffic(long heldBytes, long bytesUp, long bytesDown, long operations, long launches,
                            long waitNanos) {
    /** The bytes moved, operations run, launches queued and time waited since {@code before}, with the bytes held now. */
    public DeviceTraffic since(DeviceTraffic before) {
        return new DeviceTraffic(heldBytes, bytesUp - before.bytesUp, bytesDown - before.bytesDown,
                operations - before.operations, launches - before.launches, waitNanos - before.waitNanos);
    }
}
