package ai.zkllm.squeeze.tool;

import ai.zkllm.program.model.Gpt2Config;
import ai.zkllm.squeeze.train.Corpus;
import ai.zkllm.squeeze.train.Trainer;
import java.io.IOException;

/** The reference models the tooling trains from scratch: architecture, recipe and corpus of each. */
public enum TrainingRecipe {
    /** 2 layers, d = 64, the Jargon File: the shipped {@code bytegpt2} and the fast test fixture. */
    SMALL(ReferenceModel.CONFIG, ReferenceModel.RECIPE, "jargon-4.4.7.txt[0:95%]"),
    /** 4 layers, d = 128, five Jane Austen novels: the shipped {@code austen-gpt2}. */
    ENGLISH(ReferenceModel.ENGLISH_CONFIG, ReferenceModel.ENGLISH_RECIPE, "austen/train.txt.gz");

    private final Gpt2Config config;
    private final Trainer.Options options;
    private final String corpusName;

    TrainingRecipe(Gpt2Config config, Trainer.Options options, String corpusName) {
        this.config = config;
        this.options = options;
        this.corpusName = corpusName;
    }

    public Gpt2Config config() {
        return config;
    }

    public Trainer.Options options() {
        return options;
    }

    /** What the checkpoint's metadata names as its training text. */
    public String corpusName() {
        return corpusName;
    }

    public Corpus corpus() throws IOException {
        return this == SMALL ? Corpus.shipped() : Corpus.austen();
    }
}
