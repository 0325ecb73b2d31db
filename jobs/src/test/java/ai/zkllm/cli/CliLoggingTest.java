package ai.zkllm.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17: job restarts and failed checkpoints are never silent; --log-file; no GPU or SLF4J noise. */
class CliLoggingTest {
    static final AtomicBoolean MAP_FAILED = new AtomicBoolean();
    static final AtomicBoolean SNAPSHOT_FAILED = new AtomicBoolean();
    static volatile boolean failMap;
    static volatile boolean failSnapshot;
    static volatile int tolerableCheckpointFailures = 1_000;

    private final ByteArrayOutputStream alerts = new ByteArrayOutputStream();

    private static java.net.URI testConfig;

    /** The CLI's log4j2.xml, not the test classpath's log4j2-test file (which a Flink test jar brings). */
    @BeforeAll
    static void shippedConfig() {
        LoggerContext ctx = LoggerContext.getContext(false);
        testConfig = ctx.getConfigLocation();
        ctx.setConfigLocation(Path.of("src/main/resources/log4j2.xml").toAbsolutePath().toUri());
    }

    @AfterAll
    static void testConfig() {
        LoggerContext.getContext(false).setConfigLocation(testConfig);
    }

    @AfterEach
    void reset() {
        Logging.reset();
    }

    private String alerts() {
        String lines = alerts.toString(StandardCharsets.UTF_8);
        System.out.print(lines); // in the test report
        return lines;
    }

    @Test
    void aTaskFailureAndRestartIsOneLineOnStderr() throws Exception {
        Logging.configure(false, null, new PrintStream(alerts, true, StandardCharsets.UTF_8));
        failMap = true;
        failSnapshot = false;
        run("alerts-restart");
        assertTrue(MAP_FAILED.get(), "the injected failure did not happen");
        String lines = alerts();
        assertTrue(lines.contains("zkllm: job alerts-restart restarted after: ")
                && lines.contains("IllegalStateException: injected map failure"), lines);
        assertTrue(lines.lines().allMatch(l -> l.startsWith("zkllm: job ")), lines);
    }

    /** Alerts to {@code alerts}, and the next job's first checkpoint outlives its timeout. */
    private void alertsWithASlowCheckpoint() {
        Logging.configure(false, null, new PrintStream(alerts, true, StandardCharsets.UTF_8));
        failMap = false;
        failSnapshot = true;
        SNAPSHOT_FAILED.set(false);
    }

    @Test
    void aFailedCheckpointIsOneLineOnStderr() throws Exception {
        alertsWithASlowCheckpoint();
        run("alerts-checkpoint");
        assertTrue(SNAPSHOT_FAILED.get(), "the injected slow checkpoint did not happen");
        String lines = alerts();
        // a checkpoint that expires fails without failing a task: no restart, only the checkpoint line
        assertTrue(lines.matches("(?s).*zkllm: job alerts-checkpoint: checkpoint \\d+ failed: "
                + "CheckpointException: Checkpoint expired before completing.*"), lines);
        assertFalse(lines.contains("restarted"), lines);
    }

    @Test
    void aGlobalFailoverIsOneLineOnStderr() throws Exception {
        alertsWithASlowCheckpoint();
        tolerableCheckpointFailures = 0; // the expired checkpoint fails the whole job over
        try {
            run("alerts-global");
        } catch (Exception e) {
            // more expired checkpoints on a loaded machine may use up the restarts: the first line is what counts
        } finally {
            tolerableCheckpointFailures = 1_000;
        }
        String lines = alerts();
        assertTrue(lines.contains("zkllm: job alerts-global restarted after: "), lines);
    }

    @Test
    void logFileGetsFlinkAndKafkaInfoWithoutColour(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("zkllm.log");
        Logging.configure(false, file, new PrintStream(alerts, true, StandardCharsets.UTF_8));
        LogManager.getLogger("org.apache.flink.runtime.Something").info("flink says hello");
        LogManager.getLogger("org.apache.kafka.clients.Something").info("kafka says hello");
        LogManager.getLogger("ai.zkllm.jobs.Something").info("zkllm says hello");
        Logging.reset(); // closes (flushes) the file appender
        String log = Files.readString(file);
        assertTrue(log.contains("flink says hello") && log.contains("kafka says hello") && log.contains("zkllm says hello"), log);
        assertFalse(log.contains("\u001b["), "colour codes in the log file");
        // appending: a second run adds to the file
        Logging.configure(false, file, new PrintStream(alerts, true, StandardCharsets.UTF_8));
        LogManager.getLogger("org.apache.flink.runtime.Something").info("second run");
        Logging.reset();
        String again = Files.readString(file);
        assertTrue(again.startsWith(log) && again.contains("second run"), again);
    }

    @Test
    void theCommandLineSetsItUp(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("cli.log");
        CliRun run = CliRun.of("--log-file", file.toString(), "--version");
        assertTrue(run.exitCode() == 0, run.err());
        var config = LoggerContext.getContext(false).getConfiguration();
        assertTrue(config.getAppender(JobAlerts.NAME) != null, "no restart alerts");
        LogManager.getLogger("org.apache.flink.runtime.Something").info("through the command line");
        Logging.reset();
        assertTrue(Files.readString(file).contains("through the command line"));
    }

    @Test
    void quietByDefaultButNoGpuWarningEvenWithLogs() {
        Logging.configure(false, null, new PrintStream(alerts, true, StandardCharsets.UTF_8));
        assertFalse(LogManager.getLogger("org.apache.kafka.clients.Something").isInfoEnabled(), "Kafka INFO is on");
        assertFalse(LogManager.getLogger("ai.djl.util.cuda.CudaUtils").isWarnEnabled(), "DJL's CUDA probe warns");
        Logging.configure(true, null, new PrintStream(alerts, true, StandardCharsets.UTF_8));
        assertTrue(LogManager.getLogger("org.apache.kafka.clients.Something").isInfoEnabled(), "--verbose: no Kafka INFO");
        assertFalse(LogManager.getLogger("ai.djl.util.cuda.CudaUtils").isWarnEnabled(), "DJL's CUDA probe warns");
    }

    @Test
    void slf4jHasItsLog4jProvider() {
        // without a provider SLF4J prints "No SLF4J providers were found" and drops every log line
        assertTrue(org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName().startsWith("org.apache.logging"),
                org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName());
    }

    private static void run(String name) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, tolerableCheckpointFailures);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(100);
        if (failSnapshot) {
            env.getCheckpointConfig().setCheckpointTimeout(1_000);
        }
        env.fromSequence(1, 400).rebalance().map(new Flaky()).sinkTo(new Discard());
        env.execute(name);
    }

    static final class Flaky implements MapFunction<Long, Long>, CheckpointedFunction {
        @Override
        public Long map(Long v) throws Exception {
            Thread.sleep(10);
            if (failMap && v == 150 && MAP_FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected map failure");
            }
            return v;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext c) {
            if (failSnapshot && SNAPSHOT_FAILED.compareAndSet(false, true)) {
                try {
                    Thread.sleep(3_000); // over the checkpoint timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext c) {}
    }

    static final class Discard implements Sink<Long> {
        @Override
        public SinkWriter<Long> createWriter(WriterInitContext c) {
            return new SinkWriter<>() {
                @Override
                public void write(Long e, Context c) {}

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
