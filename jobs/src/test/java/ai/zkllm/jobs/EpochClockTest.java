package ai.zkllm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EpochClockTest {

    @Test
    void latestClosedIsTheLastEpochWhoseEndPlusGraceHasPassed() {
        SettlementJobConfig cfg = new SettlementJobConfig();
        cfg.epochs.originMs = 1_000;
        cfg.epochs.lengthMs = 100;
        cfg.epochs.graceMs = 10;
        cfg.epoch = SettlementJobConfig.LATEST_CLOSED;

        assertEquals(0, cfg.epoch(1_110));      // epoch 0 ends at 1100, closes at 1110
        assertEquals(0, cfg.epoch(1_209));
        assertEquals(1, cfg.epoch(1_210));
        assertThrows(IllegalStateException.class, () -> cfg.epoch(1_109));
        cfg.epoch = "7";
        assertEquals(7, cfg.epoch(1_109));
    }
}
