package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.zkllm.analytics.FlinkSql;
import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.settlement.EpochInput;
import ai.zkllm.settlement.EpochSettlement;
import ai.zkllm.settlement.Settlement;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.types.Row;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettlementJobTest {

    @TempDir
    Path warehouse;

    private static List<String> rows(Catalog catalog, String table, long epoch) throws Exception {
        Table t = NetworkTables.load(catalog, table);
        t.refresh();
        List<String> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(t)
                .where(Expressions.and(Expressions.equal("brain", NetworkFixture.BRAIN), Expressions.equal("epoch", epoch)))
                .build()) {
            records.forEach(r -> rows.add(r.toString()));
        }
        rows.sort(null);
        return rows;
    }

    private static Map<String, BigInteger> rewards(Catalog catalog, long epoch) throws Exception {
        Table t = NetworkTables.load(catalog, NetworkTables.REWARDS);
        t.refresh();
        Map<String, BigInteger> rewards = new TreeMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(t)
                .where(Expressions.and(Expressions.equal("brain", NetworkFixture.BRAIN), Expressions.equal("epoch", epoch)))
                .build()) {
            for (Record r : records) {
                BigInteger previous = rewards.put(r.getField("role") + ":" + r.getField("id"),
                        ((BigDecimal) r.getField("amount")).toBigIntegerExact());
                assertEquals(null, previous, "one reward row per payee");
            }
        }
        return rewards;
    }

    @Test
    void settlesTheExampleIdempotentlyAndCarriesBondsToTheNextEpoch() throws Exception {
        NetworkCatalog network = NetworkCatalog.local(warehouse);
        Catalog catalog = network.open();
        NetworkFixture.seedExample(catalog);
        long epoch = NetworkFixture.EPOCH;

        SettlementJob.Result first = SettlementJob.run(network, SettlementJob.Params.defaults(NetworkFixture.BRAIN, epoch));
        assertEquals(1, first.ignoredScores(), "the score naming unregistered miner 99");
        // The hand-checked numbers of docs/settlement.md: previous bonds were read back from epoch 41.
        Map<String, BigInteger> paid = rewards(catalog, epoch);
        assertEquals(new BigInteger("64800000000000000000"), paid.get("owner:null"));
        assertEquals(new BigInteger("83426086956521737349"), paid.get("miner:10"));
        assertEquals(new BigInteger("64173913043478262651"), paid.get("miner:11"));
        assertEquals(new BigInteger("83105217391304353310"), paid.get("validator:0"));
        assertEquals(new BigInteger("4813043478260869064"), paid.get("validator:1"));
        assertEquals(new BigInteger("59681739130434777626"), paid.get("validator:2"));
        BigInteger emission = new BigInteger("360000000000000000000");
        assertEquals(emission, paid.values().stream().reduce(BigInteger.ZERO, BigInteger::add));

        List<String> consensus = rows(catalog, NetworkTables.CONSENSUS, epoch);
        List<String> dividends = rows(catalog, NetworkTables.DIVIDENDS, epoch);
        List<String> bonds = rows(catalog, NetworkTables.BONDS, epoch);
        List<String> rewardRows = rows(catalog, NetworkTables.REWARDS, epoch);
        assertEquals(2, consensus.size());
        assertEquals(3, dividends.size());
        assertEquals(5, bonds.size(), "the zero bond (validator 2, miner 10) is not stored");

        // Settling again with the same inputs changes nothing: the same rows, the same total, nothing doubled.
        assertFalse(SettlementJob.run(network, SettlementJob.Params.defaults(NetworkFixture.BRAIN, epoch)).committed());
        assertEquals(paid, rewards(catalog, epoch));
        assertEquals(rewardRows, rows(catalog, NetworkTables.REWARDS, epoch));
        assertEquals(consensus, rows(catalog, NetworkTables.CONSENSUS, epoch));
        assertEquals(dividends, rows(catalog, NetworkTables.DIVIDENDS, epoch));
        assertEquals(bonds, rows(catalog, NetworkTables.BONDS, epoch));

        // Epoch 43 has no scores: the bonds of epoch 42 are read back and carried forward.
        SettlementJob.Result next = SettlementJob.run(network, SettlementJob.Params.defaults(NetworkFixture.BRAIN, epoch + 1));
        EpochInput input = next.settlement() == null ? null : new EpochInput(NetworkFixture.BRAIN, epoch + 1,
                new int[] {0, 1, 2}, NetworkFixture.STAKES, new int[] {10, 11}, new double[3][2],
                first.settlement().consensus().bonds(), EpochInput.DEFAULT_KAPPA, EpochInput.DEFAULT_ALPHA,
                SettlementJob.Params.defaults(0, 0).emission(), SettlementJob.Params.defaults(0, 0).shares());
        EpochSettlement expected = Settlement.settle(input);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected.consensus().bonds()[i], next.settlement().consensus().bonds()[i], 0);
        }
        Map<String, BigInteger> paidNext = rewards(catalog, epoch + 1);
        assertEquals(expected.validatorRewards()[0], paidNext.get("validator:0"));
        assertEquals(emission, paidNext.values().stream().reduce(BigInteger.ZERO, BigInteger::add));
        assertEquals(paid, rewards(catalog, epoch), "settling epoch 43 leaves epoch 42 alone");
    }
    /** How many rows of (brain 3, epoch) a SQL reader sees in consensus, dividends, bonds and rewards. */
    private static List<Long> visibleRows(NetworkCatalog network, long epoch) {
        String where = " WHERE brain = " + NetworkFixture.BRAIN + " AND epoch = " + epoch;
        List<Long> counts = new ArrayList<>();
        for (String table : List.of(NetworkTables.CONSENSUS, NetworkTables.DIVIDENDS, NetworkTables.BONDS, NetworkTables.REWARDS)) {
            counts.add((Long) FlinkSql.query(FlinkSql.batch(network, 1), "SELECT COUNT(*) FROM " + table + where)
                    .get(0).getField(0));
        }
        return counts;
    }

    @Test
    void aCrashBeforeTheLastTableLeavesTheEpochInvisibleAndARerunCompletesIt() throws Exception {
        NetworkCatalog network = NetworkCatalog.of(warehouse.toString(), Map.of("io-impl", CrashingFileIO.class.getName()));
        NetworkFixture.seedExample(network.open());
        long epoch = NetworkFixture.EPOCH;

        CrashingFileIO.crashOnPathContaining("/network/rewards/");
        try {
            assertThrows(RuntimeException.class,
                    () -> SettlementJob.run(network, SettlementJob.Params.defaults(NetworkFixture.BRAIN, epoch)));
        } finally {
            CrashingFileIO.disarm();
        }
        assertEquals(List.of(0L, 0L, 0L, 0L), visibleRows(network, epoch), "nothing of the crashed epoch is visible");

        SettlementJob.run(network, SettlementJob.Params.defaults(NetworkFixture.BRAIN, epoch));
        assertEquals(List.of(2L, 3L, 5L, 6L), visibleRows(network, epoch), "the rerun completes the epoch");
        assertEquals(new BigInteger("83426086956521737349"), rewards(network.open(), epoch).get("miner:10"));
    }

    @Test
    void aCrashDuringAResettlementLeavesTheSettledRevisionWholeAndARerunReplacesIt() throws Exception {
        NetworkCatalog network = NetworkCatalog.of(warehouse.toString(), Map.of("io-impl", CrashingFileIO.class.getName()));
        NetworkFixture.seedExample(network.open());
        long epoch = NetworkFixture.EPOCH;
        SettlementJob.run(network, SettlementJob.Params.defaults(NetworkFixture.BRAIN, epoch));
        Map<String, BigInteger> settled = visibleRewards(network, epoch);
        SettlementJob.Params defaults = SettlementJob.Params.defaults(NetworkFixture.BRAIN, epoch);
        SettlementJob.Params resettle = new SettlementJob.Params(defaults.brain(), epoch, new BigDecimal("0.6"),
                defaults.alpha(), defaults.emission(), defaults.shares(), "quorum raised to 0.6");

        CrashingFileIO.crashOnPathContaining("/network/rewards/");
        try {
            assertThrows(RuntimeException.class, () -> SettlementJob.run(network, resettle));
        } finally {
            CrashingFileIO.disarm();
        }
        assertEquals(settled, visibleRewards(network, epoch), "revision 1 stays whole");
        assertEquals(List.of(2L, 3L, 5L, 6L), visibleRows(network, epoch));

        SettlementJob.Result rerun = SettlementJob.run(network, resettle);
        assertEquals(2, rerun.revision());
        Map<String, BigInteger> resettled = visibleRewards(network, epoch);
        assertNotEquals(settled, resettled);
        assertEquals(new BigInteger("360000000000000000000"), resettled.values().stream().reduce(BigInteger.ZERO, BigInteger::add));
        assertEquals(List.of(2L, 3L, 5L, 6L), visibleRows(network, epoch), "revision 2's rows only");
    }

    /** The rewards of (brain 3, epoch) as a SQL reader sees them, by payee. */
    private static Map<String, BigInteger> visibleRewards(NetworkCatalog network, long epoch) {
        Map<String, BigInteger> rewards = new TreeMap<>();
        for (Row row : FlinkSql.query(FlinkSql.batch(network, 1), "SELECT role, id, amount FROM "
                + NetworkTables.REWARDS + " WHERE brain = " + NetworkFixture.BRAIN + " AND epoch = " + epoch)) {
            rewards.put(row.getField(0) + ":" + row.getField(1), ((BigDecimal) row.getField(2)).toBigIntegerExact());
        }
        return rewards;
    }
}
