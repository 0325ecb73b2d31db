package ai.zkllm.operators.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Closes an epoch: the tallies of every miner seen become score rows.
 * <pre>
 * canary score  s_j = Σ_{canaries k sent to j} accurate_k · timeliness_k / sent_j      (0 without canaries)
 *                   = availability_j × mean over answered canaries of accuracy × timeliness
 * flag rule     a miner with a replay mismatch in this epoch or any earlier one (of this validator's
 *               run) scores 0: s_j = 0, flagged_by_replay = true, reason = the first mismatch
 * weight        w_j = s_j / Σ_j s_j   (all 0 when Σ = 0)
 * </pre>
 */
public final class EpochScoring {

    private EpochScoring() {}

    /**
     * @param tallies the epoch's miners (by numeric id)
     * @param flags   miner → the reason of its first replay mismatch, for miners flagged in this
     *                epoch or before (they get a row even when not seen this epoch)
     */
    public static List<MinerEpochScore> close(int brain, long epoch, long validator, Map<Long, MinerTally> tallies,
                                              Map<Long, String> flags, long scoredAtMs) {
        TreeMap<Long, MinerTally> all = new TreeMap<>(tallies);
        flags.keySet().forEach(m -> all.putIfAbsent(m, new MinerTally()));
        List<MinerEpochScore> rows = new ArrayList<>();
        double sum = 0;
        for (Map.Entry<Long, MinerTally> e : all.entrySet()) {
            MinerTally t = e.getValue();
            MinerEpochScore row = new MinerEpochScore();
            row.brain = brain;
            row.epoch = epoch;
            row.validator = validator;
            row.miner = e.getKey();
            row.scoredAtUnixMs = scoredAtMs;
            String flag = flags.get(e.getKey());
            row.flaggedByReplay = flag != null;
            row.score = row.flaggedByReplay ? 0 : t.canaryScore();
            String summary = String.format(Locale.ROOT,
                    "canaries %d sent, %d answered, %d accurate, mean round latency %d ms; replays %d, mismatches %d",
                    t.canariesSent, t.canariesAnswered, t.canariesAccurate, t.meanLatencyMs(), t.replays,
                    t.replayMismatches);
            row.reason = row.flaggedByReplay ? "flagged by replay: " + flag + " | " + summary : summary;
            sum += row.score;
            rows.add(row);
        }
        for (MinerEpochScore row : rows) {
            row.weight = sum > 0 ? row.score / sum : 0;
        }
        return rows;
    }
}
