package ai.zkllm.squeeze.train;

/**
 * Which squeezed sites of the DJL student are swapped back for their exact form, to measure what
 * each approximation costs ({@code zkllm squeeze ablate}). The miner cannot compute the exact forms
 * under CKKS: an ablated student is for measurement only and is never compiled. (Softmax with exact
 * LayerNorm is what client normalisation computes, at the client; such a model is squeezed with
 * {@code SqueezeParams.Normalisation.CLIENT}, not ablated.)
 *
 * @param attention the attention form
 * @param exactLayerNorm LayerNorm with the token's own 1/σ instead of the calibrated scale
 */
public record Ablation(Attention attention, boolean exactLayerNorm) {
    /** The squeezed student as shipped: nothing swapped. */
    public static final Ablation NONE = new Ablation(Attention.CALIBRATED, false);

    /** Attention forms, from the shipped one to the teacher's. */
    public enum Attention {
        /** Power attention divided by calibrated per-(head, position) denominators (shipped). */
        CALIBRATED,
        /** Power attention with each row divided by its own sum. */
        ROW_NORMALISED,
        /** The teacher's softmax. */
        SOFTMAX
    }
}
