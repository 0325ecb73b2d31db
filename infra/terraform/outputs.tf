output "namespace" {
  description = "Namespace of the zkLLM workloads."
  value       = local.ns
}

output "kafka_bootstrap_servers" {
  description = "In-cluster Kafka bootstrap address (plain listener; TLS listener on port 9093)."
  value       = local.kafka_bootstrap
}

output "kafka_topics" {
  description = "Logical topic -> Kafka topic name."
  value       = local.topic
}

output "object_store_endpoint" {
  description = "S3 endpoint (MinIO service) or empty for AWS S3."
  value       = local.s3_endpoint
}

output "blob_store_uri" {
  description = "Blob store for evaluation keys and models (--blob-store)."
  value       = local.blob_store_uri
}

output "warehouse_uri" {
  description = "Iceberg warehouse location (--warehouse)."
  value       = local.warehouse_uri
}

output "iceberg_catalog_uri" {
  description = "Iceberg REST catalog endpoint (--catalog-property uri=… and Flink SQL 'uri')."
  value       = local.catalog_uri
}

output "flink_checkpoint_root" {
  description = "Root of Flink checkpoints, savepoints and HA metadata."
  value       = local.flink_uri
}

output "flink_deployments" {
  description = "FlinkDeployment names."
  value       = concat([for k, _ in kubernetes_manifest.flink_job : "zkllm-${k}"], ["zkllm-settlement"])
}

output "job_args" {
  description = "The zkllm flags each job is started with (checked against the jobs by JobFlagsTerraformTest)."
  value       = local.job_args
}

output "s3_iam_policy_json" {
  description = "IAM policy for the IRSA role (object_store = \"s3\"); null with MinIO."
  value       = var.object_store == "s3" ? module.s3_bucket[0].iam_policy_json : null
}
