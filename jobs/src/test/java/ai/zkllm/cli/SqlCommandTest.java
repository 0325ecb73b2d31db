package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zkllm settle-epoch} then {@code zkllm sql} on a temporary warehouse, through the CLI. */
class SqlCommandTest {

    @TempDir
    Path warehouse;

    @Test
    void settlesAnEpochAndQueriesItsRewards() {
        SmallNetwork.seed(warehouse);
        String where = warehouse.toString();
        CliRun settle = CliRun.of("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0");
        assertEquals(0, settle.exitCode(), settle.err());
        assertTrue(settle.out().startsWith("settling brain 5 epoch 0 from the tables in "), settle.out());
        assertTrue(settle.out().contains("\nsettled brain 5 epoch 0: emission 360000000000000000000 = owner"), settle.out());

        CliRun sql = CliRun.of("sql", "--warehouse", where,
                "SELECT role, id, amount FROM rewards WHERE brain = 5 AND epoch = 0 ORDER BY amount DESC, id");
        assertEquals(0, sql.exitCode(), sql.err());
        System.out.println("zkllm sql \"SELECT role, id, amount FROM rewards ...\"\n" + sql.out());
        List<String> lines = sql.out().lines().toList();
        assertEquals("role         id                 amount", lines.get(0));
        assertEquals("---------  ----  ---------------------", lines.get(1));
        assertEquals("miner         7  122999999999999999317", lines.get(2));
        assertTrue(lines.contains("owner      NULL   64800000000000000000"), sql.out());
        assertEquals("(5 rows)", lines.get(lines.size() - 1));
        BigInteger paid = BigInteger.ZERO;
        for (String line : lines.subList(2, lines.size() - 1)) {
            paid = paid.add(new BigInteger(line.substring(line.lastIndexOf(' ') + 1)));
        }
        assertEquals(new BigInteger("360000000000000000000"), paid, "an epoch pays exactly its emission");

        // The example queries of docs/analytics.md run as written; their output is printed for the docs.
        for (String query : DOC_QUERIES) {
            CliRun example = CliRun.of("sql", "--warehouse", where, query);
            assertEquals(0, example.exitCode(), query + "\n" + example.err());
            System.out.println("zkllm sql \"" + query + "\"\n" + example.out());
        }
    }

    /** Top miners by reward per epoch; validators' agreement with consensus; miners flagged by replay. */
    static final List<String> DOC_QUERIES = List.of(
            "SELECT brain, epoch, place, miner, amount FROM ("
                    + " SELECT brain, epoch, id AS miner, amount,"
                    + " ROW_NUMBER() OVER (PARTITION BY brain, epoch ORDER BY amount DESC, id) AS place"
                    + " FROM rewards WHERE role = 'miner')"
                    + " WHERE place <= 10 ORDER BY brain, epoch, place",
            "WITH w AS (SELECT brain, epoch, validator, miner, SUM(weight) AS weight FROM scores"
                    + " GROUP BY brain, epoch, validator, miner),"
                    + " t AS (SELECT brain, epoch, validator, SUM(weight) AS total FROM w GROUP BY brain, epoch, validator)"
                    + " SELECT w.brain, w.epoch, w.validator,"
                    + " SUM(CASE WHEN w.weight / t.total < c.consensus THEN w.weight / t.total ELSE c.consensus END) AS agreement,"
                    + " MAX(d.dividend) AS dividend"
                    + " FROM w JOIN t ON w.brain = t.brain AND w.epoch = t.epoch AND w.validator = t.validator"
                    + " JOIN consensus c ON c.brain = w.brain AND c.epoch = w.epoch AND c.miner = w.miner"
                    + " JOIN dividends d ON d.brain = w.brain AND d.epoch = w.epoch AND d.validator = w.validator"
                    + " WHERE t.total > 0"
                    + " GROUP BY w.brain, w.epoch, w.validator ORDER BY w.brain, w.epoch, agreement DESC",
            "SELECT s.brain, s.epoch, s.miner, COUNT(*) AS flags, COUNT(DISTINCT s.validator) AS validators,"
                    + " MAX(s.reason) AS reason, MAX(r.amount) AS reward"
                    + " FROM scores s LEFT JOIN rewards r ON r.brain = s.brain AND r.epoch = s.epoch"
                    + " AND r.role = 'miner' AND r.id = s.miner"
                    + " WHERE s.flagged_by_replay GROUP BY s.brain, s.epoch, s.miner ORDER BY flags DESC, s.miner");

