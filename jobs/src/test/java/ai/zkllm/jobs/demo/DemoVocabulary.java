package ai.zkllm.jobs.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The demo program's 16-word vocabulary: words to token ids and back. */
public final class DemoVocabulary {
    public static final List<String> WORDS = List.of("the", "cat", "sat", "on", "mat", "a", "dog", "ran",
            "to", "park", "and", "saw", "bird", "sky", "is", "blue");
    public static final int SIZE = WORDS.size();

    private DemoVocabulary() {
    }

    /** Known words map to their id, any other word to a stable id by hash. */
    public static int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (!w.isEmpty()) {
                int id = WORDS.indexOf(w);
                ids.add(id >= 0 ? id : Math.floorMod(w.hashCode(), SIZE));
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    public static String decode(int token) {
        return WORDS.get(token);
    }
}
