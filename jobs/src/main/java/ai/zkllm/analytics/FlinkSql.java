package ai.zkllm.analytics;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/** Flink SQL in batch mode over the network catalog: the reading side of every batch job and of {@code zkllm sql}. */
public final class FlinkSql {

    private FlinkSql() {}

    /**
     * A batch TableEnvironment (local MiniCluster unless run by {@code flink run}) with the
     * network catalog registered as {@code zkllm} and the {@link SettledViews} current, so
     * {@code rewards} shows settled epochs only; times shown in UTC.
     */
    public static TableEnvironment batch(NetworkCatalog catalog, int parallelism) {
        Configuration config = new Configuration();
        config.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        config.setString("table.local-time-zone", "UTC");
        TableEnvironment tableEnv = TableEnvironment.create(
                EnvironmentSettings.newInstance().inBatchMode().withConfiguration(config).build());
        catalog.register(tableEnv);
        SettledViews.register(tableEnv);
        return tableEnv;
    }

    public static List<Row> query(TableEnvironment tableEnv, String sql) {
        return collect(tableEnv.executeSql(sql));
    }

    public static List<Row> collect(TableResult result) {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> iterator = result.collect()) {
            iterator.forEachRemaining(rows::add);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}
