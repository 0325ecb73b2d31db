package ai.zkllm.operators.inference;

import ai.zkllm.program.EvaluationKeyCache;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The inference operator's metrics, under the operator's group {@code zkllm}: {@code latencyMs}
 * (histogram, arrival to answer), {@code fheMs} (histogram, FHE work only), {@code queueDepth}
 * (prompts waiting for or in a worker), {@code ciphertextsPerSecond} (meter, inputs + outputs),
 * {@code answered} and {@code deadLettered} (counters), {@code keyCacheBytes}, {@code keyCacheEntries},
 * {@code batchSize} (histogram, prompts per batch) and {@code batchedPrompts} (counter), with
 * {@code --batch-size} above 1.
 */
public final class InferenceMetrics {
    private final Histogram latency;
    private final Histogram fhe;
    private final AtomicInteger queueDepth = new AtomicInteger();
    private final Counter ciphertexts;
    private final Meter ciphertextRate;
    private final Counter answered;
    private final Counter deadLettered;
    private final Histogram batchSize;
    private final Counter batchedPrompts;

    public InferenceMetrics(MetricGroup operatorGroup, EvaluationKeyCache cache) {
        MetricGroup g = operatorGroup.addGroup("zkllm");
        latency = g.histogram("latencyMs", new DescriptiveStatisticsHistogram(1024));
        fhe = g.histogram("fheMs", new DescriptiveStatisticsHistogram(1024));
        g.gauge("queueDepth", (Gauge<Integer>) queueDepth::get);
        ciphertexts = g.counter("ciphertexts");
        ciphertextRate = g.meter("ciphertextsPerSecond", new MeterView(ciphertexts));
        answered = g.counter("answered");
        deadLettered = g.counter("deadLettered");
        g.gauge("keyCacheBytes", (Gauge<Long>) cache::bytes);
        g.gauge("keyCacheEntries", (Gauge<Integer>) cache::size);
        batchSize = g.histogram("batchSize", new DescriptiveStatisticsHistogram(1024));
        batchedPrompts = g.counter("batchedPrompts");
    }

    public void batched(int prompts) {
        batchSize.update(prompts);
        batchedPrompts.inc(prompts);
    }

    /** Batches run so far, and the prompts in them. */
    public long batches() {
        return batchSize.getCount();
    }

    public long batchedPrompts() {
        return batchedPrompts.getCount();
    }

    public void enqueued() {
        queueDepth.incrementAndGet();
    }

    public void dequeued() {
        queueDepth.decrementAndGet();
    }

    public int queueDepth() {
        return queueDepth.get();
    }

    public void answered(long latencyMs, long fheMs, int ciphertextCount) {
        latency.update(latencyMs);
        fhe.update(fheMs);
        ciphertexts.inc(ciphertextCount);
        answered.inc();
    }

    public void deadLettered() {
        deadLettered.inc();
    }

    public long ciphertextCount() {
        return ciphertexts.getCount();
    }

    public double ciphertextsPerSecond() {
        return ciphertextRate.getRate();
    }
}
