/**
 * RNS-CKKS (Cheon–Kim–Kim–Song, full-RNS variant of Cheon–Han–Kim–Kim–Song) with hybrid key
 * switching (Han–Ki) and hoisted rotations (Halevi–Shoup).
 *
 * <p>The public API is deliberately small: {@link ai.zkllm.fhe.ckks.Parameters} →
 * {@link ai.zkllm.fhe.ckks.CkksContext} (parameters + ring backend + tables) →
 * {@link ai.zkllm.fhe.ckks.KeyGenerator}, {@link ai.zkllm.fhe.ckks.Encoder},
 * {@link ai.zkllm.fhe.ckks.Encryptor}, {@link ai.zkllm.fhe.ckks.Decryptor} and
 * {@link ai.zkllm.fhe.ckks.Evaluator}. The RNS machinery lives in {@code ai.zkllm.fhe.ring};
 * every kernel runs through the context's {@link ai.zkllm.fhe.ring.RingBackend}.
 */
package ai.zkllm.fhe.ckks;
