package ai.zkllm.jobs;

import ai.zkllm.analytics.NetworkCatalog;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a job's Iceberg tables are: the same flags for the ValidationJob (scores) and the
 * SettlementJob (scores in, settlement out), which must agree on the catalog.
 */
public class IcebergCatalogFlags implements Serializable {
    private static final long serialVersionUID = 1L;

    @Option(names = "--warehouse", description = "the Iceberg warehouse: a folder or a URI (default: ${DEFAULT-VALUE})")
    public String warehouse = NetworkCatalog.DEFAULT_WAREHOUSE;

    @Option(names = "--catalog-property", paramLabel = "KEY=VALUE",
            description = "an Iceberg catalog property, repeatable; e.g. type=rest, uri=http://iceberg-rest:8181 (default: type=hadoop)")
    public Map<String, String> properties = new LinkedHashMap<>();

    public NetworkCatalog network() {
        return NetworkCatalog.of(warehouse, properties);
    }
}
