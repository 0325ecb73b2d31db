package ai.zkllm.jobs;

import java.io.Serializable;
import picocli.CommandLine.Option;

/**
 * Wall-clock epochs: the ValidationJob closes them on its watermark and the SettlementJob settles
 * the latest closed one, so both read the same three flags.
 */
public class EpochClock implements Serializable {
    private static final long serialVersionUID = 1L;

    @Option(names = "--epoch-length-ms", description = "wall-clock epoch length (default: ${DEFAULT-VALUE}, 360 blocks of 10 s)")
    public long lengthMs = 3_600_000;

    @Option(names = "--epoch-origin-ms", description = "start of epoch 0, Unix ms (default: ${DEFAULT-VALUE})")
    public long originMs = 0;

    @Option(names = "--grace-ms", description = "an epoch closes when the watermark passes its end plus this (default: ${DEFAULT-VALUE})")
    public long graceMs = 120_000;

    /** The last epoch whose end plus the grace is at or before {@code nowMs}; -1 when none is. */
    public long latestClosed(long nowMs) {
        return Math.floorDiv(nowMs - graceMs - originMs, lengthMs) - 1;
    }
}
