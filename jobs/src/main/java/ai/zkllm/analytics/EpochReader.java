package ai.zkllm.analytics;

import ai.zkllm.settlement.EmissionSchedule;
import ai.zkllm.settlement.EpochInput;
import ai.zkllm.settlement.InvalidEpochException;
import ai.zkllm.settlement.RewardShares;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;

/**
 * Reads what one brain's epoch settlement needs, with Flink SQL in batch mode:
 * <ul>
 *   <li>validators and their stakes, and miners: the brain's <em>accepted</em> registrations;</li>
 *   <li>weights: Σ {@code weight} per (validator, miner) in {@code scores} for (brain, epoch);
 *       rows naming an id that is not registered to the brain are ignored (counted);</li>
 *   <li>previous bonds: {@code bonds} of (brain, epoch − 1); absent pairs, new validators and
 *       new miners are 0, and epoch 0 has none.</li>
 * </ul>
 * Rows and columns are in ascending id order.
 */
public final class EpochReader {

    /** What was read: the settlement input and how many score rows were ignored. */
    public record Read(EpochInput input, int ignoredScores) {}

    private final TableEnvironment tableEnv;

    public EpochReader(TableEnvironment tableEnv) {
        this.tableEnv = tableEnv;
    }

    public Read read(int brain, long epoch, BigDecimal kappa, BigDecimal alpha, EmissionSchedule emission, RewardShares shares) {
        TreeMap<Long, BigInteger> validators = new TreeMap<>();
        TreeMap<Long, Boolean> miners = new TreeMap<>();
        List<Row> scores = new ArrayList<>();
        List<Row> bonds = new ArrayList<>();
        for (Row row : FlinkSql.query(tableEnv, inputsQuery(brain, epoch))) {
            switch ((String) row.getField(0)) {
                case "validator" -> validators.put((Long) row.getField(1), ((BigDecimal) row.getField(3)).toBigIntegerExact());
                case "miner" -> miners.put((Long) row.getField(1), true);
                case "score" -> scores.add(row);
                case "bond" -> bonds.add(row);
                default -> { } // a role this settlement does not know
            }
        }
        if (validators.isEmpty()) {
            throw new InvalidEpochException("validators", "brain " + brain + " has no accepted validator in "
                    + NetworkCatalog.CATALOG + "." + NetworkCatalog.DATABASE + "." + NetworkTables.REGISTRATIONS);
        }
        Map<Long, Integer> row = index(validators.keySet());
        Map<Long, Integer> column = index(miners.keySet());

        double[][] weights = new double[row.size()][column.size()];
        int ignored = 0;
        for (Row score : scores) {
            Integer i = row.get((Long) score.getField(1));
            Integer j = column.get((Long) score.getField(2));
            if (i == null || j == null) {
                ignored++;
            } else {
                weights[i][j] = (Double) score.getField(4);
            }
        }

        double[][] previousBonds = null;
        if (epoch > 0) {
            previousBonds = new double[row.size()][column.size()];
            for (Row bond : bonds) {
                Integer i = row.get((Long) bond.getField(1));
                Integer j = column.get((Long) bond.getField(2));
                if (i != null && j != null) {
                    previousBonds[i][j] = (Double) bond.getField(4);
                }
            }
        }

        EpochInput input = new EpochInput(brain, epoch, ids(validators.keySet()),
                validators.values().toArray(BigInteger[]::new), ids(miners.keySet()),
                weights, previousBonds, kappa, alpha, emission, shares);
        return new Read(input, ignored);
    }

    /**
     * The three inputs in one batch job (one scan each, one MiniCluster start instead of three):
     * rows of (kind, a, b, stake, value) where kind is the role for registrations
     * (a = id, stake), {@code score} (a = validator, b = miner, value = Σ weight) or
     * {@code bond} (a = validator, b = miner, value = bond of epoch − 1).
     */
    static String inputsQuery(int brain, long epoch) {
        return "SELECT role AS kind, id AS a, CAST(NULL AS BIGINT) AS b, stake, CAST(NULL AS DOUBLE) AS `value`"
                + " FROM " + NetworkTables.REGISTRATIONS + " WHERE brain = " + brain + " AND status = 'accepted'"
                + " UNION ALL SELECT 'score', validator, miner, CAST(NULL AS DECIMAL(38, 0)), SUM(weight)"
                + " FROM " + NetworkTables.SCORES + " WHERE brain = " + brain + " AND epoch = " + epoch
                + " GROUP BY validator, miner"
                + " UNION ALL SELECT 'bond', validator, miner, CAST(NULL AS DECIMAL(38, 0)), bond"
                + " FROM " + NetworkTables.BONDS + " WHERE brain = " + brain + " AND epoch = " + (epoch - 1);
    }

    private static Map<Long, Integer> index(Iterable<Long> ids) {
        Map<Long, Integer> index = new HashMap<>();
        for (Long id : ids) {
            index.put(id, index.size());
        }
        return index;
    }

    private static int[] ids(java.util.Collection<Long> ids) {
        return ids.stream().mapToInt(Math::toIntExact).toArray();
    }
}
