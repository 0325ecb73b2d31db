package ai.zkllm.fhe.ring;

/**
 * What a GPU backend holds and has moved: bytes of polynomials held on the device now, bytes moved
 * up and down so far, the operations run so far (each one JNI call on polynomials), and the kernel
 * launches, device-to-device copies and fills those queued, which set a computation's launch overhead
 * on a GPU (counted by the kernel library itself, so they include what an operation does inside).
 */
public record DeviceTraffic(long heldBytes, long bytesUp, long bytesDown, long operations, long launches) {
    /** The bytes moved, operations run and launches queued since {@code before}, with the bytes held now. */
    public DeviceTraffic since(DeviceTraffic before) {
        return new DeviceTraffic(heldBytes, bytesUp - before.bytesUp, bytesDown - before.bytesDown,
                operations - before.operations, launches - before.launches);
    }
}
