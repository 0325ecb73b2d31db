package ai.zkllm.operators.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The --warm-up values: all, none, or model hashes; anything else is refused with the value named. */
class WarmUpSelectionTest {
    private static final String A = "0a".repeat(32);
    private static final String B = "0b".repeat(32);

    @Test
    void allNoneAndNamedModelsSelectWhatTheySay() {
        assertTrue(WarmUpSelection.parse("all").selects(A));
        assertFalse(WarmUpSelection.parse(" None ").selects(A));
        WarmUpSelection named = WarmUpSelection.parse(B + ", " + A.toUpperCase());
        assertTrue(named.selects(A) && named.selects(B));
        assertFalse(named.selects("0c".repeat(32)));
        for (WarmUpSelection s : new WarmUpSelection[] {WarmUpSelection.ALL, WarmUpSelection.NONE, named}) {
            assertEquals(s, WarmUpSelection.parse(s.toString()), s.toString());
        }
    }

    @Test
    void aValueThatIsNeitherAKeywordNorAHashIsRefusedByName() {
        for (String bad : new String[] {"some", A.substring(1), A + ",", A + ",xyz"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WarmUpSelection.parse(bad));
            assertTrue(e.getMessage().contains("is not all, none or a model hash"), e.getMessage());
        }
    }
}
