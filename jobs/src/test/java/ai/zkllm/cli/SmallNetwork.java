package ai.zkllm.cli;

import ai.zkllm.analytics.IcebergWriter;
import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * Brain 5 in a fresh warehouse: validators 1 and 2 staking 600 and 400 tokens, miners 7 and 8, and
 * epoch 0's scores (validator 2 flagged miner 8 by replay), for the CLI's settlement and SQL tests.
 */
final class SmallNetwork {
    private SmallNetwork() {
    }

    static void seed(Path warehouse) {
        Catalog catalog = NetworkCatalog.local(warehouse).open();
        NetworkTables.ensure(catalog);
        OffsetDateTime at = OffsetDateTime.of(2026, 11, 25, 9, 0, 0, 0, ZoneOffset.UTC);
        Table registrations = NetworkTables.load(catalog, NetworkTables.REGISTRATIONS);
        BigDecimal token = new BigDecimal(BigInteger.TEN.pow(18));
        IcebergWriter.append(registrations, List.of(
                IcebergWriter.record(registrations, 5, "validator", 1L, "v1", token.multiply(BigDecimal.valueOf(600)), at, "accepted", null),
                IcebergWriter.record(registrations, 5, "validator", 2L, "v2", token.multiply(BigDecimal.valueOf(400)), at, "accepted", null),
                IcebergWriter.record(registrations, 5, "miner", 7L, "m7", BigDecimal.ZERO, at, "accepted", null),
                IcebergWriter.record(registrations, 5, "miner", 8L, "m8", BigDecimal.ZERO, at, "accepted", null)));
        Table scores = NetworkTables.load(catalog, NetworkTables.SCORES);
        IcebergWriter.append(scores, List.of(
                IcebergWriter.record(scores, 5, 0L, 1L, 7L, 0.9, 3.0, false, "canary", at),
                IcebergWriter.record(scores, 5, 0L, 1L, 8L, 0.3, 1.0, false, "canary", at),
                IcebergWriter.record(scores, 5, 0L, 2L, 7L, 0.8, 1.0, false, "canary", at),
                IcebergWriter.record(scores, 5, 0L, 2L, 8L, 0.0, 0.0, true, "replay digest mismatch", at)));
    }
}
