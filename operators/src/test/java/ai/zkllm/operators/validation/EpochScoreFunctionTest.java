package ai.zkllm.operators.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class EpochScoreFunctionTest {

    @Test
    void closesEachEpochAtItsWatermarkAndKeepsFlagsSticky() throws Exception {
        // epochs of 1000 ms from t = 10_000, 100 ms grace
        EpochScoreFunction.Settings s = new EpochScoreFunction.Settings(3, 1, 10_000, 1000, 100, 1000);
        KeyedOneInputStreamOperatorTestHarness<String, Observation, MinerEpochScore> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new EpochScoreFunction(s), o -> o.brainId, Types.STRING);
        h.processElement(Observation.canary("3", "10", "a", 10_100, true, true, 300, ""), 10_100);
        h.processElement(Observation.canary("3", "12", "b", 10_200, true, true, 300, ""), 10_200);
        h.processElement(Observation.replay(new ReplayVerdict("c", "3", "12", 10_300, ReplayVerdict.MISMATCH,
                "request c: output[0] replay aa, receipt bb, response bb")), 10_300);
        h.processElement(Observation.canary("3", "10", "d", 11_100, true, true, 2000, ""), 11_100);
        h.processElement(Observation.canary("3", "not-a-uid", "e", 11_100, true, true, 1, ""), 11_100);
        h.processWatermark(11_099);
        assertEquals(0, h.extractOutputValues().size(), "epoch 0 waits for its grace period");
        h.processWatermark(11_100);
        List<MinerEpochScore> epoch0 = h.extractOutputValues();
        assertEquals(2, epoch0.size());
        assertEquals(0, epoch0.get(0).epoch);
        assertEquals(1.0, epoch0.get(0).weight, 1e-12);
        assertTrue(epoch0.get(1).flaggedByReplay);
        assertEquals(0.0, epoch0.get(1).score);

        // late observation for epoch 0 is dropped
        h.processElement(Observation.canary("3", "11", "f", 10_500, true, true, 100, ""), 12_000);
        h.processWatermark(12_100);
        List<MinerEpochScore> all = h.extractOutputValues();
        List<MinerEpochScore> epoch1 = all.subList(2, all.size());
        assertEquals(2, epoch1.size(), "miner 10 and the still-flagged miner 12; the late miner 11 is not there");
        assertEquals(10, epoch1.get(0).miner);
        assertEquals(1, epoch1.get(0).epoch);
        assertEquals(0.5, epoch1.get(0).score, 1e-12);
        assertFalse(epoch1.get(0).flaggedByReplay);
        assertEquals(12, epoch1.get(1).miner);
        assertTrue(epoch1.get(1).flaggedByReplay);
    }

    @Test
    void flagsOfAnEarlierRunAreKept() throws Exception {
        EpochScoreFunction.Settings s = new EpochScoreFunction.Settings(3, 1, 0, 1000, 0, 1000,
                java.util.Map.of(12L, new EpochScoreFunction.PriorFlag(4, "request old: output[0] replay aa, receipt bb, response bb")));
        KeyedOneInputStreamOperatorTestHarness<String, Observation, MinerEpochScore> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new EpochScoreFunction(s), o -> o.brainId, Types.STRING);
        h.processElement(Observation.canary("3", "12", "a", 7_100, true, true, 300, ""), 7_100);
        h.processElement(Observation.canary("3", "10", "b", 7_200, true, true, 300, ""), 7_200);
        h.processWatermark(8_000);
        List<MinerEpochScore> rows = h.extractOutputValues();
        assertEquals(2, rows.size());
        assertEquals(12, rows.get(1).miner);
        assertTrue(rows.get(1).flaggedByReplay);
        assertEquals(0.0, rows.get(1).weight);
        assertTrue(rows.get(1).reason.startsWith("flagged by replay: request old:"), rows.get(1).reason);
        assertEquals(1.0, rows.get(0).weight, 1e-12);
    }
}
