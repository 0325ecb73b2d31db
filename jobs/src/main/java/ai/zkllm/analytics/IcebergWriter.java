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
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Small, driver-side writes with the Iceberg Java API: one Parquet file per partition and one
 * atomic commit per call. Used where a job's result is computed in one place (settlement's
 * per-brain result) and by tests and demos that seed tables.
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
     * Replaces everything of one (brain, epoch) with {@code rows}, in one atomic commit: readers
     * see the old partition or the new one, never both, so re-running an epoch never doubles a
     * row. An explicit row filter (rather than "replace the partitions written to") also clears
     * an epoch whose new result is empty. Returns the new snapshot id.
     */
    public static long replaceEpoch(Table table, int brain, long epoch, List<Record> rows) {
        OverwriteFiles overwrite = table.newOverwrite()
                .overwriteByRowFilter(Expressions.and(
                        Expressions.equal("brain", brain), Expressions.equal("epoch", epoch)));
        for (Record row : rows) {
            if (!Integer.valueOf(brain).equals(row.getField("brain")) || !Long.valueOf(epoch).equals(row.getField("epoch"))) {
                throw new IllegalArgumentException("row outside brain " + brain + " epoch " + epoch + ": " + row);
            }
        }
        writeFiles(table, rows).forEach(overwrite::addFile);
        overwrite.commit();
        return table.currentSnapshot().snapshotId();
    }

    /**
     * Replaces the rows matching {@code filter} with {@code rows} in one atomic commit (e.g. one
     * validator's scores of one epoch, leaving the other validators' rows alone).
     */
    public static long replace(Table table, org.apache.iceberg.expressions.Expression filter, List<Record> rows) {
        OverwriteFiles overwrite = table.newOverwrite().overwriteByRowFilter(filter);
        writeFiles(table, rows).forEach(overwrite::addFile);
        overwrite.commit();
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
