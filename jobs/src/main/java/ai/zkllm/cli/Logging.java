package ai.zkllm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The CLI's logging, set up once the command line is parsed, on top of log4j2.xml (which is what a quiet
 * run shows on stderr: our warnings, Flink's and Kafka's errors). {@code --log-file FILE} appends
 * everyone's INFO log (Flink, Kafka, Iceberg, ours) to FILE; {@code --verbose} prints it on stderr. Always,
 * a job restart or a failed checkpoint is one line on stderr ({@link JobAlerts}).
 */
final class Logging {
    static final String STDERR = "stderr";
    static final String FILE_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%t] %c - %msg%n";

    private Logging() {}

    /** Applies the flags; {@code alerts} receives the restart and checkpoint lines (System.err in the CLI). */
    static void configure(boolean verbose, Path logFile, PrintStream alerts) {
        LoggerContext ctx = LoggerContext.getContext(false);
        if (ctx.getConfiguration().getAppender(JobAlerts.NAME) != null) {
            ctx.reconfigure(); // configured before (tests run many command lines): start from log4j2.xml again
        }
        Configuration c = ctx.getConfiguration();
        // the quiet thresholds of log4j2.xml, per logger name, before anything is raised to INFO
        Map<String, Level> quiet = new HashMap<>();
        c.getLoggers().forEach((name, lc) -> quiet.put(name, lc.getLevel()));
        boolean expose = verbose || logFile != null;
        if (expose) {
            c.getLoggers().values().forEach(lc -> {
                if (lc.getLevel() != Level.OFF && lc.getLevel().isMoreSpecificThan(Level.WARN)
                        && !lc.getName().startsWith("ai.djl.util.cuda")) {
                    lc.setLevel(Level.INFO);
                }
            });
            c.getRootLogger().setLevel(Level.INFO);
        }
        JobAlerts jobAlerts = new JobAlerts(alerts);
        jobAlerts.start();
        c.addAppender(jobAlerts);
        for (String name : JobAlerts.LOGGERS) {
            LoggerConfig lc = new LoggerConfig(name, Level.INFO, true);
            lc.addAppender(jobAlerts, Level.INFO, null);
            c.addLogger(name, lc);
        }
        LoggerConfig root = c.getRootLogger();
        Appender stderr = c.getAppender(STDERR);
        if (stderr != null && !verbose) {
            // what reaches the root's stderr appender from a logger now at INFO is held to the quiet threshold
            root.removeAppender(STDERR);
            root.addAppender(stderr, null, new QuietThresholds(quiet));
        }
        if (logFile != null) {
            Appender file = FileAppender.newBuilder()
                    .setName("file")
                    .withFileName(logFile.toAbsolutePath().toString())
                    .withAppend(true)
                    .setConfiguration(c)
                    .setLayout(PatternLayout.newBuilder().withPattern(FILE_PATTERN).withConfiguration(c)
                            .withDisableAnsi(true).build())
                    .build();
            file.start();
            c.addAppender(file);
            root.addAppender(file, Level.INFO, null);
        }
        ctx.updateLoggers();
    }

    /** Back to log4j2.xml (tests). */
    static void reset() {
        LoggerContext.getContext(false).reconfigure();
    }

    /** Accepts an event at or above the quiet level of the nearest configured logger above its logger. */
    private static final class QuietThresholds extends AbstractFilter {
        private final Map<String, Level> levels;

        QuietThresholds(Map<String, Level> levels) {
            super(Result.NEUTRAL, Result.DENY);
            this.levels = levels;
        }

        @Override
        public Result filter(LogEvent event) {
            String name = event.getLoggerName();
            Level threshold = null;
            while (threshold == null) {
                threshold = levels.get(name);
                if (name.isEmpty()) {
                    break;
                }
                int dot = name.lastIndexOf('.');
                name = dot < 0 ? "" : name.substring(0, dot);
            }
            return threshold == null || event.getLevel().isMoreSpecificThan(threshold) ? onMatch : onMismatch;
        }
    }
}
