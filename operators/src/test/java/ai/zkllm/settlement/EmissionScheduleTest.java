package ai.zkllm.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class EmissionScheduleTest {

    private static final BigInteger TOKEN = EmissionSchedule.BASE_UNITS_PER_TOKEN;

    @Test
    void aYearIsThreeMillionOneHundredFiftyThreeThousandSixHundredBlocks() {
        assertEquals(3_153_600L, EmissionSchedule.BLOCKS_PER_YEAR);
        assertEquals(0, EmissionSchedule.BLOCKS_PER_YEAR % EmissionSchedule.DEFAULT_BLOCKS_PER_EPOCH);
    }

    @Test
    void blockEmissionHalvesAtTheYearBoundary() {
        EmissionSchedule schedule = new EmissionSchedule(TOKEN, 360);
        long year = EmissionSchedule.BLOCKS_PER_YEAR;

        assertEquals(TOKEN, schedule.blockEmissionAt(year - 1));
        assertEquals(TOKEN.shiftRight(1), schedule.blockEmissionAt(year));
        assertEquals(TOKEN.shiftRight(2), schedule.blockEmissionAt(2 * year));
        assertEquals(BigInteger.ZERO, schedule.blockEmissionAt(100 * year));
    }

    @Test
    void epochStraddlingTheHalvingPaysEachBlockAtItsOwnRate() {
        // 1000-block epochs: epoch 3153 covers blocks 3,153,000..3,153,999,
        // 600 of them before the halving at 1 token and 400 after at 0.5 token: 800 tokens.
        EmissionSchedule schedule = new EmissionSchedule(TOKEN, 1000);

        assertEquals(TOKEN.multiply(BigInteger.valueOf(1000)), schedule.epochEmission(3152));
        assertEquals(TOKEN.multiply(BigInteger.valueOf(800)), schedule.epochEmission(3153));
        assertEquals(TOKEN.multiply(BigInteger.valueOf(500)), schedule.epochEmission(3154));
    }

    @Test
    void rejectsEpochsWhoseBlocksOverflow() {
        EmissionSchedule schedule = new EmissionSchedule(TOKEN, 360);

        InvalidEpochException e = assertThrows(InvalidEpochException.class, () -> schedule.epochEmission(Long.MAX_VALUE / 2));
        assertEquals("epoch", e.field());
        assertThrows(InvalidEpochException.class, () -> schedule.epochEmission(-1));
    }
}
