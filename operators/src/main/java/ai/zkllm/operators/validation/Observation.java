package ai.zkllm.operators.validation;

/**
 * One piece of evidence about a miner, as the epoch scorer consumes it: a graded canary or a replay
 * verdict. A Flink POJO (public fields, no-arg constructor).
 */
public class Observation {
    public static final String CANARY = "canary";
    public static final String REPLAY = "replay";

    public String kind = "";
    public String brainId = "";
    public String minerId = "";
    public String requestId = "";
    /** Canary: when it was sent; replay: when the miner completed the round. Decides the epoch. */
    public long timeUnixMs;
    // canary
    public boolean answered;
    public boolean accurate;
    public long latencyMs;
    // replay
    public boolean mismatch;
    public String reason = "";

    public Observation() {}

    public static Observation canary(String brain, String miner, String requestId, long sentMs, boolean answered,
                                     boolean accurate, long latencyMs, String detail) {
        Observation o = new Observation();
        o.kind = CANARY;
        o.brainId = brain;
        o.minerId = miner;
        o.requestId = requestId;
        o.timeUnixMs = sentMs;
        o.answered = answered;
        o.accurate = accurate;
        o.latencyMs = latencyMs;
        o.reason = detail == null ? "" : detail;
        return o;
    }

    public static Observation replay(ReplayVerdict v) {
        Observation o = new Observation();
        o.kind = REPLAY;
        o.brainId = v.brainId();
        o.minerId = v.minerId();
        o.requestId = v.requestId();
        o.timeUnixMs = v.completedUnixMs();
        o.mismatch = v.mismatch();
        o.reason = v.reason();
        return o;
    }

    @Override
    public String toString() {
        return kind + "(" + minerId + ", " + requestId + (REPLAY.equals(kind) ? ", mismatch=" + mismatch
                : ", answered=" + answered + ", accurate=" + accurate + ", " + latencyMs + " ms") + ")";
    }
}
