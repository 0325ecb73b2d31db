package ai.zkllm.analytics;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;

/**
 * Where the network's Iceberg tables live: catalog {@value #CATALOG}, database (namespace)
 * {@value #DATABASE}. By default a Hadoop catalog on a local warehouse folder (./warehouse);
 * any Iceberg catalog property may be given instead (e.g. {@code type=rest}, {@code uri=…}),
 * and the same properties serve the Iceberg Java API and Flink SQL.
 */
public final class NetworkCatalog {

    public static final String CATALOG = "zkllm";
    public static final String DATABASE = "network";
    public static final String DEFAULT_WAREHOUSE = "warehouse";
    static final String JDBC_CATALOG_IMPL = "org.apache.iceberg.jdbc.JdbcCatalog";

    /** Iceberg catalog properties ({@code type}, {@code warehouse}, {@code uri}, …). */
    private final Map<String, String> properties;

    private NetworkCatalog(Map<String, String> properties) {
        this.properties = Map.copyOf(properties);
    }

    /**
     * @param warehouse a folder or a URI ({@code file:/…}, {@code s3://…}); a folder is made absolute
     * @param overrides more Iceberg catalog properties; they win over the Hadoop defaults
     */
    public static NetworkCatalog of(String warehouse, Map<String, String> overrides) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP);
        properties.put("warehouse", warehouseUri(warehouse == null ? DEFAULT_WAREHOUSE : warehouse));
        properties.putAll(overrides);
        // type=jdbc is spelled as its implementation class, which Flink SQL's Iceberg catalog also takes.
        if (CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC.equals(properties.get(CatalogUtil.ICEBERG_CATALOG_TYPE))) {
            properties.remove(CatalogUtil.ICEBERG_CATALOG_TYPE);
            properties.putIfAbsent(CatalogProperties.CATALOG_IMPL, JDBC_CATALOG_IMPL);
        }
        // A catalog-impl (e.g. a JDBC catalog: catalog-impl=org.apache.iceberg.jdbc.JdbcCatalog, uri=jdbc:…)
        // replaces the default type; Iceberg refuses both at once.
        if (properties.containsKey(CatalogProperties.CATALOG_IMPL) && !overrides.containsKey(CatalogUtil.ICEBERG_CATALOG_TYPE)) {
            properties.remove(CatalogUtil.ICEBERG_CATALOG_TYPE);
        }
        return new NetworkCatalog(properties);
    }

    public static NetworkCatalog local(Path warehouse) {
        return of(warehouse.toString(), Map.of());
    }

    static String warehouseUri(String warehouse) {
        URI uri = URI.create(warehouse.replace('\\', '/').replace(" ", "%20"));
        if (uri.getScheme() != null && uri.getScheme().length() > 1) {
            return warehouse;
        }
        return Path.of(warehouse).toAbsolutePath().normalize().toUri().toString();
    }

    public Map<String, String> properties() {
        return properties;
    }

    /** The Iceberg Java catalog; the caller closes it when it is {@link AutoCloseable}. */
    public Catalog open() {
        return CatalogUtil.buildIcebergCatalog(CATALOG, properties, new Configuration());
    }

    public CatalogLoader loader() {
        if (properties.containsKey(CatalogProperties.CATALOG_IMPL)) {
            return CatalogLoader.custom(CATALOG, properties, new Configuration(), properties.get(CatalogProperties.CATALOG_IMPL));
        }
        String type = properties.getOrDefault(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP);
        Map<String, String> rest = new LinkedHashMap<>(properties);
        rest.remove(CatalogUtil.ICEBERG_CATALOG_TYPE);
        return switch (type) {
            case CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP -> CatalogLoader.hadoop(CATALOG, new Configuration(), rest);
            case CatalogUtil.ICEBERG_CATALOG_TYPE_REST -> CatalogLoader.rest(CATALOG, new Configuration(), rest);
            case CatalogUtil.ICEBERG_CATALOG_TYPE_HIVE -> CatalogLoader.hive(CATALOG, new Configuration(), rest);
            default -> CatalogLoader.custom(CATALOG, properties, new Configuration(), properties.get("catalog-impl"));
        };
    }

    public TableLoader tableLoader(String table) {
        return TableLoader.fromCatalog(loader(), TableIdentifier.of(Namespace.of(DATABASE), table));
    }

    /** Registers the catalog in Flink SQL as {@value #CATALOG} and makes {@value #DATABASE} current. */
    public void register(TableEnvironment tableEnv) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", "iceberg");
        properties.forEach((key, value) ->
                options.put(key.equals(CatalogUtil.ICEBERG_CATALOG_TYPE) ? "catalog-type" : key, value));
        String with = options.entrySet().stream()
                .map(e -> quote(e.getKey()) + " = " + quote(e.getValue()))
                .collect(Collectors.joining(", "));
        tableEnv.executeSql("CREATE CATALOG " + CATALOG + " WITH (" + with + ")");
        tableEnv.useCatalog(CATALOG);
        tableEnv.useDatabase(DATABASE);
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
