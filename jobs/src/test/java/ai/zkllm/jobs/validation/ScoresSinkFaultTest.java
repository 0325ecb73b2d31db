package ai.zkllm.jobs.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.operators.validation.MinerEpochScore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scores sink when the job fails right after it wrote a checkpoint's rows to Iceberg and
 * before that checkpoint completed: the job restores an older checkpoint, the epochs after it come
 * again, and the table must still hold each (epoch, validator, miner) row exactly once.
 */
class ScoresSinkFaultTest {
    private static final int EPOCHS = 12;
    private static final long[] MINERS = {10, 11, 12};
    /** Flushes that wrote rows, across restarts; the job fails after the second. */
    private static final AtomicInteger WRITING_FLUSHES = new AtomicInteger();
    private static final AtomicInteger FAILURES = new AtomicInteger();

    @TempDir
    Path warehouse;

    @Test
    void aFailureAfterAWriteBeforeItsCheckpointLeavesEveryRowOnce() throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(150);
        // one closed epoch per number, all its miners' rows together, as EpochScoreFunction emits them
        env.fromSource(new NumberSequenceSource(0, EPOCHS - 1), WatermarkStrategy.noWatermarks(), "epochs")
                .flatMap((Long epoch, org.apache.flink.util.Collector<MinerEpochScore> out) -> {
                    Thread.sleep(120); // several checkpoints over the run
                    for (long miner : MINERS) {
                        out.collect(ScoresSinkTest.row(epoch, 1, miner, 1.0 / MINERS.length));
                    }
                }, TypeInformation.of(MinerEpochScore.class))
                .sinkTo(new FailingAfterSecondWrite(warehouse.toString()));
        env.execute("scores under a fault");

        assertEquals(1, FAILURES.get(), "the injected failure happened once");
        List<String> rows = ScoresSinkTest.rows(NetworkCatalog.local(warehouse).open());
        List<String> expected = new ArrayList<>();
        for (int e = 0; e < EPOCHS; e++) {
            for (long miner : MINERS) {
                expected.add(e + "/1/" + miner + "=" + (1.0 / MINERS.length));
            }
        }
        expected.sort(null);
        assertEquals(expected, rows, "every row once, none lost");
        assertTrue(WRITING_FLUSHES.get() > 2, "rows were written again after the restore");
    }

    /** The production sink, failing the job once right after its second write that wrote rows. */
    private static final class FailingAfterSecondWrite implements Sink<MinerEpochScore> {
        private static final long serialVersionUID = 1L;
        private final ScoresSink sink;

        FailingAfterSecondWrite(String warehouse) {
            this.sink = new ScoresSink(warehouse, Map.of());
        }

        @Override
        public SinkWriter<MinerEpochScore> createWriter(WriterInitContext context) throws IOException {
            SinkWriter<MinerEpochScore> writer = sink.createWriter(context);
            return new SinkWriter<>() {
                private int buffered;

                @Override
                public void write(MinerEpochScore row, Context c) throws IOException, InterruptedException {
                    writer.write(row, c);
                    buffered++;
                }

                @Override
                public void flush(boolean endOfInput) throws IOException, InterruptedException {
                    writer.flush(endOfInput);
                    if (buffered > 0 && WRITING_FLUSHES.incrementAndGet() == 2 && FAILURES.getAndIncrement() == 0) {
                        throw new IOException("injected: failure after the rows of a checkpoint were written");
                    }
                    buffered = 0;
                }

                @Override
                public void close() throws Exception {
                    writer.close();
                }
            };
        }
    }
}
