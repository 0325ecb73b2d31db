package ai.zkllm.jobs.validation;

import ai.zkllm.analytics.NetworkCatalog;
import ai.zkllm.analytics.NetworkTables;
import ai.zkllm.operators.validation.EpochScoreFunction.PriorFlag;
import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The replay flags this validator already wrote to {@code scores} (brain, validator,
 * flagged_by_replay = true): per miner, the earliest epoch and its reason. Read when the job is
 * built, so that sticky flags survive a restart without a savepoint.
 */
public final class PriorFlags {
    private static final String PREFIX = "flagged by replay: ";

    private PriorFlags() {}

    public static Map<Long, PriorFlag> read(NetworkCatalog network, int brain, long validator) throws IOException {
        Map<Long, PriorFlag> flags = new HashMap<>();
        Catalog catalog = network.open();
        try {
            NetworkTables.ensure(catalog);
            try (CloseableIterable<Record> rows = IcebergGenerics.read(NetworkTables.load(catalog, NetworkTables.SCORES))
                    .where(Expressions.and(Expressions.equal("brain", brain), Expressions.equal("validator", validator),
                            Expressions.equal("flagged_by_replay", true)))
                    .build()) {
                for (Record r : rows) {
                    long miner = (Long) r.getField("miner");
                    long epoch = (Long) r.getField("epoch");
                    PriorFlag known = flags.get(miner);
                    if (known == null || epoch < known.epoch()) {
                        flags.put(miner, new PriorFlag(epoch, reason((String) r.getField("reason"))));
                    }
                }
            }
        } finally {
            if (catalog instanceof Closeable c) {
                c.close();
            }
        }
        return flags;
    }

    /** "flagged by replay: R | tallies" → R. */
    static String reason(String stored) {
        if (stored == null) {
            return "flagged in an earlier run";
        }
        String r = stored.startsWith(PREFIX) ? stored.substring(PREFIX.length()) : stored;
        int bar = r.indexOf(" | ");
        return bar >= 0 ? r.substring(0, bar) : r;
    }
}
