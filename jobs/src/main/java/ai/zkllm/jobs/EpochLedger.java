package ai.zkllm.jobs;

import ai.zkllm.analytics.IcebergWriter;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.analytics.SettlementRefusedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * One (brain, epoch)'s rows of the {@code epochs} ledger, as read at one snapshot. Appending a row
 * is the single commit that makes a settlement visible: the four settled tables' rows of its run
 * were committed before, unseen, since readers only see runs the ledger names. The append is a
 * compare-and-swap against that snapshot, so two settlements of one epoch cannot both commit.
 */
final class EpochLedger {

    /** One settlement of the epoch; see {@link NetworkTables#EPOCHS_SCHEMA} for the columns. */
    record Entry(int brain, long epoch, int revision, long runId, String inputsDigest, String previousDigest,
            String reason, OffsetDateTime settledAt, String kappa, String alpha, BigDecimal emission) {}

    private final Table table;
    private final Long snapshotId;
    private final int brain;
    private final long epoch;
    private final List<Entry> entries;

    private EpochLedger(Table table, Long snapshotId, int brain, long epoch, List<Entry> entries) {
        this.table = table;
        this.snapshotId = snapshotId;
        this.brain = brain;
        this.epoch = epoch;
        this.entries = entries;
    }

    static EpochLedger read(Table table, int brain, long epoch) {
        table.refresh();
        Snapshot snapshot = table.currentSnapshot();
        List<Entry> entries = new ArrayList<>();
        if (snapshot != null) {
            try (CloseableIterable<Record> rows = IcebergGenerics.read(table)
                    .useSnapshot(snapshot.snapshotId()).where(of(brain, epoch)).build()) {
                rows.forEach(r -> entries.add(new Entry((Integer) r.getField("brain"), (Long) r.getField("epoch"),
                        (Integer) r.getField("revision"), (Long) r.getField(NetworkTables.RUN_ID),
                        (String) r.getField("inputs_digest"), (String) r.getField("previous_digest"),
                        (String) r.getField("reason"), (OffsetDateTime) r.getField("settled_at"),
                        (String) r.getField("kappa"), (String) r.getField("alpha"), (BigDecimal) r.getField("emission"))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        entries.sort(Comparator.comparingInt(Entry::revision));
        return new EpochLedger(table, snapshot == null ? null : snapshot.snapshotId(), brain, epoch, entries);
    }

    /** The settled state of the epoch: its latest revision; empty while it was never settled. */
    Optional<Entry> current() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    /** Every run any revision committed; rows of other runs are left over from interrupted settlements. */
    Set<Long> committedRuns() {
        return entries.stream().map(Entry::runId).collect(Collectors.toSet());
    }

    /**
     * Appends {@code entry}, the settlement's commit point.
     *
     * @throws SettlementRefusedException when another settlement of the epoch committed since the read
     */
    void commit(Entry entry) {
        Record row = IcebergWriter.record(table, entry.brain(), entry.epoch(), entry.revision(), entry.runId(),
                entry.inputsDigest(), entry.previousDigest(), entry.reason(), entry.settledAt(), entry.kappa(),
                entry.alpha(), entry.emission());
        try {
            IcebergWriter.appendUnlessAdded(table, snapshotId, of(brain, epoch), List.of(row));
        } catch (ValidationException lostTheRace) {
            throw new SettlementRefusedException("another settlement of brain " + brain + " epoch " + epoch
                    + " committed while this one ran; run again to see its result");
        }
    }

    static Expression of(int brain, long epoch) {
        return Expressions.and(Expressions.equal("brain", brain), Expressions.equal("epoch", epoch));
    }
}
