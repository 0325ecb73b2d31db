package ai.zkllm.cli;

import ai.zkllm.analytics.FlinkSql;
import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.jobs.PositiveInt;
import java.io.Closeable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.table.api.SqlParserException;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.operations.ModifyOperation;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.StatementSetOperation;
import org.apache.flink.types.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code zkllm sql}: one Flink SQL statement, in batch mode, over the network's Iceberg tables.
 * Read-only unless {@code --allow-writes}: the tables hold settled money, and a stray DROP or
 * INSERT must not be one typo away ({@link ReadOnlySql}). Queries print their rows; an allowed
 * {@code INSERT} waits for its job, so its rows are committed on exit.
 */
@Command(
        name = "sql",
        description = {
            "Runs one Flink SQL statement (batch mode) over the Iceberg tables and prints an aligned table.",
            "Catalog 'zkllm', current database 'network'. Tables: registrations, scores, consensus, dividends, bonds,",
            "rewards (docs/analytics.md). Read-only: SELECT, WITH, SHOW, DESCRIBE and EXPLAIN; anything else",
            "needs --allow-writes. Exit code 2, with one line on stderr, when the SQL is invalid or refused."
        })
public final class SqlCommand implements Callable<Integer> {

    static final int INVALID_SQL = 2;
    static final int FAILED = 1;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Mixin
    private CatalogOptions catalogOptions;

    @Option(names = "--allow-writes",
            description = "Also run statements that change the catalog or the tables (INSERT, CREATE, DROP, ALTER, SET, …).")
    private boolean allowWrites;

    @Option(names = "--parallelism", defaultValue = "1", converter = PositiveInt.class, description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    private int parallelism;

    @Parameters(index = "0", paramLabel = "SQL", description = "The statement, e.g. \"SELECT * FROM rewards\".")
    private String sql;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        NetworkCatalog network = catalogOptions.catalog();
        TableResult result;
        boolean modifies;
        try {
            var catalog = network.open();
            NetworkTables.ensure(catalog);
            if (catalog instanceof Closeable closeable) {
                closeable.close();
            }
            TableEnvironment tableEnv = FlinkSql.batch(network, parallelism);
            List<Operation> operations = ((TableEnvironmentInternal) tableEnv).getParser().parse(sql);
            Optional<String> write = ReadOnlySql.firstWrite(operations);
            if (write.isPresent() && !allowWrites) {
                return fail(INVALID_SQL, "refused " + write.get() + ": zkllm sql is read-only"
                        + " (SELECT, WITH, SHOW, DESCRIBE, EXPLAIN); add --allow-writes to change the catalog or the tables");
            }
            modifies = operations.stream()
                    .anyMatch(operation -> operation instanceof ModifyOperation || operation instanceof StatementSetOperation);
            result = tableEnv.executeSql(sql);
        } catch (SqlParserException | ValidationException e) {
            return fail(INVALID_SQL, "invalid SQL: " + describe(e));
        } catch (Exception e) {
            return fail(FAILED, describe(e));
        }
        List<Row> rows;
        try {
            if (modifies && result.getJobClient().isPresent()) {
                // An INSERT's result row comes at once, its commit only when its job ends; then the
                // local MiniCluster is gone, so there is nothing more to collect.
                result.await();
                spec.commandLine().getOut().println("done: job " + result.getJobClient().get().getJobID() + " finished");
                spec.commandLine().getOut().flush();
                return 0;
            }
            rows = FlinkSql.collect(result);
        } catch (Exception e) {
            return fail(FAILED, "the query failed: " + describe(e));
        }
        spec.commandLine().getOut().print(TextTable.render(result.getResolvedSchema(), rows));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The first line of the most specific message: Flink wraps Calcite's, which names the line and column. */
    static String describe(Throwable e) {
        String message = firstLine(e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String inner = firstLine(cause.getMessage());
            if (!inner.isEmpty() && !message.contains(inner)) {
                message = message.isEmpty() || inner.startsWith(message) ? inner : message + " " + inner;
                break;
            }
        }
        return message.isEmpty() ? e.getClass().getSimpleName() : message;
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("").trim();
    }

    private int fail(int code, String message) {
        spec.commandLine().getErr().println("zkllm sql: " + message);
        spec.commandLine().getErr().flush();
        return code;
    }
}
