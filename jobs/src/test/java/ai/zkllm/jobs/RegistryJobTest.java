package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.registry.RegistryCaps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end: an in-process KRaft broker, the registry job on a local MiniCluster, the Iceberg table read back. */
class RegistryJobTest {

    @TempDir
    Path warehouse;

    private static String request(int brain, String role, long id, String stake) {
        return "{\"brain\":" + brain + ",\"role\":\"" + role + "\",\"id\":" + id + ",\"stake\":\"" + stake
                + "\",\"hotkey\":\"hk-" + role + id + "\"}";
    }

    @Test
    void enforcesTheCapsAndRecordsEveryRefusalWithItsReason() throws Exception {
        List<String> messages = new ArrayList<>(List.of(
                request(0, "validator", 0, "5000000000000000000000"),
                request(0, "validator", 1, "3000000000000000000000"),
                request(0, "validator", 0, "1"),                        // duplicate id
                request(0, "validator", 2, "2000000000000000000000"),   // past the cap of 2
                request(0, "miner", 10, "0"),
                request(0, "miner", 11, "0"),
                request(0, "miner", 12, "0"),
                request(0, "miner", 13, "0"),                           // past the cap of 3
                request(1, "miner", 10, "0"),                           // same id, other brain
                request(1, "validator", 10, "1"),                       // same id, other role
                request(2, "miner", 1, "0"),                            // past the cap of 2 brains
                request(1, "owner", 1, "0"),
                "not json"));
        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build()).build()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(RegistryJob.TOPIC, 1, (short) 1))).all().get();
            }
            Properties producerProps = new Properties();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
                for (String message : messages) {
                    producer.send(new ProducerRecord<>(RegistryJob.TOPIC, "brain", message)).get();
                }
            }

            NetworkCatalog network = NetworkCatalog.local(warehouse);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(500);
            RegistryJob.wire(env, RegistryJob.source(kafka.bootstrapServers(), Map.of(), RegistryJob.TOPIC, "test", true),
                    network, new RegistryCaps(2, 3, 2));
            env.execute("registry test");

            Catalog catalog = network.open();
            Table table = NetworkTables.load(catalog, NetworkTables.REGISTRATIONS);
            Map<String, String> outcome = new HashMap<>();
            Map<String, Integer> accepted = new HashMap<>();
            int rows = 0;
            try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
                for (Record r : records) {
                    rows++;
                    String key = r.getField("brain") + "/" + r.getField("role") + "/" + r.getField("id") + "/"
                            + r.getField("stake");
                    outcome.put(key, r.getField("status") + (r.getField("reason") == null ? "" : ": " + r.getField("reason")));
                    if ("accepted".equals(r.getField("status"))) {
                        accepted.merge(r.getField("brain") + "/" + r.getField("role"), 1, Integer::sum);
                        assertEquals(null, r.getField("reason"));
                    }
                }
            }
            assertEquals(messages.size(), rows, "every request leaves one row: " + outcome);
            assertEquals(Map.of("0/validator", 2, "0/miner", 3, "1/miner", 1, "1/validator", 1), accepted);
            assertEquals("accepted", outcome.get("0/validator/0/5000000000000000000000"));
            assertEquals("refused: validator 0 is already registered to brain 0", outcome.get("0/validator/0/1"));
            assertEquals("refused: brain 0 is full: it already has 2 validators (cap 2)",
                    outcome.get("0/validator/2/2000000000000000000000"));
            assertEquals("refused: brain 0 is full: it already has 3 miners (cap 3)", outcome.get("0/miner/13/0"));
            assertEquals("refused: brain 2 out of range: the network holds at most 2 brains (ids 0..1)",
                    outcome.get("2/miner/1/0"));
            assertEquals("refused: unknown role \"owner\": must be miner or validator", outcome.get("1/owner/1/0"));
            assertTrue(outcome.get("-1/null/-1/null").startsWith("refused: malformed request: not JSON"), outcome.toString());
        }
    }
}
