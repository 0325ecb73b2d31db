package ai.zkllm.registry;

import java.util.Locale;

/** Who registers to a brain. Written to the tables in lower case: {@code miner}, {@code validator}. */
public enum Role {
    MINER,
    VALIDATOR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code miner} or {@code validator}, any case; {@code null} for anything else. */
    public static Role parse(String text) {
        if (text == null) {
            return null;
        }
        for (Role role : values()) {
            if (role.label().equalsIgnoreCase(text.trim())) {
                return role;
            }
        }
        return null;
    }
}
