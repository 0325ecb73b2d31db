package ai.zkllm.jobs;

import ai.zkllm.analytics.IcebergWriter;
import ai.zkllm.analytics.NetworkTables;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;

/**
 * Seeds a warehouse with the epoch of examples/epoch.json (brain 3, epoch 42): validators 0, 1, 2
 * staking 5000, 3000, 2000 tokens, miners 10 and 11, the example's weights, and its previous
 * bonds as epoch 41's settled bonds (rows of one run, and the ledger row naming it). Its settlement is hand-checked in docs/settlement.md.
 */
final class NetworkFixture {

    static final int BRAIN = 3;
    static final long EPOCH = 42;
    /** The validators' stakes in base units, as settled. */
    static final BigInteger[] STAKES = {tokens(5000).toBigIntegerExact(), tokens(3000).toBigIntegerExact(),
            tokens(2000).toBigIntegerExact()};
    static final OffsetDateTime AT = OffsetDateTime.of(2026, 11, 25, 9, 0, 0, 0, ZoneOffset.UTC);

    private NetworkFixture() {}

    static BigDecimal tokens(long tokens) {
        return new BigDecimal(BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(tokens)));
    }

    static void seedExample(Catalog catalog) {
        NetworkTables.ensure(catalog);
        Table registrations = NetworkTables.load(catalog, NetworkTables.REGISTRATIONS);
        List<Record> rows = new ArrayList<>();
        long[][] validators = {{0, 5000}, {1, 3000}, {2, 2000}};
        for (long[] v : validators) {
            rows.add(IcebergWriter.record(registrations, BRAIN, "validator", v[0], "hotkey-v" + v[0], tokens(v[1]), AT,
                    "accepted", null));
        }
        for (long miner : new long[] {10, 11}) {
            rows.add(IcebergWriter.record(registrations, BRAIN, "miner", miner, "hotkey-m" + miner, BigDecimal.ZERO, AT,
                    "accepted", null));
        }
        // Refused and other-brain rows must not count.
        rows.add(IcebergWriter.record(registrations, BRAIN, "validator", 9L, "late", tokens(1_000_000), AT, "refused",
                "brain 3 is full: it already has 256 validators (cap 256)"));
        rows.add(IcebergWriter.record(registrations, BRAIN + 1, "validator", 0L, "other", tokens(1), AT, "accepted", null));
        IcebergWriter.append(registrations, rows);

        Table scores = NetworkTables.load(catalog, NetworkTables.SCORES);
        double[][] weights = {{8, 2}, {4, 6}, {0, 5}};
        long[] miners = {10, 11};
        List<Record> scoreRows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                // Two rows per pair whose weights add up: settlement sums them.
                scoreRows.add(IcebergWriter.record(scores, BRAIN, EPOCH, (long) i, miners[j], 0.9, weights[i][j] / 2,
                        false, "canary", AT));
                scoreRows.add(IcebergWriter.record(scores, BRAIN, EPOCH, (long) i, miners[j], 0.9, weights[i][j] / 2,
                        i == 2 && j == 0, i == 2 && j == 0 ? "replay digest mismatch" : "canary", AT));
            }
        }
        // A score naming an unregistered miner is ignored.
        scoreRows.add(IcebergWriter.record(scores, BRAIN, EPOCH, 0L, 99L, 1.0, 50.0, false, "unregistered", AT));
        IcebergWriter.append(scores, scoreRows);

        // Epoch 41 as if settled: its bonds under run 41, and the ledger row that makes them count.
        Table bonds = NetworkTables.load(catalog, NetworkTables.BONDS);
        IcebergWriter.append(bonds, List.of(
                IcebergWriter.record(bonds, BRAIN, EPOCH - 1, 0L, 10L, 1.0, 41L),
                IcebergWriter.record(bonds, BRAIN, EPOCH - 1, 2L, 11L, 1.0, 41L)));
        Table epochs = NetworkTables.load(catalog, NetworkTables.EPOCHS);
        IcebergWriter.append(epochs, List.of(IcebergWriter.record(epochs, BRAIN, EPOCH - 1, 1, 41L, "seeded", null, null,
                AT, "0.5", "0.1", tokens(360))));
    }
}
