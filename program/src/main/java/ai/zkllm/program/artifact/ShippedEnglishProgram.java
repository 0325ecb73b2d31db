package ai.zkllm.program.artifact;

/** The English model ({@link ShippedArtifact#ENGLISH}): byte-level GPT-2, 4 layers, d = 128; demo and chat default. */
public final class ShippedEnglishProgram extends ShippedProgram {
    public ShippedEnglishProgram() {
        super(ShippedArtifact.ENGLISH);
    }
}
