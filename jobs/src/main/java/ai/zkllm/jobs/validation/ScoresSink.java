package ai.zkllm.jobs.validation;

import ai.zkllm.analytics.IcebergWriter;
import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.operators.validation.MinerEpochScore;
import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;

/**
 * Writes closed epochs to the Iceberg {@code scores} table (partitioned by brain and epoch). Rows
 * are buffered and written on flush (every checkpoint, and at the end of a bounded run): for each
 * (brain, epoch) one atomic commit replaces this validator's rows of that epoch, leaving the other
 * validators' alone. Replacing rather than appending makes a write repeated after a restore
 * idempotent: the rows of a closed epoch are a function of the input. Run at parallelism 1.
 */
public final class ScoresSink implements Sink<MinerEpochScore> {
    private static final long serialVersionUID = 1L;

    private final String warehouse;
    private final Map<String, String> properties;

    public ScoresSink(String warehouse, Map<String, String> properties) {
        this.warehouse = warehouse;
        this.properties = new LinkedHashMap<>(properties);
    }

    @Override
    public SinkWriter<MinerEpochScore> createWriter(WriterInitContext context) {
        return new Writer(NetworkCatalog.of(warehouse, properties));
    }

    /** Writes rows of closed epochs now; shared with tests and the CLI. */
    static void write(NetworkCatalog network, List<MinerEpochScore> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Catalog catalog = network.open();
        try {
            NetworkTables.ensure(catalog);
            Table scores = NetworkTables.load(catalog, NetworkTables.SCORES);
            Map<String, List<MinerEpochScore>> byEpoch = new LinkedHashMap<>();
            for (MinerEpochScore r : rows) {
                byEpoch.computeIfAbsent(r.brain + "/" + r.epoch + "/" + r.validator, k -> new ArrayList<>()).add(r);
            }
            for (List<MinerEpochScore> epoch : byEpoch.values()) {
                MinerEpochScore first = epoch.get(0);
                List<Record> records = new ArrayList<>();
                for (MinerEpochScore r : epoch) {
                    records.add(IcebergWriter.record(scores, r.brain, r.epoch, r.validator, r.miner, r.score, r.weight,
                            r.flaggedByReplay, r.reason,
                            OffsetDateTime.ofInstant(Instant.ofEpochMilli(r.scoredAtUnixMs), ZoneOffset.UTC)));
                }
                IcebergWriter.replace(scores, Expressions.and(Expressions.equal("brain", first.brain),
                        Expressions.equal("epoch", first.epoch), Expressions.equal("validator", first.validator)), records);
            }
        } finally {
            if (catalog instanceof Closeable c) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // nothing open for writing
                }
            }
        }
    }

    private static final class Writer implements SinkWriter<MinerEpochScore> {
        private final NetworkCatalog network;
        private final List<MinerEpochScore> buffer = new ArrayList<>();

        Writer(NetworkCatalog network) {
            this.network = network;
        }

        @Override
        public void write(MinerEpochScore row, Context context) {
            buffer.add(row);
        }

        @Override
        public void flush(boolean endOfInput) {
            ScoresSink.write(network, buffer);
            buffer.clear();
        }

        @Override
        public void close() {
            // rows not flushed belong to an uncheckpointed state: they are produced again on restore
        }
    }
}
