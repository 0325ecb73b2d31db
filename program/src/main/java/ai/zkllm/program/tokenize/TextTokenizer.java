package ai.zkllm.program.tokenize;

/** Text ↔ token ids. */
public interface TextTokenizer {
    int[] encode(String text);

    String decode(int[] ids);

    int vocabularySize();
}
