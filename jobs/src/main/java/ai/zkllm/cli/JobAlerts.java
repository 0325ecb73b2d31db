package ai.zkllm.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Turns Flink's log lines about a job restart or a failed checkpoint into one line on stderr, whatever
 * the log levels: "zkllm: job NAME restarted after: CAUSE" and "zkllm: job NAME: checkpoint N failed: CAUSE".
 * Flink 2.1 says, in this order (logger: message): ExecutionGraph "TASK (ATTEMPT) switched from RUNNING to
 * FAILED on ..." with the cause attached, JobMaster "N tasks will be restarted to recover the failed task
 * ATTEMPT." (every restart, a region's or the whole job's), or for a failure of the whole job (e.g. too many
 * failed checkpoints) "Trying to recover from a global failure." with the cause, then "N tasks will be
 * restarted to recover from a global failure." (only when the restart strategy allows); CheckpointFailureManager (WARN) "Failed to
 * trigger or complete checkpoint N for job ID. (...)" with the cause. The job's name comes from
 * ExecutionGraph's "Job NAME (ID) switched from state ..." lines (the MDC carries the job id).
 */
final class JobAlerts extends AbstractAppender {
    static final String NAME = "zkllm-job-alerts";
    static final String EXECUTION_GRAPH = "org.apache.flink.runtime.executiongraph.ExecutionGraph";
    static final String JOB_MASTER = "org.apache.flink.runtime.jobmaster.JobMaster";
    static final String CHECKPOINT_FAILURES = "org.apache.flink.runtime.checkpoint.CheckpointFailureManager";
    /** The loggers to route here, at INFO. */
    static final String[] LOGGERS = {EXECUTION_GRAPH, JOB_MASTER, CHECKPOINT_FAILURES};

    private static final Pattern JOB_STATE = Pattern.compile("^Job (.*) \\(([0-9a-f]{32})\\) switched from state .*");
    private static final Pattern TASK_FAILED = Pattern.compile("^(.*) \\(([^)]*)\\) switched from \\w+ to FAILED.*", Pattern.DOTALL);
    private static final Pattern RESTART = Pattern.compile("^\\d+ tasks? will be restarted to recover the failed task (\\S+?)\\.?$");
    private static final String GLOBAL_FAILURE = "Trying to recover from a global failure.";
    private static final Pattern GLOBAL_RESTART = Pattern.compile("^\\d+ tasks? will be restarted to recover from a global failure\\.?$");
    private static final Pattern CHECKPOINT = Pattern.compile("^Failed to trigger or complete checkpoint (\\d+) for job ([0-9a-f]{32}).*");
    private static final String JOB_ID = "flink-job-id";

    private static final java.util.Set<CheckpointFailureReason> IGNORED = java.util.EnumSet.of(
            CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND, CheckpointFailureReason.CHECKPOINT_COORDINATOR_SHUTDOWN,
            CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING, CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING,
            CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_NOT_READY);

    private final PrintStream err;
    private final Map<String, String> jobNames = new ConcurrentHashMap<>();
    /** Failed attempt id → "TASK: CAUSE", until its restart is announced. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    JobAlerts(PrintStream err) {
        super(NAME, null, null, true, Property.EMPTY_ARRAY);
        this.err = err;
    }

    @Override
    public void append(LogEvent event) {
        String logger = event.getLoggerName();
        String message = event.getMessage().getFormattedMessage();
        String jobId = event.getContextData().getValue(JOB_ID);
        Matcher m;
        if (EXECUTION_GRAPH.equals(logger)) {
            if ((m = JOB_STATE.matcher(message)).matches()) {
                jobNames.put(m.group(2), m.group(1));
            } else if ((m = TASK_FAILED.matcher(message)).matches()) {
                failures.put(m.group(2), m.group(1) + ": " + oneLine(event.getThrown()));
            }
        } else if (JOB_MASTER.equals(logger) && (m = RESTART.matcher(message)).matches()) {
            String cause = failures.remove(m.group(1));
            print("zkllm: job " + job(jobId) + " restarted after: " + (cause != null ? cause : "a task failure"));
        } else if (JOB_MASTER.equals(logger) && GLOBAL_FAILURE.equals(message)) {
            failures.put("global:" + jobId, oneLine(event.getThrown()));
        } else if (JOB_MASTER.equals(logger) && GLOBAL_RESTART.matcher(message).matches()) {
            String cause = failures.remove("global:" + jobId);
            print("zkllm: job " + job(jobId) + " restarted after: " + (cause != null ? cause : "a global failure"));
        } else if (CHECKPOINT_FAILURES.equals(logger) && (m = CHECKPOINT.matcher(message)).matches()
                && !consequence(event.getThrown())) {
            print("zkllm: job " + job(jobId != null ? jobId : m.group(2)) + ": checkpoint " + m.group(1) + " failed: "
                    + oneLine(event.getThrown()));
        }
    }

    /**
     * A checkpoint aborted because the job is restarting or stopping (the restart line says it already), or
     * sent to a task that has just finished or restarted (a race at the end of a bounded job, not a failure).
     */
    private static boolean consequence(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof CheckpointException e && IGNORED.contains(e.getCheckpointFailureReason())) {
                return true;
            }
            String m = c.getMessage();
            // a task's exception arrives serialized: its reason is only in the text
            if (m != null && (m.contains("received a checkpoint request for unknown task")
                    || m.contains(CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING.message())
                    || m.contains(CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_NOT_READY.message()))) {
                return true;
            }
        }
        return false;
    }

    private String job(String id) {
        String name = id == null ? null : jobNames.get(id);
        return name != null ? name : id != null ? id : "(unknown)";
    }

    /** The root cause, as "Type: message" on one line. */
    static String oneLine(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "");
        return text.replaceAll("\\s*\\R\\s*", " ");
    }

    private void print(String line) {
        err.println(line);
        err.flush();
    }
}
