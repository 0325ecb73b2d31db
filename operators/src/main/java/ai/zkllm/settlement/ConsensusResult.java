package ai.zkllm.settlement;

/**
 * What Yuma consensus decides for one epoch. Vectors are indexed like the inputs: miners by
 * column, validators by row. The arrays are owned by this result; callers must not modify them.
 *
 * @param consensus C[j], the stake-weighted κ-quantile of the weights miner j received
 * @param rank R[j] = Σ_i S[i]·W̄[i][j], before normalisation
 * @param incentive I = R / ΣR, or all zero when ΣR = 0
 * @param dividends D[i] = Σ_j B[i][j]·I[j], normalised to sum 1, or all zero when that sum is 0
 * @param bonds B[i][j] after this epoch, each miner column summing to 1 or all zero; the next
 *     epoch's previous bonds
 */
public record ConsensusResult(
        double[] consensus, double[] rank, double[] incentive, double[] dividends, double[][] bonds) {}
