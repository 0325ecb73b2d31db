package ai.zkllm.analytics;

import ai.zkllm.settlement.EmissionSchedule;
import ai.zkllm.settlement.EpochInput;
import ai.zkllm.settlement.EpochSettlement;
import ai.zkllm.settlement.RewardShares;
import ai.zkllm.settlement.Settlement;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * The per-epoch batch settlement of one brain: reads registrations, scores and the previous
 * epoch's bonds with Flink SQL ({@link EpochReader}), runs the exact Yuma consensus and integer
 * payout ({@link Settlement#settle}), then replaces the (brain, epoch) partition of
 * {@code consensus}, {@code dividends}, {@code bonds} and lastly {@code rewards}, each in one
 * atomic Iceberg commit ({@link IcebergWriter#replaceEpoch}). Running an epoch again gives the
 * same rows and never a second payout; an interrupted run is repaired by running it again.
 */
public final class SettlementJob {

    /** What to settle and with which parameters. */
    public record Params(int brain, long epoch, BigDecimal kappa, BigDecimal alpha, EmissionSchedule emission,
            RewardShares shares) {

        public static Params defaults(int brain, long epoch) {
            return new Params(brain, epoch, EpochInput.DEFAULT_KAPPA, EpochInput.DEFAULT_ALPHA,
                    new EmissionSchedule(EmissionSchedule.BASE_UNITS_PER_TOKEN, EmissionSchedule.DEFAULT_BLOCKS_PER_EPOCH),
                    RewardShares.DEFAULT);
        }
    }

    /** The settlement, how many score rows named unregistered ids, and the rewards snapshot written. */
    public record Result(EpochSettlement settlement, int ignoredScores, long rewardsSnapshotId) {}

    private SettlementJob() {}

    public static Result run(NetworkCatalog network, Params params) {
        Catalog catalog = network.open();
        try {
            NetworkTables.ensure(catalog);
            TableEnvironment tableEnv = FlinkSql.batch(network, 1);
            EpochReader.Read read = new EpochReader(tableEnv).read(params.brain(), params.epoch(),
                    params.kappa(), params.alpha(), params.emission(), params.shares());
            EpochSettlement settlement = Settlement.settle(read.input());

            Table consensus = NetworkTables.load(catalog, NetworkTables.CONSENSUS);
            Table dividends = NetworkTables.load(catalog, NetworkTables.DIVIDENDS);
            Table bonds = NetworkTables.load(catalog, NetworkTables.BONDS);
            Table rewards = NetworkTables.load(catalog, NetworkTables.REWARDS);
            int brain = params.brain();
            long epoch = params.epoch();
            IcebergWriter.replaceEpoch(consensus, brain, epoch, SettlementRows.consensus(consensus, settlement));
            IcebergWriter.replaceEpoch(dividends, brain, epoch, SettlementRows.dividends(dividends, settlement, read.input().stakes()));
            IcebergWriter.replaceEpoch(bonds, brain, epoch, SettlementRows.bonds(bonds, settlement));
            long snapshot = IcebergWriter.replaceEpoch(rewards, brain, epoch, SettlementRows.rewards(rewards, settlement));
            return new Result(settlement, read.ignoredScores(), snapshot);
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
}
