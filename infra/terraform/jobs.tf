# The zkllm job flags, built in one place and shown by `terraform output job_args`. The lists use
# flatten(), not concat(), so that JobFlagsTerraformTest (jobs/) can read them with hcl4j and hold
# every flag against the job's own picocli options.

locals {
  # Client sizes must match the broker limits; transactions must fit the broker maximum.
  kafka_args = [
    "--bootstrap-servers", local.kafka_bootstrap,
    "--kafka-property", "max.request.size=${local.kafka_max_message}",
    "--kafka-property", "max.partition.fetch.bytes=${local.kafka_max_message}",
    "--kafka-property", "transaction.timeout.ms=${min(900000, var.kafka_transaction_max_timeout_ms)}",
    "--kafka-property", "isolation.level=read_committed",
  ]
  # The REST catalog; jobs register it under their fixed catalog name, zkllm.
  catalog_args = [
    "--warehouse", local.warehouse_uri,
    "--catalog-property", "type=rest",
    "--catalog-property", "uri=${local.catalog_uri}",
  ]
  job_args = {
    # Miners hold no Iceberg table: Kafka in and out, keys from the blob store.
    inference = flatten([local.kafka_args, [
      "--blob-store", local.blob_store_uri,
      "--prompts-topic", local.topic["prompts"],
      "--responses-topic", local.topic["responses"],
      "--receipts-topic", local.topic["receipts"],
      "--dead-letter-topic", local.topic["dead-letters"],
    ]])
    validation = flatten([local.kafka_args, local.catalog_args, [
      "--blob-store", local.blob_store_uri,
      "--brain", tostring(var.brain),
      "--validator-id", tostring(var.validator_id),
      "--prompts-topic-prefix", local.topic["prompts"],
      "--responses-topic", local.topic["responses"],
      "--receipts-topic", local.topic["receipts"],
      "--dead-letter-topic", local.topic["dead-letters"],
      "--replay-fraction", tostring(var.validation_replay_fraction),
    ]])
    # Settlement holds no keys of any kind: no blob store, no Kafka; Iceberg in and out.
    settlement = flatten([local.catalog_args, [
      "--brain", tostring(var.brain),
      "--epoch", "latest-closed",
    ]])
  }
}
