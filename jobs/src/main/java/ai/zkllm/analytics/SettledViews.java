package ai.zkllm.analytics;

import java.util.stream.Collectors;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.iceberg.types.Types;

/**
 * What SQL readers see: one temporary view per network table in Flink's in-memory
 * {@value #CATALOG}.{@value #DATABASE}, made current, so {@code rewards} means "rewards of settled
 * epochs". A settlement commits its rows to consensus, dividends, bonds and rewards first, unseen,
 * then one row to the {@code epochs} ledger; the views of those four tables keep only rows of the
 * run that an epoch's latest ledger revision names. So an epoch appears all at once (with the
 * ledger commit) or not at all, and a resettlement replaces it all at once too. The Iceberg tables
 * themselves stay reachable as {@code zkllm.network.<table>}: every run's rows, for audit and time travel.
 */
final class SettledViews {

    static final String CATALOG = "default_catalog";
    static final String DATABASE = "default_database";

    private static final String RAW = NetworkCatalog.CATALOG + "." + NetworkCatalog.DATABASE + ".";

    /** (brain, epoch, run_id) of each epoch's latest revision in the ledger. */
    private static final String SETTLED_RUNS = "SELECT e.brain, e.epoch, e." + NetworkTables.RUN_ID
            + " FROM " + RAW + NetworkTables.EPOCHS + " AS e JOIN (SELECT brain, epoch, MAX(revision) AS revision FROM "
            + RAW + NetworkTables.EPOCHS + " GROUP BY brain, epoch) AS latest"
            + " ON e.brain = latest.brain AND e.epoch = latest.epoch AND e.revision = latest.revision";

    private SettledViews() {}

    static void register(TableEnvironment tableEnv) {
        for (String table : NetworkTables.schemas().keySet()) {
            String view = NetworkTables.SETTLED.contains(table) ? settled(table) : "SELECT * FROM " + RAW + table;
            tableEnv.executeSql("CREATE TEMPORARY VIEW " + CATALOG + "." + DATABASE + "." + table + " AS " + view);
        }
        tableEnv.useCatalog(CATALOG);
        tableEnv.useDatabase(DATABASE);
    }

    private static String settled(String table) {
        String columns = NetworkTables.schemas().get(table).columns().stream()
                .map(Types.NestedField::name)
                .filter(name -> !name.equals(NetworkTables.RUN_ID))
                .map(name -> "t.`" + name + "`")
                .collect(Collectors.joining(", "));
        return "SELECT " + columns + " FROM " + RAW + table + " AS t JOIN (" + SETTLED_RUNS + ") AS s"
                + " ON t.brain = s.brain AND t.epoch = s.epoch AND t." + NetworkTables.RUN_ID + " = s." + NetworkTables.RUN_ID;
    }
}
