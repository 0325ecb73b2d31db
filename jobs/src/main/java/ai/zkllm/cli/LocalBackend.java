package ai.zkllm.cli;

import ai.zkllm.fhe.ring.RingBackend;
import ai.zkllm.fhe.ring.RingBackends;

/**
 * A {@code --backend} that runs in this process (bench, demo). One that cannot load here (no GPU for
 * cuda, no native library) is the user's to fix: a one-line refusal, not an internal error.
 */
final class LocalBackend {
    private LocalBackend() {}

    static RingBackend named(String name) {
        try {
            return RingBackends.named(name);
        } catch (IllegalStateException unavailable) {
            throw new UsageException("--backend " + name + ": " + unavailable.getMessage()
                    + "; --backend auto runs on this machine's CPU", unavailable);
        }
    }
}
