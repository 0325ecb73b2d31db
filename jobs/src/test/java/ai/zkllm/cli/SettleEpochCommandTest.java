package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.analytics.IcebergWriter;
import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A settled epoch is not silently rewritten: reruns are no-ops, changed inputs need --resettle --reason. */
class SettleEpochCommandTest {

    @TempDir
    Path warehouse;

    private record Run(int exitCode, String out, String err) {}

    private static Run zkllm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Zkllm());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private void seed() {
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

    private String sql(String query) {
        Run run = zkllm("sql", "--warehouse", warehouse.toString(), query);
        assertEquals(0, run.exitCode(), query + ": " + run.err());
        return run.out();
    }

    @Test
    void aSettledEpochIsRewrittenOnlyWhenAskedWithAReason() {
        seed();
        String where = warehouse.toString();
        assertEquals(0, zkllm("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0").exitCode());
        String rewards = sql("SELECT role, id, amount FROM rewards WHERE brain = 5 AND epoch = 0 ORDER BY role, id");

        Run again = zkllm("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("already settled with these inputs") && again.out().contains("nothing to do"),
                again.out());

        Run changed = zkllm("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0", "--kappa", "0.6");
        assertEquals(2, changed.exitCode(), changed.out());
        assertEquals(1, changed.err().lines().count(), changed.err());
        assertTrue(changed.err().contains("already settled with other inputs") && changed.err().contains("--resettle"),
                changed.err());
        assertEquals(rewards, sql("SELECT role, id, amount FROM rewards WHERE brain = 5 AND epoch = 0 ORDER BY role, id"),
                "the refused rerun changed nothing");

        Run resettled = zkllm("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0", "--kappa", "0.6",
                "--resettle", "--reason", "validator 2 disputed the quorum");
        assertEquals(0, resettled.exitCode(), resettled.err());
        String ledger = sql("SELECT revision, kappa, reason, previous_digest IS NOT NULL AND previous_digest <> inputs_digest"
                + " AS changed FROM epochs WHERE brain = 5 AND epoch = 0 ORDER BY revision");
        System.out.println(ledger);
        List<String> lines = ledger.lines().toList();
        assertEquals("(2 rows)", lines.get(lines.size() - 1));
        assertTrue(lines.get(3).contains("validator 2 disputed the quorum") && lines.get(3).contains("0.6")
                && lines.get(3).contains("true"), ledger);
        BigInteger paid = BigInteger.ZERO;
        List<String> rewardLines = sql("SELECT amount FROM rewards WHERE brain = 5 AND epoch = 0").lines().toList();
        assertEquals("(5 rows)", rewardLines.get(rewardLines.size() - 1), "one row per payee: the new revision only");
        for (String line : rewardLines.subList(2, rewardLines.size() - 1)) {
            paid = paid.add(new BigInteger(line.trim()));
        }
        assertEquals(new BigInteger("360000000000000000000"), paid);

        // Auditing history, as docs/analytics.md shows it: every revision's rewards by SQL, the Iceberg
        // snapshots with their epoch and run, and a table as of one snapshot.
        List<String> history = sql("SELECT e.revision, e.reason, SUM(r.amount) AS paid FROM zkllm.network.rewards r"
                + " JOIN epochs e ON r.brain = e.brain AND r.epoch = e.epoch AND r.run_id = e.run_id"
                + " WHERE e.brain = 5 AND e.epoch = 0 GROUP BY e.revision, e.reason ORDER BY e.revision").lines().toList();
        assertEquals("(2 rows)", history.get(history.size() - 1), String.join("\n", history));
        List<String> snapshots = sql("SELECT snapshot_id, summary['zkllm.epoch'] AS epoch, summary['zkllm.run-id'] AS run_id"
                + " FROM zkllm.network.`rewards$snapshots` ORDER BY committed_at").lines().toList();
        assertEquals("(2 rows)", snapshots.get(snapshots.size() - 1), String.join("\n", snapshots));
        String firstSnapshot = snapshots.get(2).trim().split("\\s+")[0];
        List<String> asOfFirst = sql("SELECT role, id, amount FROM zkllm.network.rewards /*+ OPTIONS('snapshot-id'='"
                + firstSnapshot + "') */").lines().toList();
        assertEquals("(5 rows)", asOfFirst.get(asOfFirst.size() - 1), "revision 1's rows only, as first committed");
    }
}
