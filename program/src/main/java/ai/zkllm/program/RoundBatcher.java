package ai.zkllm.program;

import ai.zkllm.schemas.v1.EncryptedPrompt;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Prompts from concurrent callers run in batches (group commit): a caller queues its prompt and
 * takes its turn; whoever holds the turn runs up to {@code maxBatch} queued prompts, oldest first,
 * as one {@link RoundExecutor#executeBatch}. Alone, a prompt runs at once; under load, the prompts
 * that arrived while a batch ran form the next one, and those of one program and round share its
 * work (the squeezed program encodes each weight diagonal once for all of them). One batch runs at
 * a time: it uses the cores through the program's own parallelism. Thread-safe.
 */
public final class RoundBatcher {
    private final RoundExecutor executor;
    private final int maxBatch;
    private final IntConsumer onBatch;
    private final ReentrantLock turn = new ReentrantLock();
    private final Deque<Pending> queue = new ArrayDeque<>();

    public RoundBatcher(RoundExecutor executor, int maxBatch) {
        this(executor, maxBatch, prompts -> { });
    }

    /** @param onBatch told the number of prompts of every batch it runs (a metric) */
    public RoundBatcher(RoundExecutor executor, int maxBatch, IntConsumer onBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("a batch holds at least 1 prompt, got " + maxBatch);
        }
        this.executor = executor;
        this.maxBatch = maxBatch;
        this.onBatch = onBatch;
    }

    /** Prompts queued for a batch, not yet taken (a gauge). */
    public int waiting() {
        synchronized (queue) {
            return queue.size();
        }
    }

    /** The outcome of {@code prompt}, run in whichever batch takes it. */
    public RoundOutcome execute(EncryptedPrompt prompt) {
        Pending mine = new Pending(prompt);
        synchronized (queue) {
            queue.add(mine);
        }
        while (true) {
            turn.lock();
            try {
                if (mine.outcome != null || mine.failure != null) {
                    return mine.result();
                }
                List<Pending> batch = new ArrayList<>();
                synchronized (queue) {
                    while (batch.size() < maxBatch && !queue.isEmpty()) {
                        batch.add(queue.poll());
                    }
                }
                run(batch);
            } finally {
                turn.unlock();
            }
        }
    }

    private void run(List<Pending> batch) {
        onBatch.accept(batch.size());
        try {
            List<RoundOutcome> outcomes = executor.executeBatch(batch.stream().map(p -> p.prompt).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).outcome = outcomes.get(i);
            }
        } catch (Throwable t) {
            // every caller of the batch learns what went wrong, not only the one that ran it
            batch.forEach(p -> p.failure = t);
        }
    }

    /** A queued prompt; its fields are written and read under the turn lock. */
    private static final class Pending {
        final EncryptedPrompt prompt;
        RoundOutcome outcome;
        Throwable failure;

        Pending(EncryptedPrompt prompt) {
            this.prompt = prompt;
        }

        RoundOutcome result() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException("the batch failed", failure);
            }
            return outcome;
        }
    }
}
