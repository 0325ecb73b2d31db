package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A settled epoch is not silently rewritten: reruns are no-ops, changed inputs need --resettle --reason. */
class SettleEpochCommandTest {

    @TempDir
    Path warehouse;

    private String sql(String query) {
        CliRun run = CliRun.of("sql", "--warehouse", warehouse.toString(), query);
        assertEquals(0, run.exitCode(), query + ": " + run.err());
        return run.out();
    }

    @Test
    void aSettledEpochIsRewrittenOnlyWhenAskedWithAReason() {
        SmallNetwork.seed(warehouse);
        String where = warehouse.toString();
        CliRun first = CliRun.of("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0");
        assertEquals(0, first.exitCode(), first.err());
        Matcher result = Pattern.compile("emission (\\d+) = owner (\\d+) \\+ miners (\\d+) \\(\\d+ miners?\\)"
                + " \\+ validators (\\d+) \\(\\d+ validators?\\)").matcher(first.out());
        assertTrue(result.find(), first.out());
        assertEquals(new BigInteger(result.group(1)), new BigInteger(result.group(2)).add(new BigInteger(result.group(3)))
                .add(new BigInteger(result.group(4))), "the result line's parts add up to the emission");
        String rewards = sql("SELECT role, id, amount FROM rewards WHERE brain = 5 AND epoch = 0 ORDER BY role, id");

        CliRun again = CliRun.of("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("already settled with these inputs") && again.out().contains("nothing to do"),
                again.out());

        CliRun changed = CliRun.of("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0", "--kappa", "0.6");
        assertEquals(2, changed.exitCode(), changed.out());
        assertEquals(1, changed.err().lines().count(), changed.err());
        assertTrue(changed.err().contains("already settled with other inputs") && changed.err().contains("--resettle"),
                changed.err());
        assertEquals(rewards, sql("SELECT role, id, amount FROM rewards WHERE brain = 5 AND epoch = 0 ORDER BY role, id"),
                "the refused rerun changed nothing");

        CliRun resettled = CliRun.of("settle-epoch", "--warehouse", where, "--brain", "5", "--epoch", "0", "--kappa", "0.6",
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
