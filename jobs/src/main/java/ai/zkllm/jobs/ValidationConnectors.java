package ai.zkllm.jobs;

import ai.zkllm.jobs.validation.ScoresSink;
import ai.zkllm.jobs.validation.ValidationSources;
import ai.zkllm.operators.validation.MinerEpochScore;
import ai.zkllm.operators.validation.Observation;
import ai.zkllm.operators.validation.StreamEvent;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;

/**
 * What the ValidationJob reads and writes. The job is a function of these, so a caller chooses
 * them: production the Kafka topics and the Iceberg warehouse the flags name ({@link #of}).
 */
public record ValidationConnectors(Source<StreamEvent, ?, ?> prompts, Source<StreamEvent, ?, ?> responses,
                                   Source<StreamEvent, ?, ?> receipts, Source<Observation, ?, ?> canaries,
                                   Sink<MinerEpochScore> scores) {

    /** Every miner's prompts, the responses, the receipts, this validator's canaries; Iceberg {@code scores}. */
    public static ValidationConnectors of(ValidationJobConfig cfg) {
        return new ValidationConnectors(ValidationSources.events(cfg, StreamEvent.PROMPT),
                ValidationSources.events(cfg, StreamEvent.RESPONSE), ValidationSources.events(cfg, StreamEvent.RECEIPT),
                ValidationSources.canaries(cfg), new ScoresSink(cfg.catalog.warehouse, cfg.catalog.properties));
    }
}
