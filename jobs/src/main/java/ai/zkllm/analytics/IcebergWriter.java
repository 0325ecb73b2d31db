package ai.zkllm.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Small, driver-side writes with the Iceberg Java API: one Parquet file per partition and one
 * atomic commit per call. Used where a job's result is computed in one place (settlement's
 * per-brain result, the scores of one validator's epoch) and by tests and demos that seed tables.
 */
public final class IcebergWriter {

    private IcebergWriter() {}

    /** A record of the table's schema with the given column values, in schema order. */
    public static Record record(Table table, Object... values) {
        GenericRecord record = GenericRecord.create(table.schema());
        for (int i = 0; i < values.length; i++) {
            record.set(i, values[i]);
        }
        return record;
    }

    /** Appends rows to any partitions, in one commit. */
    public static void append(Table table, List<Record> rows) {
        if (rows.isEmpty()) {
            return;
        }
        AppendFiles append = table.newAppend();
        writeFiles(table, rows).forEach(append::appendFile);
        append.commit();
    }

    /**
     * Replaces the rows matching {@code filter} with {@code rows} in one atomic commit (e.g. one
     * validator's scores of one epoch, leaving the other validators' rows alone).
     */
    public static long replace(Table table, Expression filter, List<Record> rows) {
        return replace(table, filter, rows, Map.of());
    }

    /**
     * As {@link #replace(Table, Expression, List)}, with {@code summary} added to the new snapshot's
     * summary (e.g. which epoch and run it belongs to), for whoever audits the table's history.
     */
    public static long replace(Table table, Expression filter, List<Record> rows, Map<String, String> summary) {
        OverwriteFiles overwrite = table.newOverwrite().overwriteByRowFilter(filter);
        writeFiles(table, rows).forEach(overwrite::addFile);
        summary.forEach(overwrite::set);
        overwrite.commit();
        return table.currentSnapshot().snapshotId();
    }

    /**
     * Appends {@code rows} in one commit unless, since snapshot {@code since} (null: since the table
     * began), another commit added rows matching {@code conflicts}: a compare-and-swap on a table
     * that is only appended to. Throws Iceberg's {@link ValidationException} when it lost the race.
     */
    public static long appendUnlessAdded(Table table, Long since, Expression conflicts, List<Record> rows) {
        OverwriteFiles append = table.newOverwrite();
        writeFiles(table, rows).forEach(append::addFile);
        if (since != null) {
            append.validateFromSnapshot(since);
        }
        append.conflictDetectionFilter(conflicts).validateNoConflictingData().commit();
        return table.currentSnapshot().snapshotId();
    }

    private static List<DataFile> writeFiles(Table table, List<Record> rows) {
        Map<PartitionKey, List<Record>> partitions = new LinkedHashMap<>();
        for (Record row : rows) {
            PartitionKey key = new PartitionKey(table.spec(), table.schema());
            key.partition(row);
            partitions.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
        }
        GenericAppenderFactory appenders = new GenericAppenderFactory(table.schema(), table.spec());
        OutputFileFactory files = OutputFileFactory.builderFor(table, 1, 1)
                .format(FileFormat.PARQUET)
                .operationId(UUID.randomUUID().toString())
                .build();
        List<DataFile> written = new ArrayList<>();
        for (Map.Entry<PartitionKey, List<Record>> partition : partitions.entrySet()) {
            PartitionKey key = partition.getKey();
            EncryptedOutputFile file = table.spec().isUnpartitioned() ? files.newOutputFile() : files.newOutputFile(key);
            DataWriter<Record> writer = appenders.newDataWriter(file, FileFormat.PARQUET,
                    table.spec().isUnpartitioned() ? null : key);
            try (writer) {
                partition.getValue().forEach(writer::write);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file.encryptingOutputFile().location(), e);
            }
            written.add(writer.toDataFile());
        }
        return written;
    }
}
