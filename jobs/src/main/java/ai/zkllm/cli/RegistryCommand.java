package ai.zkllm.cli;

import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.jobs.RegistryJob;
import ai.zkllm.jobs.embedded.EmbeddedRuntime;
import ai.zkllm.program.io.TempDirs;
import ai.zkllm.registry.RegistryCaps;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code zkllm registry}: runs the registry job (Kafka topic → caps → Iceberg table registrations). */
@Command(
        name = "registry",
        description = {
            "Runs the registry job: Kafka topic registrations -> caps -> Iceberg table registrations.",
            "Enforces the caps (1024 brains, 1792 miners and 256 validators per brain, ids unique per role) and writes every",
            "request, accepted or refused with its reason, to the Iceberg table registrations on each checkpoint."
        })
public final class RegistryCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Mixin
    private CatalogOptions catalogOptions;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka brokers (default: the local network's, while `zkllm up` runs one; else required).")
    private String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client property for the job's source, repeatable; e.g. security.protocol=SASL_SSL.")
    private Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--topic", defaultValue = RegistryJob.TOPIC, description = "The topic (default: ${DEFAULT-VALUE}).")
    private String topic;

    @Option(names = "--group-id", defaultValue = "zkllm-registry", description = "Kafka consumer group (default: ${DEFAULT-VALUE}).")
    private String groupId;

    @Option(names = "--bounded", description = "Stop at the topic's end as of the start instead of running forever.")
    private boolean bounded;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "10000",
            description = "Checkpoint (and Iceberg commit) interval (default: ${DEFAULT-VALUE}).")
    private long checkpointIntervalMs;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (bootstrapServers == null) {
            throw new UsageException("--bootstrap-servers is required: no local network is up (`zkllm up` starts one)");
        }
        PrintWriter err = spec.commandLine().getErr();
        NetworkCatalog network = catalogOptions.catalog();
        long[] before = tally(network);
        Path state = TempDirs.create("zkllm-registry-");
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    EmbeddedRuntime.localFileSystemState(new Configuration(), state));
            env.enableCheckpointing(checkpointIntervalMs);
            RegistryJob.wire(env, RegistryJob.source(bootstrapServers, kafkaProperties, topic, groupId, bounded),
                    network, RegistryCaps.NETWORK);
            err.printf("registry: reading %s from %s (group %s) %s; registrations written to the Iceberg table "
                            + "registrations in %s on each checkpoint (every %d ms)%n", topic, bootstrapServers, groupId,
                    bounded ? "up to its current end" : "until interrupted (Ctrl-C)", catalogOptions.warehouse,
                    checkpointIntervalMs);
            err.flush();
            env.execute("zkllm registry");
        } finally {
            TempDirs.delete(state);
        }
        long[] after = tally(network);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("registry: %d requests decided: %d accepted, %d refused (the registrations table of %s now holds"
                        + " %d rows)%n", after[0] + after[1] - before[0] - before[1], after[0] - before[0],
                after[1] - before[1], catalogOptions.warehouse, after[0] + after[1]);
        out.flush();
        return 0;
    }

    /** {accepted, refused} rows in the registrations table (append only: the difference is this run's). */
    static long[] tally(NetworkCatalog network) throws IOException {
        long[] counts = new long[2];
        Catalog catalog = network.open();
        try {
            NetworkTables.ensure(catalog);
            try (CloseableIterable<Record> rows = IcebergGenerics.read(
                    NetworkTables.load(catalog, NetworkTables.REGISTRATIONS)).select("status").build()) {
                for (Record r : rows) {
                    counts["accepted".equals(r.getField("status")) ? 0 : 1]++;
                }
            }
        } finally {
            if (catalog instanceof Closeable c) {
                c.close();
            }
        }
        return counts;
    }
}
