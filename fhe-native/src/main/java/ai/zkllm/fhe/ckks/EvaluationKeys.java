package ai.zkllm.fhe.ckks;

/** The public keys a miner evaluates with; either part may be absent (null relinearization key). */
public record EvaluationKeys(RelinearizationKey relinearization, GaloisKeys galois) {
    public EvaluationKeys {
        if (galois == null) {
            galois = new GaloisKeys(java.util.Map.of());
        }
    }
}
