package ai.zkllm.fhe.ckks;

/** The switching key from s² to s that turns a 3-polynomial product back into 2 polynomials. */
public record RelinearizationKey(SwitchingKey key) {
}