    @Test
    void badSqlIsOneLineAndExitCode2() {
        CliRun unknownTable = CliRun.of("sql", "--warehouse", warehouse.toString(), "SELECT * FROM nope");
        assertEquals(2, unknownTable.exitCode());
        assertEquals("", unknownTable.out());
        assertEquals(1, unknownTable.err().lines().count(), unknownTable.err());
        assertTrue(unknownTable.err().startsWith("zkllm sql: invalid SQL: ") && unknownTable.err().contains("nope"),
                unknownTable.err());

        CliRun parse = CliRun.of("sql", "--warehouse", warehouse.toString(), "SELEC 1");
        assertEquals(2, parse.exitCode());
        assertEquals(1, parse.err().lines().count(), parse.err());

        CliRun noValidators = CliRun.of("settle-epoch", "--warehouse", warehouse.toString(), "--brain", "9", "--epoch", "0");
        assertEquals(2, noValidators.exitCode());
        assertTrue(noValidators.err().startsWith("zkllm settle-epoch: cannot settle brain 9 epoch 0: validators: brain 9 has no accepted validator"),
                noValidators.err());
    }

    @Test
    void withoutAllowWritesOnlyQueriesRun() {
        SmallNetwork.seed(warehouse);
        String where = warehouse.toString();
        for (String write : List.of("DROP TABLE zkllm.network.rewards", "/* a comment first */ DROP TABLE zkllm.network.rewards",
                "\n-- a line comment\nDELETE FROM zkllm.network.rewards", "INSERT INTO zkllm.network.scores SELECT * FROM scores",
                "CREATE TABLE t (x INT)", "ALTER TABLE zkllm.network.rewards RENAME TO r", "SET 'a' = 'b'")) {
            CliRun refused = CliRun.of("sql", "--warehouse", where, write);
            assertEquals(2, refused.exitCode(), write + ": " + refused.out());
            assertEquals(1, refused.err().lines().count(), refused.err());
            assertTrue(refused.err().startsWith("zkllm sql: ") && refused.err().contains("--allow-writes"), refused.err());
        }
        for (String query : List.of("SELECT COUNT(*) AS n FROM scores", "/* a comment */ SHOW TABLES",
                "WITH s AS (SELECT * FROM scores) SELECT COUNT(*) AS n FROM s", "DESCRIBE rewards",
                "EXPLAIN SELECT * FROM rewards")) {
            CliRun allowed = CliRun.of("sql", "--warehouse", where, query);
            assertEquals(0, allowed.exitCode(), query + ": " + allowed.err());
        }
        assertEquals("4", scoreCount(where), "nothing was written");

        CliRun insert = CliRun.of("sql", "--warehouse", where, "--allow-writes",
                "INSERT INTO zkllm.network.scores SELECT * FROM scores WHERE miner = 7");
        assertEquals(0, insert.exitCode(), insert.err());
        assertEquals("6", scoreCount(where));
    }

    private static String scoreCount(String where) {
        return CliRun.of("sql", "--warehouse", where, "SELECT COUNT(*) AS n FROM scores").out().lines().toList().get(2).trim();
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"sql", "settle-epoch", "registry", "settle"}) {
            CliRun help = CliRun.of(command, "--help");
            assertEquals(0, help.exitCode(), command);
            assertTrue(help.out().startsWith("Usage: zkllm " + command), help.out());
        }
    }
}
