package ai.zkllm.jobs.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.zkllm.analytics.IcebergWriter;
import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.operators.validation.MinerEpochScore;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoresSinkTest {
    @TempDir
    Path warehouse;

    static MinerEpochScore row(long epoch, long validator, long miner, double weight) {
        MinerEpochScore r = new MinerEpochScore();
        r.brain = 3;
        r.epoch = epoch;
        r.validator = validator;
        r.miner = miner;
        r.score = weight;
        r.weight = weight;
        r.reason = "test";
        r.scoredAtUnixMs = 1000;
        return r;
    }

    static List<String> rows(Catalog catalog) throws Exception {
        Table t = NetworkTables.load(catalog, NetworkTables.SCORES);
        t.refresh();
        List<String> out = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
            records.forEach(r -> out.add(r.getField("epoch") + "/" + r.getField("validator") + "/" + r.getField("miner")
                    + "=" + r.getField("weight")));
        }
        out.sort(null);
        return out;
    }

    @Test
    void rewritingAnEpochReplacesOnlyThisValidatorsRows() throws Exception {
        NetworkCatalog network = NetworkCatalog.local(warehouse);
        Catalog catalog = network.open();
        NetworkTables.ensure(catalog);
        Table scores = NetworkTables.load(catalog, NetworkTables.SCORES);
        // another validator's row in the same partition
        IcebergWriter.append(scores, List.of(IcebergWriter.record(scores, 3, 0L, 2L, 10L, 0.5, 0.5, false, "other",
                OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))));

        ScoresSink.write(network, List.of(row(0, 1, 10, 0.75), row(0, 1, 11, 0.25), row(1, 1, 10, 1.0)));
        List<String> first = rows(catalog);
        assertEquals(List.of("0/1/10=0.75", "0/1/11=0.25", "0/2/10=0.5", "1/1/10=1.0"), first);

        // the same epoch written again (a restore replaying the input): nothing doubles
        ScoresSink.write(network, List.of(row(0, 1, 10, 0.75), row(0, 1, 11, 0.25)));
        assertEquals(first, rows(catalog));
        // a changed result replaces the validator's rows of that epoch only
        ScoresSink.write(network, List.of(row(0, 1, 10, 1.0)));
        assertEquals(List.of("0/1/10=1.0", "0/2/10=0.5", "1/1/10=1.0"), rows(catalog));
    }

    @Test
    void flagsWrittenBeforeAreReadBackPerMinerAtTheirEarliestEpoch() throws Exception {
        NetworkCatalog network = NetworkCatalog.local(warehouse);
        assertEquals(java.util.Map.of(), PriorFlags.read(network, 3, 1));
        MinerEpochScore e5 = row(5, 1, 12, 0);
        e5.flaggedByReplay = true;
        e5.reason = "flagged by replay: request r5: input[0] digest in receipt aa != prompt bb | canaries 1 sent";
        MinerEpochScore e6 = row(6, 1, 12, 0);
        e6.flaggedByReplay = true;
        e6.reason = "flagged by replay: request r5: input[0] digest in receipt aa != prompt bb | canaries 0 sent";
        MinerEpochScore otherValidator = row(2, 2, 11, 0);
        otherValidator.flaggedByReplay = true;
        ScoresSink.write(network, List.of(e5, e6, otherValidator, row(5, 1, 10, 1.0)));
        var flags = PriorFlags.read(network, 3, 1);
        assertEquals(1, flags.size());
        assertEquals(5, flags.get(12L).epoch());
        assertEquals("request r5: input[0] digest in receipt aa != prompt bb", flags.get(12L).reason());
    }
}
