# Shared names and URIs. Every other file reads these locals, so the wiring between Kafka,
# object storage, the Iceberg catalog and the jobs is visible in one place.

resource "kubernetes_namespace_v1" "zkllm" {
  metadata {
    name   = var.namespace
    labels = { "app.kubernetes.io/part-of" = "zkllm" }
  }
}

resource "kubernetes_namespace_v1" "operators" {
  metadata {
    name   = var.operators_namespace
    labels = { "app.kubernetes.io/part-of" = "zkllm" }
  }
}

locals {
  ns = kubernetes_namespace_v1.zkllm.metadata[0].name

  # --- Kafka -------------------------------------------------------------------------------
  kafka_bootstrap   = "${var.kafka_cluster_name}-kafka-bootstrap.${local.ns}.svc:9092"
  kafka_rf          = min(3, var.kafka_broker_replicas)
  kafka_min_isr     = max(1, local.kafka_rf - 1)
  kafka_max_message = max(var.kafka_ciphertext_max_message_bytes, var.kafka_small_max_message_bytes)
  topic             = { for t in keys(var.kafka_topic_partitions) : t => "${var.kafka_topic_prefix}${t}" }

  # --- Object storage (one bucket, one prefix per purpose) ------------------------------------
  bucket         = var.object_store == "s3" ? module.s3_bucket[0].bucket : var.bucket_name
  s3_endpoint    = var.object_store == "minio" ? "http://minio.${local.ns}.svc:9000" : ""
  s3_path_style  = var.object_store == "minio"
  blob_store_uri = "s3://${local.bucket}/blobs"
  flink_uri      = "s3://${local.bucket}/flink"
  warehouse_uri  = "s3://${local.bucket}/warehouse"

  # Kubernetes Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; referenced as optional so
  # that with IRSA (no secret) the pods fall back to the web-identity credentials.
  object_store_secret = "zkllm-object-store"

  # --- Iceberg catalog ----------------------------------------------------------------------
  catalog_uri = "http://iceberg-rest.${local.ns}.svc:8181"

  common_labels = {
    "app.kubernetes.io/part-of"    = "zkllm"
    "app.kubernetes.io/managed-by" = "terraform"
  }
}
