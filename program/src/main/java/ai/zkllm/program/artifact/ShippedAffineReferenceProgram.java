package ai.zkllm.program.artifact;

/**
 * The small model with an affine ln_2 ({@link ShippedArtifact#REFERENCE_AFFINE_LN2}): a layer's attention
 * projection and MLP in one round, 2L + 1 = 5 rounds per token; the round trade-off made for slow links.
 */
public final class ShippedAffineReferenceProgram extends ShippedProgram {
    public ShippedAffineReferenceProgram() {
        super(ShippedArtifact.REFERENCE_AFFINE_LN2);
    }
}
