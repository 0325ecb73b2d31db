package ai.zkllm.fhe.ring;

import java.lang.ref.Cleaner;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;

/**
 * Device objects made once per heap object and kept while it lives: a ring chain's table per
 * NttTable[], a conversion's tables per BasisConverter, a permutation per int[]. Keys are held
 * weakly and compared as their class does (arrays by identity); when one is collected, a
 * {@link Cleaner} queues its device handle, which the next {@link #destroyCollected} (under the
 * backend's lock, like every other call) destroys.
 */
final class DeviceObjects<K> {
    private final Cleaner cleaner;
    private final Map<K, Long> made = new WeakHashMap<>();
    private final ConcurrentLinkedQueue<Long> collected = new ConcurrentLinkedQueue<>();
    private final LongConsumer destroy;

    DeviceObjects(Cleaner cleaner, LongConsumer destroy) {
        this.cleaner = cleaner;
        this.destroy = destroy;
    }

    /** The device handle of key, made by {@code make} at its first use. */
    long of(K key, ToLongFunction<K> make) {
        Long handle = made.get(key);
        if (handle == null) {
            long fresh = make.applyAsLong(key);
            made.put(key, fresh);
            cleaner.register(key, () -> collected.add(fresh));
            handle = fresh;
        }
        return handle;
    }

    /** Destroys the device objects of collected keys. */
    void destroyCollected() {
        Long handle;
        while ((handle = collected.poll()) != null) {
            destroy.accept(handle);
        }
    }

    /** Destroys every device object. */
    void clear() {
        destroyCollected();
        made.values().forEach(destroy::accept);
        made.clear();
    }
}
