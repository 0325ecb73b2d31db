package ai.zkllm.operators.validation;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by brain: tallies observations per (epoch, miner) and, when the watermark passes an epoch's
 * end plus the grace period, closes it with {@link EpochScoring} and emits one row per miner.
 * Epoch of an observation: {@code floor((time − origin) / length)}, time being when a canary was
 * sent or a replayed round was completed. Replay flags are sticky: kept (with the epoch they were
 * of the earliest mismatch) for the rest of the job's life and zeroing every epoch from that one on.
 * Observations of an epoch already closed are counted as late and dropped (their flags still count).
 * Flags recorded by an earlier run of this validator ({@link Settings#priorFlags}, read from the
 * {@code scores} table when the job is built) are seeded into the state, so a restart without a
 * savepoint does not forgive a cheater.
 */
public class EpochScoreFunction extends KeyedProcessFunction<String, Observation, MinerEpochScore> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EpochScoreFunction.class);

    /** A replay flag this validator recorded before (in the {@code scores} table), kept across job restarts. */
    public record PriorFlag(long epoch, String reason) implements Serializable {}

    /** Epoch boundaries, scoring constants, and flags recorded by earlier runs (miner → flag). */
    public record Settings(int brain, long validator, long epochOriginMs, long epochLengthMs, long graceMs,
                           long latencyTargetMs, Map<Long, PriorFlag> priorFlags) implements Serializable {
        public Settings {
            if (epochLengthMs <= 0) {
                throw new IllegalArgumentException("epoch length must be > 0 ms");
            }
            priorFlags = new HashMap<>(priorFlags);
        }

        public Settings(int brain, long validator, long epochOriginMs, long epochLengthMs, long graceMs,
                        long latencyTargetMs) {
            this(brain, validator, epochOriginMs, epochLengthMs, graceMs, latencyTargetMs, Map.of());
        }

        public long epochOf(long timeMs) {
            return Math.floorDiv(timeMs - epochOriginMs, epochLengthMs);
        }

        public long endOf(long epoch) {
            return epochOriginMs + (epoch + 1) * epochLengthMs;
        }
    }

    private final Settings settings;

    private transient MapState<Long, Map<Long, MinerTally>> epochs;
    /** miner → first epoch flagged. */
    private transient MapState<Long, Long> flaggedSince;
    private transient MapState<Long, String> flagReasons;
    private transient MapState<String, Long> meta;

    public EpochScoreFunction(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext ctx) {
        epochs = getRuntimeContext().getMapState(new MapStateDescriptor<>("epochs", TypeInformation.of(Long.class),
                TypeInformation.of(new TypeHint<Map<Long, MinerTally>>() {})));
        flaggedSince = getRuntimeContext().getMapState(new MapStateDescriptor<>("flagged-since", Long.class, Long.class));
        flagReasons = getRuntimeContext().getMapState(new MapStateDescriptor<>("flag-reasons", Long.class, String.class));
        meta = getRuntimeContext().getMapState(new MapStateDescriptor<>("meta", String.class, Long.class));
    }

    /** Seeds the flags of earlier runs into this key's state once (a restored state already holds them). */
    private void seedPriorFlags() throws Exception {
        if (meta.contains("seeded")) {
            return;
        }
        for (Map.Entry<Long, PriorFlag> f : settings.priorFlags().entrySet()) {
            Long since = flaggedSince.get(f.getKey());
            if (since == null || f.getValue().epoch() < since) {
                flaggedSince.put(f.getKey(), f.getValue().epoch());
                flagReasons.put(f.getKey(), f.getValue().reason());
                meta.put("flag-time/" + f.getKey(), Long.MIN_VALUE);
            }
        }
        meta.put("seeded", 1L);
    }

    @Override
    public void processElement(Observation o, Context ctx, Collector<MinerEpochScore> out) throws Exception {
        seedPriorFlags();
        long miner;
        try {
            miner = Long.parseLong(o.minerId);
        } catch (NumberFormatException e) {
            LOG.warn("ignoring {}: miner id {} is not a registered uid", o, o.minerId);
            return;
        }
        long epoch = settings.epochOf(o.timeUnixMs);
        if (o.mismatch) {
            // Keep the earliest mismatch by completion time, so the reason does not depend on arrival order.
            Long since = flaggedSince.get(miner);
            Long at = meta.get("flag-time/" + miner);
            if (since == null || o.timeUnixMs < at) {
                flaggedSince.put(miner, epoch);
                flagReasons.put(miner, o.reason);
                meta.put("flag-time/" + miner, o.timeUnixMs);
            }
        }
        Long closedThrough = meta.get("closed-through");
        if (closedThrough != null && epoch <= closedThrough) {
            meta.put("late", (meta.contains("late") ? meta.get("late") : 0) + 1);
            LOG.warn("late observation for closed epoch {}: {}", epoch, o);
            return;
        }
        Map<Long, MinerTally> tallies = epochs.get(epoch);
        if (tallies == null) {
            tallies = new HashMap<>();
            ctx.timerService().registerEventTimeTimer(settings.endOf(epoch) + settings.graceMs());
        }
        tallies.computeIfAbsent(miner, m -> new MinerTally()).add(o, settings.latencyTargetMs());
        epochs.put(epoch, tallies);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MinerEpochScore> out) throws Exception {
        long epoch = settings.epochOf(timestamp - settings.graceMs() - 1);
        Map<Long, MinerTally> tallies = epochs.get(epoch);
        if (tallies == null) {
            return;
        }
        Map<Long, String> flags = new HashMap<>();
        for (Map.Entry<Long, Long> f : flaggedSince.entries()) {
            if (f.getValue() <= epoch) {
                flags.put(f.getKey(), flagReasons.get(f.getKey()));
            }
        }
        List<MinerEpochScore> rows = EpochScoring.close(settings.brain(), epoch, settings.validator(), tallies, flags,
                System.currentTimeMillis());
        rows.forEach(out::collect);
        epochs.remove(epoch);
        Long closedThrough = meta.get("closed-through");
        meta.put("closed-through", closedThrough == null ? epoch : Math.max(closedThrough, epoch));
        LOG.info("epoch {} of brain {} closed: {}", epoch, settings.brain(), rows);
    }
}
