package ai.zkllm.fhe.ring;

/**
 * What a GPU backend holds and has moved: bytes of polynomials held on the device now, bytes moved
 * up and down so far, and the operations run so far (each one JNI call queuing one kernel or a few),
 * which on a GPU bound the launch overhead of a computation.
 */
public record DeviceTraffic(long heldBytes, long bytesUp, long bytesDown, long operations) {
    /** The bytes moved and operations run since {@code before}, with the bytes held now. */
    public DeviceTraffic since(DeviceTraffic before) {
        return new DeviceTraffic(heldBytes, bytesUp - before.bytesUp, bytesDown - before.bytesDown,
                operations - before.operations);
    }
}
