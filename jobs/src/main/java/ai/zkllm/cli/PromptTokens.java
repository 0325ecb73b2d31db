package ai.zkllm.cli;

import ai.zkllm.program.FheProgram;

/** A prompt as the model's tokens, refused up front when the model cannot read it whole. */
final class PromptTokens {
    private PromptTokens() {
    }

    static int[] encode(FheProgram program, String prompt) {
        int[] tokens;
        try {
            tokens = program.encodeText(prompt);
        } catch (UnsupportedOperationException e) {
            throw new UsageException("model " + program.modelHash().substring(0, 16)
                    + " has no text vocabulary; pick another with --model (see `zkllm models`)", e);
        }
        // the client would otherwise drop the prompt's beginning without a word
        if (tokens.length > program.maxContext()) {
            throw new UsageException("the prompt is " + tokens.length + " tokens, longer than the model's context of "
                    + program.maxContext() + "; shorten it");
        }
        return tokens;
    }
}
