package ai.zkllm.cli;

import ai.zkllm.analytics.NetworkCatalog;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that say where the Iceberg catalog is; shared by every command that reads or writes tables. */
public final class CatalogOptions {

    @Option(names = "--warehouse", paramLabel = "DIR|URI", defaultValue = NetworkCatalog.DEFAULT_WAREHOUSE,
            description = "The Iceberg warehouse: a folder or a URI (default: ${DEFAULT-VALUE}).")
    String warehouse;

    @Option(names = "--catalog-property", paramLabel = "KEY=VALUE",
            description = "An Iceberg catalog property, repeatable; e.g. type=rest uri=http://… (default: type=hadoop).")
    Map<String, String> properties = new LinkedHashMap<>();

    public NetworkCatalog catalog() {
        return NetworkCatalog.of(warehouse, properties);
    }
}
