package ai.zkllm.program.plan;

/**
 * One round of the squeezed program: the weights of one site applied, under encryption, to the
 * rows the client sends. Everything between (attention over the cached keys and values, LayerNorm
 * scales, residual sums) is the client's plaintext work on the rows it decrypted.
 */
public record Stage(Kind kind, int layer) {
    public enum Kind {
        /** ln_1(x) → fused QKV transform + bias: the new positions' q, k, v rows (3d). */
        QKV,
        /** attention output o → attention projection + bias (d). */
        PROJ,
        /** ln_2(x) → fc + bias, Chebyshev GELU, fc_proj + bias (d). */
        MLP,
        /**
         * PROJ and MLP in one round, for an affine ln_2 (per-position 1/σ = r): r·[o, x, 1] →
         * a = r·(x + o·W + b), then the MLP on a; returns a and the MLP output (see {@link Layout#RESPONSE_FACTOR}).
         */
        PROJ_MLP,
        /** ln_f(x) of the last position → tied-embedding head + bias: the logits. */
        HEAD
    }

    @Override
    public String toString() {
        return kind == Kind.HEAD ? "head" : kind.name().toLowerCase() + "[" + layer + "]";
    }
}
