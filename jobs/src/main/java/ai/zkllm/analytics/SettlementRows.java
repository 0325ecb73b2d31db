package ai.zkllm.analytics;

import ai.zkllm.settlement.ConsensusResult;
import ai.zkllm.settlement.EpochSettlement;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * One settled epoch as rows of the {@code consensus}, {@code dividends}, {@code bonds} and
 * {@code rewards} tables, each tagged with the settlement's run id (visible once the ledger names it).
 */
public final class SettlementRows {

    private SettlementRows() {}

    public static List<Record> consensus(Table table, EpochSettlement s, long runId) {
        ConsensusResult c = s.consensus();
        List<Record> rows = new ArrayList<>();
        for (int j = 0; j < s.minerIds().length; j++) {
            rows.add(IcebergWriter.record(table, s.brain(), s.epoch(), (long) s.minerIds()[j],
                    c.consensus()[j], c.rank()[j], c.incentive()[j], runId));
        }
        return rows;
    }

    public static List<Record> dividends(Table table, EpochSettlement s, BigInteger[] stakes, long runId) {
        List<Record> rows = new ArrayList<>();
        for (int i = 0; i < s.validatorIds().length; i++) {
            rows.add(IcebergWriter.record(table, s.brain(), s.epoch(), (long) s.validatorIds()[i],
                    new BigDecimal(stakes[i]), s.consensus().dividends()[i], runId));
        }
        return rows;
    }

    /** Only the non-zero bonds: a brain at its caps would otherwise write 256 × 1792 rows per epoch. */
    public static List<Record> bonds(Table table, EpochSettlement s, long runId) {
        double[][] bonds = s.consensus().bonds();
        List<Record> rows = new ArrayList<>();
        for (int i = 0; i < s.validatorIds().length; i++) {
            for (int j = 0; j < s.minerIds().length; j++) {
                if (bonds[i][j] != 0) {
                    rows.add(IcebergWriter.record(table, s.brain(), s.epoch(), (long) s.validatorIds()[i],
                            (long) s.minerIds()[j], bonds[i][j], runId));
                }
            }
        }
        return rows;
    }

    /** The owner (id null), every miner and every validator, zero amounts included: they sum to the emission. */
    public static List<Record> rewards(Table table, EpochSettlement s, long runId) {
        List<Record> rows = new ArrayList<>();
        rows.add(IcebergWriter.record(table, s.brain(), s.epoch(), "owner", null, new BigDecimal(s.ownerReward()), runId));
        for (int j = 0; j < s.minerIds().length; j++) {
            rows.add(IcebergWriter.record(table, s.brain(), s.epoch(), "miner", (long) s.minerIds()[j],
                    new BigDecimal(s.minerRewards()[j]), runId));
        }
        for (int i = 0; i < s.validatorIds().length; i++) {
            rows.add(IcebergWriter.record(table, s.brain(), s.epoch(), "validator", (long) s.validatorIds()[i],
                    new BigDecimal(s.validatorRewards()[i]), runId));
        }
        return rows;
    }
}
