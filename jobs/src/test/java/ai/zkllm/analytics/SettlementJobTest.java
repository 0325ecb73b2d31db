package ai.zkllm.analytics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

        // Settling again replaces the partitions: the same rows, the same total, nothing doubled.
        SettlementJob.run(network, SettlementJob.Params.defaults(NetworkFixture.BRAIN, epoch));
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
}
