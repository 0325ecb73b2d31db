package ai.zkllm.settlement;

import java.math.BigInteger;

/**
 * A brain's emission over time: one block every {@value #BLOCK_SECONDS} s, a per-block emission
 * that halves every year of blocks, epochs of a fixed number of blocks counted from block 0.
 * Amounts are integer base units (10^18 per token); a halving drops the odd base unit (floor).
 *
 * @param blockEmission base units minted per block in the first year, ≥ 0
 * @param blocksPerEpoch blocks in one epoch, ≥ 1; epoch e covers blocks [e·n, (e+1)·n)
 */
public record EmissionSchedule(BigInteger blockEmission, long blocksPerEpoch) {

    public static final int BLOCK_SECONDS = 10;
    public static final long BLOCKS_PER_YEAR = 365L * 24 * 60 * 60 / BLOCK_SECONDS;
    public static final BigInteger BASE_UNITS_PER_TOKEN = BigInteger.TEN.pow(18);
    /** One hour of blocks, so a year holds a whole number of epochs. */
    public static final long DEFAULT_BLOCKS_PER_EPOCH = 360;

    public EmissionSchedule {
        if (blockEmission == null || blockEmission.signum() < 0) {
            throw new InvalidEpochException("emission.blockEmission", "must be an integer ≥ 0");
        }
        if (blocksPerEpoch < 1) {
            throw new InvalidEpochException("emission.blocksPerEpoch", "must be ≥ 1");
        }
    }

    /** The emission of one block; zero once it has halved past its last base unit. */
    public BigInteger blockEmissionAt(long block) {
        long halvings = block / BLOCKS_PER_YEAR;
        return halvings >= blockEmission.bitLength() ? BigInteger.ZERO : blockEmission.shiftRight((int) halvings);
    }

    public long firstBlock(long epoch) {
        if (epoch < 0 || epoch > Long.MAX_VALUE / blocksPerEpoch - 1) {
            throw new InvalidEpochException("epoch", "must be ≥ 0 and its blocks must fit in a 64-bit block number");
        }
        return epoch * blocksPerEpoch;
    }

    /** Σ of the block emissions of the epoch's blocks; an epoch may straddle a halving. */
    public BigInteger epochEmission(long epoch) {
        long block = firstBlock(epoch);
        long end = block + blocksPerEpoch;
        BigInteger total = BigInteger.ZERO;
        while (block < end) {
            long yearEnd = (block / BLOCKS_PER_YEAR + 1) * BLOCKS_PER_YEAR;
            long blocksAtThisRate = Math.min(end, yearEnd) - block;
            total = total.add(blockEmissionAt(block).multiply(BigInteger.valueOf(blocksAtThisRate)));
            block += blocksAtThisRate;
        }
        return total;
    }
}
