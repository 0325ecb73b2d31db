package ai.zkllm.jobs.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import ai.zkllm.program.io.TempDirs;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka (process.roles=broker,controller) inside this JVM, listening on
 * 127.0.0.1 only: the log directory is formatted first, and startup is retried on fresh ports when
 * a probed free port was taken in between. Set up for transactions on one node (replication 1). The log
 * directory is a {@link TempDirs} folder: removed on {@link #close()} and, failing that, when the JVM exits.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final int ATTEMPTS = 5;
    private final Path dir;
    private final KafkaConfig config;
    private volatile KafkaRaftServer server;
    private final String bootstrap;

    private EmbeddedKafka(Path dir, KafkaConfig config, KafkaRaftServer server, String bootstrap) {
        this.dir = dir;
        this.config = config;
        this.server = server;
        this.bootstrap = bootstrap;
    }

    /** Starts a broker whose largest message is {@code maxMessageBytes}, its log in a temporary folder. */
    public static EmbeddedKafka start(int maxMessageBytes) throws Exception {
        return start(maxMessageBytes, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** As {@link #start(int)}, its log in a fresh folder {@code zkllm-kafka-*} under {@code parent}, deleted on {@link #close()}. */
    public static EmbeddedKafka start(int maxMessageBytes, Path parent) throws Exception {
        Exception last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Path dir = TempDirs.create(parent, "zkllm-kafka-");
            int brokerPort = freePort();
            int controllerPort = freePort();
            try {
                return startOn(dir, brokerPort, controllerPort, maxMessageBytes);
            } catch (Exception e) {
                last = e;
                deleteRecursively(dir);
            }
        }
        throw new IOException("could not start the embedded Kafka broker after " + ATTEMPTS + " attempts", last);
    }

    private static EmbeddedKafka startOn(Path dir, int brokerPort, int controllerPort, int maxMessageBytes)
            throws Exception {
        Path logDir = dir.resolve("log");
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", Integer.toString(maxMessageBytes));
        p.put("replica.fetch.max.bytes", Integer.toString(maxMessageBytes));
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        KafkaConfig config = KafkaConfig.fromProps(p, false);

        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(1)
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER")
                .run();

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafka kafka = new EmbeddedKafka(dir, config, server, "127.0.0.1:" + brokerPort);
        try (Admin admin = kafka.admin()) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** Stops the broker; {@link #restart()} brings it back on the same ports and log (fault tests). */
    public void stop() {
        server.shutdown();
        server.awaitShutdown();
    }

    /** Starts the broker again after {@link #stop()}, on the same ports and log directory. */
    public void restart() {
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Creates the topics (1 replica, {@code partitions} each) if they do not exist. */
    public void createTopics(int partitions, int maxMessageBytes, String... topics) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, partitions, (short) 1)
                        .configs(Map.of("max.message.bytes", Integer.toString(maxMessageBytes))));
            }
            admin.createTopics(list).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            deleteRecursively(dir);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        TempDirs.delete(dir);
    }
}
