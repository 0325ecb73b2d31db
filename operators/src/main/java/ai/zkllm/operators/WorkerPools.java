package ai.zkllm.operators;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The worker threads behind an async Flink function: a fixed number of daemon threads (they must
 * not keep a TaskManager alive) with an unbounded queue, which Flink's async operator bounds by its
 * capacity.
 */
public final class WorkerPools {
    private WorkerPools() {
    }

    public static ExecutorService fixed(String threadName, int workers) {
        return new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }
}
