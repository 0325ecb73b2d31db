package ai.zkllm.operators.validation;

/** What a validator saw of one miner in one epoch. A Flink POJO (kept in keyed state). */
public class MinerTally {
    public int canariesSent;
    public int canariesAnswered;
    public int canariesAccurate;
    /** Σ accuracy × timeliness over the canaries sent (unanswered ones add 0). */
    public double credit;
    public long latencySumMs;
    public int replays;
    public int replayMismatches;
    public String firstMismatch = "";

    public MinerTally() {}

    public void add(Observation o, long latencyTargetMs) {
        if (Observation.CANARY.equals(o.kind)) {
            canariesSent++;
            if (o.answered) {
                canariesAnswered++;
                latencySumMs += o.latencyMs;
                if (o.accurate) {
                    canariesAccurate++;
                    credit += CanaryGrader.timeliness(o.latencyMs, latencyTargetMs);
                }
            }
        } else if (Observation.REPLAY.equals(o.kind)) {
            replays++;
            if (o.mismatch) {
                if (replayMismatches == 0) {
                    firstMismatch = o.reason;
                }
                replayMismatches++;
            }
        }
    }

    /** availability × mean quality = Σ accuracy·timeliness / canaries sent; 0 without canaries. */
    public double canaryScore() {
        return canariesSent == 0 ? 0 : credit / canariesSent;
    }

    public long meanLatencyMs() {
        return canariesAnswered == 0 ? 0 : latencySumMs / canariesAnswered;
    }
}
