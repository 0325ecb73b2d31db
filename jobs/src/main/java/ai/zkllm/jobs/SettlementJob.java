package ai.zkllm.jobs;

import ai.zkllm.analytics.EpochReader;
import ai.zkllm.analytics.FlinkSql;
import ai.zkllm.analytics.IcebergWriter;
import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.analytics.SettlementRefusedException;
import ai.zkllm.analytics.SettlementRows;
import ai.zkllm.settlement.EmissionSchedule;
import ai.zkllm.settlement.EpochInput;
import ai.zkllm.settlement.EpochInputDigest;
import ai.zkllm.settlement.EpochSettlement;
import ai.zkllm.settlement.InvalidEpochException;
import ai.zkllm.settlement.RewardShares;
import ai.zkllm.settlement.Settlement;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * The per-epoch batch settlement of one brain: reads registrations, scores and the previous
 * epoch's settled bonds with Flink SQL ({@link EpochReader}), runs the exact Yuma consensus and
 * integer payout ({@link Settlement#settle}), then commits the epoch atomically for readers:
 * <ol>
 *   <li>the rows of {@code consensus}, {@code dividends}, {@code bonds} and {@code rewards}, tagged
 *       with a fresh run id, one Iceberg commit per table, each also removing rows left by an
 *       interrupted run of the epoch; unseen by readers, who see only runs the ledger names;</li>
 *   <li>one row in the {@code epochs} ledger naming the run and the inputs' SHA-256: the commit
 *       point. A crash before it leaves the epoch as it was; running again completes it.</li>
 * </ol>
 * An epoch already settled with the same inputs is left alone; with other inputs it is refused
 * unless resettling with a reason, which becomes the ledger's next revision.
 */
public final class SettlementJob {

    /** The largest amount a {@code DECIMAL(38,0)} money column holds. */
    private static final BigInteger MAX_MONEY = BigInteger.TEN.pow(38).subtract(BigInteger.ONE);

    private static final SecureRandom RUN_IDS = new SecureRandom();

    /**
     * What to settle and with which parameters.
     *
     * @param resettleReason null for an ordinary settlement; why, when replacing an epoch already
     *     settled with other inputs
     */
    public record Params(int brain, long epoch, BigDecimal kappa, BigDecimal alpha, EmissionSchedule emission,
            RewardShares shares, String resettleReason) {

        public static Params defaults(int brain, long epoch) {
            return new Params(brain, epoch, EpochInput.DEFAULT_KAPPA, EpochInput.DEFAULT_ALPHA,
                    new EmissionSchedule(EmissionSchedule.BASE_UNITS_PER_TOKEN, EmissionSchedule.DEFAULT_BLOCKS_PER_EPOCH),
                    RewardShares.DEFAULT, null);
        }
    }

    /**
     * The settlement, how many score rows named unregistered ids, the epoch's ledger revision and
     * inputs digest, and whether this run committed it (false: already settled with these inputs).
     */
    public record Result(EpochSettlement settlement, int ignoredScores, int revision, String inputsDigest,
            boolean committed) {}

    private SettlementJob() {}

    /**
     * @throws InvalidEpochException when the epoch cannot be settled
     * @throws SettlementRefusedException when it is settled with other inputs and no reason to
     *     resettle was given, or another settlement of it committed first
     */
    public static Result run(NetworkCatalog network, Params params) {
        Catalog catalog = network.open();
        try {
            NetworkTables.ensure(catalog);
            TableEnvironment tableEnv = FlinkSql.batch(network, 1);
            int brain = params.brain();
            long epoch = params.epoch();
            EpochReader.Read read = new EpochReader(tableEnv).read(brain, epoch,
                    params.kappa(), params.alpha(), params.emission(), params.shares());
            EpochSettlement settlement = Settlement.settle(read.input());
            if (settlement.emission().compareTo(MAX_MONEY) > 0) {
                throw new InvalidEpochException("emission", "the epoch's emission " + settlement.emission()
                        + " does not fit the tables' DECIMAL(38,0) money columns");
            }
            String digest = EpochInputDigest.of(read.input());

            EpochLedger ledger = EpochLedger.read(NetworkTables.load(catalog, NetworkTables.EPOCHS), brain, epoch);
            Optional<EpochLedger.Entry> settled = ledger.current();
            if (settled.isPresent() && settled.get().inputsDigest().equals(digest)) {
                return new Result(settlement, read.ignoredScores(), settled.get().revision(), digest, false);
            }
            if (settled.isPresent() && params.resettleReason() == null) {
                throw new SettlementRefusedException("brain " + brain + " epoch " + epoch
                        + " was already settled with other inputs (revision " + settled.get().revision() + ", inputs sha256 "
                        + settled.get().inputsDigest() + "; now " + digest + "); to replace it, run again with"
                        + " --resettle --reason \"TEXT\"");
            }

            long runId = RUN_IDS.nextLong() & Long.MAX_VALUE;
            Map<String, String> summary = Map.of("zkllm.brain", String.valueOf(brain), "zkllm.epoch", String.valueOf(epoch),
                    "zkllm.run-id", String.valueOf(runId), "zkllm.inputs-digest", digest);
            Expression leftovers = leftoversOf(brain, epoch, ledger);
            for (String name : NetworkTables.SETTLED) {
                Table table = NetworkTables.load(catalog, name);
                IcebergWriter.replace(table, leftovers, rows(name, table, settlement, read.input(), runId), summary);
            }
            int revision = settled.map(entry -> entry.revision() + 1).orElse(1);
            ledger.commit(new EpochLedger.Entry(brain, epoch, revision, runId, digest,
                    settled.map(EpochLedger.Entry::inputsDigest).orElse(null), params.resettleReason(),
                    OffsetDateTime.now(ZoneOffset.UTC), params.kappa().toPlainString(), params.alpha().toPlainString(),
                    new BigDecimal(settlement.emission())));
            return new Result(settlement, read.ignoredScores(), revision, digest, true);
        } finally {
            if (catalog instanceof Closeable closeable) {
                try {
                    closeable.close();
                } catch (IOException ignored) {
                    // nothing was left open for writing
                }
            }
        }
    }

    /** {@code flink run -c ai.zkllm.jobs.SettlementJob zkllm-jobs-flink.jar --brain 3 --epoch latest-closed ...}. */
    public static void main(String[] args) {
        SettlementJobConfig cfg = new SettlementJobConfig();
        if (!JobFlags.parseOrExit(SettlementJob.class, cfg, args)) {
            return;
        }
        long epoch = cfg.epoch(System.currentTimeMillis());
        Result result = run(cfg.catalog.network(), Params.defaults(cfg.brain, epoch));
        System.out.printf("brain %d epoch %d revision %d (inputs sha256 %s): %s%n", cfg.brain, epoch, result.revision(),
                result.inputsDigest(), result.committed() ? "committed" : "already settled with these inputs");
    }

    /** The epoch's rows of runs no ledger revision names: left by interrupted settlements. */
    private static Expression leftoversOf(int brain, long epoch, EpochLedger ledger) {
        Expression epochRows = EpochLedger.of(brain, epoch);
        return ledger.committedRuns().isEmpty()
                ? epochRows
                : Expressions.and(epochRows, Expressions.notIn(NetworkTables.RUN_ID, ledger.committedRuns()));
    }

    private static List<Record> rows(
            String name, Table table, EpochSettlement settlement, EpochInput input, long runId) {
        return switch (name) {
            case NetworkTables.CONSENSUS -> SettlementRows.consensus(table, settlement, runId);
            case NetworkTables.DIVIDENDS -> SettlementRows.dividends(table, settlement, input.stakes(), runId);
            case NetworkTables.BONDS -> SettlementRows.bonds(table, settlement, runId);
            case NetworkTables.REWARDS -> SettlementRows.rewards(table, settlement, runId);
            default -> throw new IllegalArgumentException("not a settled table: " + name);
        };
    }
}
