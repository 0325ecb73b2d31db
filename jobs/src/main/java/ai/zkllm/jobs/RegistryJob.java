package ai.zkllm.jobs;

import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.analytics.RegistrationRows;
import ai.zkllm.registry.RegistrationFunction;
import ai.zkllm.registry.RegistrationParser;
import ai.zkllm.registry.RegistrationRequest;
import ai.zkllm.registry.RegistryCaps;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * The registry: Kafka topic {@value #TOPIC} (JSON requests, keyed by brain) → parse → keyBy brain
 * → {@link RegistrationFunction} (the caps, in keyed state) → Iceberg table {@code registrations},
 * accepted and refused rows alike, committed on each checkpoint (exactly once with the Kafka
 * offsets in the same checkpoint). Wiring only: the rules live in {@code ai.zkllm.registry}.
 */
public final class RegistryJob {

    public static final String TOPIC = "registrations";

    private RegistryJob() {}

    /**
     * @param kafkaProperties Kafka client properties (SASL/SSL, sizes), applied last
     * @param bounded stop at the topic's end as of the start (tests, backfills), else run forever
     */
    public static KafkaSource<String> source(String bootstrapServers, Map<String, String> kafkaProperties, String topic,
                                             String groupId, boolean bounded) {
        var builder = KafkaSource.<String>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema());
        kafkaProperties.forEach(builder::setProperty);
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** Adds the registry to {@code env}, reading {@code source} (production: {@link #source}); creates the tables when missing. */
    public static void wire(StreamExecutionEnvironment env, Source<String, ?, ?> source, NetworkCatalog network,
                            RegistryCaps caps) {
        Catalog catalog = network.open();
        try {
            NetworkTables.ensure(catalog);
        } finally {
            if (catalog instanceof Closeable closeable) {
                try {
                    closeable.close();
                } catch (IOException ignored) {
                    // only metadata was read
                }
            }
        }
        DataStream<RegistrationRequest> requests = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "kafka: " + TOPIC)
                .uid("registrations-source")
                .map(new RegistrationParser()).name("parse registration").uid("parse-registration");
        DataStream<RowData> rows = requests
                .keyBy(request -> request.brain, Types.INT)
                .process(new RegistrationFunction(caps)).name("registry caps").uid("registry-caps")
                .map(new RegistrationRows(), RegistrationRows.typeInfo()).name("to row").uid("to-row");
        FlinkSink.forRowData(rows)
                .tableLoader(network.tableLoader(NetworkTables.REGISTRATIONS))
                .writeParallelism(1)
                .uidPrefix("registrations-sink")
                .append();
    }
}
