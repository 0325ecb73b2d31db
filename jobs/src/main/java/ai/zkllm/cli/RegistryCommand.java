package ai.zkllm.cli;

import ai.zkllm.jobs.RegistryJob;
import ai.zkllm.registry.RegistryCaps;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(checkpointIntervalMs);
        RegistryJob.wire(env, RegistryJob.source(bootstrapServers, kafkaProperties, topic, groupId, bounded),
                catalogOptions.catalog(), RegistryCaps.NETWORK);
        env.execute("zkllm registry");
        if (bounded) {
            spec.commandLine().getOut().println("registry: read " + topic + " to its end; every request is in the"
                    + " registrations table of " + catalogOptions.warehouse);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
