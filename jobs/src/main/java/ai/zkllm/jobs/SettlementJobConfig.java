package ai.zkllm.jobs;

import java.io.Serializable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Flags of the SettlementJob's {@code main}, which a scheduler (Terraform's CronJob) runs once per
 * epoch: it names the epoch {@code latest-closed}, read off the same clock the ValidationJob closes
 * epochs on. Consensus and emission parameters keep their defaults; {@code zkllm settle-epoch} sets them.
 */
public class SettlementJobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String LATEST_CLOSED = "latest-closed";

    @Mixin
    public IcebergCatalogFlags catalog = new IcebergCatalogFlags();

    @Mixin
    public EpochClock epochs = new EpochClock();

    @Option(names = "--brain", required = true, description = "the brain id")
    public int brain;

    @Option(names = "--epoch", required = true, paramLabel = "N|" + LATEST_CLOSED,
            description = "the epoch number, or " + LATEST_CLOSED + ": the last one the epoch clock has closed")
    public String epoch;

    /** The epoch to settle at {@code nowMs}. */
    public long epoch(long nowMs) {
        if (!epoch.equals(LATEST_CLOSED)) {
            return Long.parseLong(epoch);
        }
        long closed = epochs.latestClosed(nowMs);
        if (closed < 0) {
            throw new IllegalStateException("no epoch has closed yet (epoch 0 closes at "
                    + (epochs.originMs + epochs.lengthMs + epochs.graceMs) + " ms)");
        }
        return closed;
    }
}
