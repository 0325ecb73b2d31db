package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.zkllm.jobs.RegistryJob;
import ai.zkllm.jobs.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: the long commands say what they are doing and, on success, what they did. */
class CliProgressTest {
    @TempDir
    Path tmp;

    @Test
    void registryAndBoundedValidateReportWhatTheyDid() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(1 << 20)) {
            kafka.createTopics(1, 1 << 20, RegistryJob.TOPIC, "zkllm.receipts", "zkllm.responses", "zkllm.prompts.10",
                    "zkllm.canaries.1");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                for (String m : new String[] {
                        "{\"brain\":0,\"role\":\"validator\",\"id\":1,\"stake\":\"5\",\"hotkey\":\"hk-v1\"}",
                        "{\"brain\":0,\"role\":\"miner\",\"id\":10,\"stake\":\"0\",\"hotkey\":\"hk-m10\"}",
                        "not json"}) {
                    producer.send(new ProducerRecord<>(RegistryJob.TOPIC, "brain", m)).get();
                }
            }
            String warehouse = tmp.resolve("warehouse").toString();
            CliRun registry = CliRun.of("registry", "--bootstrap-servers", kafka.bootstrapServers(), "--warehouse",
                    warehouse, "--bounded", "--checkpoint-interval-ms", "300");
            assertEquals(0, registry.exitCode(), registry.err());
            assertTrue(registry.err().contains("registry: reading " + RegistryJob.TOPIC + " from " + kafka.bootstrapServers()
                    + " (group zkllm-registry) up to its current end"), registry.err());
            assertTrue(registry.out().contains("registry: 3 requests decided: 2 accepted, 1 refused"), registry.out());

            CliRun validate = CliRun.of("validate", "--bounded", "--brain", "0", "--validator-id", "1",
                    "--bootstrap-servers", kafka.bootstrapServers(), "--warehouse", warehouse,
                    "--checkpoint-interval-ms", "300");
            assertEquals(0, validate.exitCode(), validate.err());
            assertTrue(validate.err().contains("validating brain 0 as validator 1: reading " + kafka.bootstrapServers()),
                    validate.err());
            assertTrue(validate.err().contains("scores of brain 0 by validator 1 in " + warehouse + ":\n  none: no epoch closed"),
                    validate.err());
            assertTrue(validate.out().startsWith("scored: brain 0, validator 1"), validate.out());
        }
    }
}
