package ai.zkllm.operators.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpochScoringTest {
    static final long TARGET = 1000;

    static Observation canary(String miner, boolean answered, boolean accurate, long latency) {
        return Observation.canary("3", miner, "c", 0, answered, accurate, latency, "");
    }

    static Observation replay(String miner, boolean mismatch) {
        return Observation.replay(new ReplayVerdict("r-" + miner, "3", miner, 0,
                mismatch ? ReplayVerdict.MISMATCH : ReplayVerdict.OK, mismatch ? "request r: output[0] differs" : "ok"));
    }

    @Test
    void honestBeatsLazyAndAFlaggedMinerGetsNothing() {
        MinerTally honest = new MinerTally();
        honest.add(canary("10", true, true, 400), TARGET);
        honest.add(canary("10", true, true, 900), TARGET);
        honest.add(replay("10", false), TARGET);
        MinerTally lazy = new MinerTally();
        lazy.add(canary("11", true, true, 2000), TARGET);   // timeliness 0.5
        lazy.add(canary("11", false, false, 0), TARGET);    // unanswered: availability 1/2
        MinerTally cheater = new MinerTally();
        cheater.add(canary("12", true, true, 300), TARGET); // a canary it happened to answer right
        cheater.add(replay("12", true), TARGET);

        List<MinerEpochScore> rows = EpochScoring.close(3, 7, 1, Map.of(10L, honest, 11L, lazy, 12L, cheater),
                Map.of(12L, cheater.firstMismatch), 123);
        assertEquals(3, rows.size());
        MinerEpochScore h = rows.get(0);
        MinerEpochScore l = rows.get(1);
        MinerEpochScore c = rows.get(2);
        assertEquals(10, h.miner);
        assertEquals(1.0, h.score, 1e-12);
        assertEquals(0.25, l.score, 1e-12);
        assertEquals(0.0, c.score);
        assertTrue(c.flaggedByReplay);
        assertTrue(c.reason.startsWith("flagged by replay: request r: output[0] differs"), c.reason);
        assertFalse(h.flaggedByReplay);
        assertEquals(0.8, h.weight, 1e-12);
        assertEquals(0.2, l.weight, 1e-12);
        assertEquals(0.0, c.weight);
        assertEquals(1.0, h.weight + l.weight + c.weight, 1e-12);
        assertEquals(7, h.epoch);
        assertEquals(1, h.validator);
        assertEquals(123, h.scoredAtUnixMs);
        assertTrue(l.reason.contains("canaries 2 sent, 1 answered, 1 accurate, mean round latency 2000 ms"), l.reason);
    }

    @Test
    void aMinerFlaggedEarlierGetsAZeroRowEvenWhenUnseen() {
        List<MinerEpochScore> rows = EpochScoring.close(3, 8, 1, Map.of(), Map.of(12L, "earlier"), 0);
        assertEquals(1, rows.size());
        assertTrue(rows.get(0).flaggedByReplay);
        assertEquals(0.0, rows.get(0).weight);
    }
}
