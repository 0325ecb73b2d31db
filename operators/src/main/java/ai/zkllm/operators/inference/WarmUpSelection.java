package ai.zkllm.operators.inference;

import java.io.Serializable;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which installed programs the inference operator warms up when it opens: all of them (a miner's
 * default: any program may be asked for), none, or the models named (the demo warms the one it uses).
 */
public record WarmUpSelection(boolean all, Set<String> modelHashes) implements Serializable {
    public static final WarmUpSelection ALL = new WarmUpSelection(true, Set.of());
    public static final WarmUpSelection NONE = new WarmUpSelection(false, Set.of());

    public WarmUpSelection {
        if (all && !modelHashes.isEmpty()) {
            throw new IllegalArgumentException("all programs, or the models named: not both");
        }
        modelHashes = Set.copyOf(modelHashes);
    }

    public static WarmUpSelection of(String... modelHashes) {
        return new WarmUpSelection(false, Set.of(modelHashes));
    }

    /** {@code all}, {@code none}, or model hashes (64 hex digits) separated by commas. */
    public static WarmUpSelection parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("all")) {
            return ALL;
        }
        if (v.equals("none")) {
            return NONE;
        }
        Set<String> hashes = new TreeSet<>();
        for (String h : v.split(",", -1)) {
            String hash = h.trim();
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("'" + h.trim() + "' is not all, none or a model hash (64 hex digits)");
            }
            hashes.add(hash);
        }
        return new WarmUpSelection(false, hashes);
    }

    public boolean selects(String modelHash) {
        return all || modelHashes.contains(modelHash);
    }

    @Override
    public String toString() {
        return all ? "all" : modelHashes.isEmpty() ? "none" : String.join(",", new TreeSet<>(modelHashes));
    }
}
