package ai.zkllm.program.artifact;

import ai.zkllm.program.plan.SqueezedFheProgram;

/** The small shipped model ({@link ShippedArtifact#REFERENCE}): byte-level GPT-2, 2 layers, d = 64; the tests' fixture. */
public final class ShippedReferenceProgram extends ShippedProgram {
    public ShippedReferenceProgram() {
        super(ShippedArtifact.REFERENCE);
    }

    /** Its compiled program. */
    public static SqueezedFheProgram program() {
        return program(ShippedArtifact.REFERENCE);
    }
}
