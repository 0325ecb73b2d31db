package ai.zkllm.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.table.operations.DescribeCatalogOperation;
import org.apache.flink.table.operations.DescribeFunctionOperation;
import org.apache.flink.table.operations.DescribeModelOperation;
import org.apache.flink.table.operations.DescribeTableOperation;
import org.apache.flink.table.operations.ExplainOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.QueryOperation;
import org.apache.flink.table.operations.ShowOperation;

/**
 * Which statements {@code zkllm sql} runs without {@code --allow-writes}: queries (SELECT, WITH,
 * VALUES), SHOW, DESCRIBE and EXPLAIN. Decided on the operations Flink's own parser makes of the
 * statement, so comments, case, whitespace or a leading {@code WITH} cannot disguise a DROP,
 * INSERT, CREATE, ALTER, SET or CALL (an Iceberg procedure); anything not known to be read-only is a write.
 */
final class ReadOnlySql {

    private static final List<Class<? extends Operation>> READ_ONLY = List.of(
            QueryOperation.class, ShowOperation.class, ExplainOperation.class, DescribeTableOperation.class,
            DescribeCatalogOperation.class, DescribeFunctionOperation.class, DescribeModelOperation.class);

    private ReadOnlySql() {}

    /** The kind of the first operation that may change something, e.g. "DROP TABLE"; empty when all only read. */
    static Optional<String> firstWrite(List<Operation> operations) {
        return operations.stream()
                .filter(operation -> READ_ONLY.stream().noneMatch(kind -> kind.isInstance(operation)))
                .findFirst()
                .map(ReadOnlySql::kind);
    }

    /** DropTableOperation → "DROP TABLE": the statement kind as a user wrote it. */
    private static String kind(Operation operation) {
        String name = operation.getClass().getSimpleName().replaceFirst("Operation$", "");
        return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    }
}
