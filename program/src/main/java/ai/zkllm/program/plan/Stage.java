package ai.zkllm.program.plan;

/**
 * One indivisible piece of the squeezed computation. A round of the FHE program is a run of
 * consecutive stages; a client refresh may follow any stage and must follow {@link Kind#QKV} and
 * {@link Kind#SCORES}, whose outputs the client re-lays out, and, with client normalisation, every
 * stage, since each is followed by a softmax or a LayerNorm that the client computes.
 */
public record Stage(Kind kind, int layer) {
    public enum Kind {
        /** ln_1 (folded) + fused QKV transform: out q, k, v (+ x passed through). */
        QKV,
        /**
         * q·k products on client-laid-out pairs, then (calibrated normalisation) the power-attention
         * affine map and log2(n) squarings.
         */
        SCORES,
        /** Σ_j P_j ⊙ V_j, proj transform, bias, residual. */
        PV_PROJ,
        /** ln_2 (folded) + fc, Chebyshev GELU, fc_proj, bias, residual. */
        MLP,
        /** ln_f (folded) + tied-embedding head: logits blocks. */
        HEAD
    }

    /** True when the client must re-lay out the outputs before the next stage. */
    public boolean cutAfterRequired() {
        return kind == Kind.QKV || kind == Kind.SCORES || kind == Kind.HEAD;
    }

    @Override
    public String toString() {
        return kind == Kind.HEAD ? "head" : kind.name().toLowerCase() + "[" + layer + "]";
    }
}
