package ai.zkllm.operators.validation;

/**
 * One row of the Iceberg {@code scores} table: a validator's verdict on a miner for an epoch.
 * {@code weight} is the score normalised over the epoch's miners (settlement sums it per
 * validator → miner and normalises again, so one row per pair per epoch is enough). A Flink POJO.
 */
public class MinerEpochScore {
    public int brain;
    public long epoch;
    public long validator;
    public long miner;
    public double score;
    public double weight;
    public boolean flaggedByReplay;
    public String reason = "";
    public long scoredAtUnixMs;

    public MinerEpochScore() {}

    @Override
    public String toString() {
        return "score(brain " + brain + ", epoch " + epoch + ", validator " + validator + ", miner " + miner + ": "
                + score + ", weight " + weight + (flaggedByReplay ? ", FLAGGED" : "") + ", " + reason + ")";
    }
}
