# ---------------------------------------------------------------------------------------------
# Cluster access and namespaces
# ---------------------------------------------------------------------------------------------
variable "kubeconfig_path" {
  description = "Path to the kubeconfig used by the kubernetes and helm providers."
  type        = string
  default     = "~/.kube/config"
}

variable "kubeconfig_context" {
  description = "kubeconfig context to use; null means the current context."
  type        = string
  default     = null
}

variable "namespace" {
  description = "Namespace for the zkLLM workloads (Kafka cluster, Flink jobs, MinIO, Iceberg catalog)."
  type        = string
  default     = "zkllm"
}

variable "operators_namespace" {
  description = "Namespace for the Strimzi and Flink Kubernetes operators."
  type        = string
  default     = "zkllm-operators"
}

variable "storage_class" {
  description = "StorageClass for Kafka, MinIO and catalog volumes; null uses the cluster default."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------
# Kafka (Strimzi, KRaft)
# ---------------------------------------------------------------------------------------------
variable "strimzi_chart_version" {
  description = "Version of the strimzi-kafka-operator Helm chart (0.45.x is the last line that still ships ZooKeeper support; KRaft is used here either way)."
  type        = string
  default     = "0.45.0"
}

variable "kafka_cluster_name" {
  description = "Name of the Strimzi Kafka resource; the bootstrap service is <name>-kafka-bootstrap."
  type        = string
  default     = "zkllm"
}

variable "kafka_version" {
  description = "Kafka version run by Strimzi (must be supported by strimzi_chart_version)."
  type        = string
  default     = "3.9.0"
}

variable "kafka_metadata_version" {
  description = "KRaft metadata.version for the cluster."
  type        = string
  default     = "3.9-IV0"
}

variable "kafka_controller_replicas" {
  description = "Number of dedicated KRaft controller nodes (odd: 3 or 5)."
  type        = number
  default     = 3
}

variable "kafka_broker_replicas" {
  description = "Number of Kafka broker nodes. Replication factor is min(3, this); min.insync.replicas is RF - 1."
  type        = number
  default     = 3
}

variable "kafka_broker_storage_size" {
  description = "Persistent volume size per broker. Prompts and responses are ciphertexts (MBs each): size for retention x throughput."
  type        = string
  default     = "500Gi"
}

variable "kafka_broker_resources" {
  description = "Kubernetes resources for each broker pod."
  type = object({
    cpu    = string
    memory = string
  })
  default = {
    cpu    = "4"
    memory = "16Gi"
  }
}

variable "kafka_ciphertext_max_message_bytes" {
  description = "max.message.bytes for topics that carry ciphertexts (prompts, responses, dead-letters). Evaluation keys never go through Kafka (claim check), only ciphertexts. 16 MiB fits a logN=14 ciphertext at full level with room to spare; raise for logN=15/16 or pass larger objects by claim check."
  type        = number
  default     = 16777216
}

variable "kafka_small_max_message_bytes" {
  description = "max.message.bytes for topics with small records (receipts, registrations)."
  type        = number
  default     = 1048576
}

variable "kafka_transaction_max_timeout_ms" {
  description = "Broker transaction.max.timeout.ms. Flink's transactional KafkaSink uses transaction.timeout.ms, which must be <= this and > max checkpoint duration + restart time."
  type        = number
  default     = 3600000
}

variable "kafka_topic_prefix" {
  description = "Prefix for topic names, e.g. \"brain-7.\" to run several networks on one cluster; empty by default."
  type        = string
  default     = ""
}

variable "kafka_topic_partitions" {
  description = "Partitions per topic. prompts/responses bound the useful parallelism of InferenceJob; partitions can be increased later but never decreased."
  type        = map(number)
  default = {
    prompts       = 48
    responses     = 48
    receipts      = 24
    dead-letters  = 6
    registrations = 6
  }

  validation {
    condition     = alltrue([for t in ["prompts", "responses", "receipts", "dead-letters", "registrations"] : contains(keys(var.kafka_topic_partitions), t)])
    error_message = "kafka_topic_partitions needs an entry for prompts, responses, receipts, dead-letters and registrations."
  }
}

# ---------------------------------------------------------------------------------------------
# Object storage
# ---------------------------------------------------------------------------------------------
variable "object_store" {
  description = "\"s3\" creates an AWS S3 bucket (modules/s3-bucket); \"minio\" installs MinIO with Helm in the cluster (on-prem)."
  type        = string
  default     = "minio"

  validation {
    condition     = contains(["s3", "minio"], var.object_store)
    error_message = "object_store must be \"s3\" or \"minio\"."
  }
}

variable "bucket_name" {
  description = "Bucket holding blobs/ (evaluation keys, models), flink/ (checkpoints, savepoints, HA) and warehouse/ (Iceberg). Must be globally unique on AWS."
  type        = string
  default     = "zkllm"
}

variable "aws_region" {
  description = "AWS region for the S3 bucket (object_store = \"s3\")."
  type        = string
  default     = "eu-west-1"
}

variable "aws_tags" {
  description = "Default tags on AWS resources."
  type        = map(string)
  default     = { project = "zkllm" }
}

variable "s3_kms_key_arn" {
  description = "KMS key for S3 server-side encryption; null uses SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "s3_irsa_role_arn" {
  description = "IAM role ARN annotated on the Flink and catalog service accounts (EKS IRSA). Preferred over static keys; attach the policy from output s3_iam_policy_json to it."
  type        = string
  default     = ""
}

variable "s3_access_key_id" {
  description = "Static S3 access key id for the jobs and the catalog when IRSA is not available; empty means no static credentials (IRSA or node role)."
  type        = string
  default     = ""
}

variable "s3_secret_access_key" {
  description = "Secret for s3_access_key_id."
  type        = string
  default     = ""
  sensitive   = true
}

variable "minio_chart_version" {
  description = "Version of the MinIO Helm chart (https://charts.min.io/)."
  type        = string
  default     = "5.4.0"
}

variable "minio_mode" {
  description = "MinIO mode: \"standalone\" (1 pod) or \"distributed\" (erasure coded, minio_replicas >= 4)."
  type        = string
  default     = "distributed"
}

variable "minio_replicas" {
  description = "MinIO pods in distributed mode."
  type        = number
  default     = 4
}

variable "minio_volume_size" {
  description = "Volume size per MinIO pod."
  type        = string
  default     = "500Gi"
}

# ---------------------------------------------------------------------------------------------
# Iceberg REST catalog
# ---------------------------------------------------------------------------------------------
variable "iceberg_rest_image" {
  description = "Iceberg REST catalog image. The Apache fixture (or tabulario/iceberg-rest) reads CATALOG_* env vars; pin a tag you have verified."
  type        = string
  default     = "apache/iceberg-rest-fixture:1.8.1"
}

variable "iceberg_catalog_jdbc_uri" {
  description = "JDBC URI of the catalog's own metadata store. The default SQLite file on a PVC survives restarts but allows one replica only; use PostgreSQL (and an image with its driver) for HA."
  type        = string
  default     = "jdbc:sqlite:file:/var/lib/iceberg-catalog/catalog.db"
}

# ---------------------------------------------------------------------------------------------
# Flink
# ---------------------------------------------------------------------------------------------
variable "flink_operator_chart_version" {
  description = "Version of the flink-kubernetes-operator Helm chart (a release that supports Flink 2.1, the version the jobs are built on)."
  type        = string
  default     = "1.13.0"
}

variable "flink_version" {
  description = "FlinkDeployment spec.flinkVersion; must match the Flink in zkllm_image."
  type        = string
  default     = "v2_1"
}

variable "flink_s3_plugin_jar" {
  description = "Built-in Flink plugin enabled via ENABLE_BUILT_IN_PLUGINS so s3:// works for checkpoints, HA and the blob store; must match the image's Flink version."
  type        = string
  default     = "flink-s3-fs-hadoop-2.1.1.jar"
}

variable "zkllm_image" {
  description = "Job image: flink:<version>-java17 plus the shaded zkllm jobs jar at /opt/flink/usrlib/zkllm-jobs.jar and the fhe-native JNI library on java.library.path."
  type        = string
  default     = "ghcr.io/zkllm/zkllm-flink:0.1.0"
}

variable "zkllm_jar_uri" {
  description = "Jar URI inside the image, as FlinkDeployment job.jarURI."
  type        = string
  default     = "local:///opt/flink/usrlib/zkllm-jobs.jar"
}

variable "job_entry_classes" {
  description = "Main classes of the three jobs; JobFlagsTerraformTest checks each has a main and takes the flags of local.job_args."
  type        = map(string)
  default = {
    inference  = "ai.zkllm.jobs.InferenceJob"
    validation = "ai.zkllm.jobs.ValidationJob"
    settlement = "ai.zkllm.jobs.SettlementJob"
  }
}

variable "fhe_backend" {
  description = "ZKLLM_FHE_BACKEND for the inference job: native (C++/AVX2 via JNI) or java. Backends are bit-identical, so this changes speed, never results."
  type        = string
  default     = "native"
}

variable "checkpoint_interval" {
  description = "Flink checkpoint interval. Kafka transactions and Iceberg commits complete on checkpoints, so this is also the end-to-end latency floor for read_committed consumers."
  type        = string
  default     = "30s"
}

variable "inference_parallelism" {
  description = "Parallelism of InferenceJob (<= prompts partitions to keep every subtask busy)."
  type        = number
  default     = 8
}

variable "inference_taskmanager" {
  description = "TaskManager size for InferenceJob. FHE is CPU and memory heavy: one slot per TaskManager with several cores is a good start."
  type = object({
    cpu    = number
    memory = string
    slots  = number
  })
  default = {
    cpu    = 8
    memory = "32g"
    slots  = 1
  }
}

variable "inference_cpu_node_selector" {
  description = "nodeSelector for CPU inference TaskManagers (e.g. nodes with AVX2), used when the GPU pool is disabled."
  type        = map(string)
  default     = {}
}

variable "inference_gpu" {
  description = "Run InferenceJob TaskManagers on a GPU node pool: nodeSelector, tolerations and nvidia.com/gpu limits (the NVIDIA device plugin must be installed)."
  type = object({
    enabled       = bool
    gpus_per_pod  = number
    node_selector = map(string)
    tolerations   = list(map(string))
  })
  default = {
    enabled       = false
    gpus_per_pod  = 1
    node_selector = { "nvidia.com/gpu.present" = "true" }
    tolerations   = [{ key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" }]
  }
}

variable "validation_parallelism" {
  description = "Parallelism of ValidationJob."
  type        = number
  default     = 2
}

variable "validation_taskmanager" {
  description = "TaskManager size for ValidationJob (decrypts canaries and replays receipts)."
  type = object({
    cpu    = number
    memory = string
    slots  = number
  })
  default = {
    cpu    = 4
    memory = "16g"
    slots  = 2
  }
}

variable "brain" {
  description = "The brain (0..1023) the validator scores and the settlement settles."
  type        = number
  default     = 0
}

variable "validator_id" {
  description = "The ValidationJob's registered validator uid (--validator-id)."
  type        = number
  default     = 0
}

variable "validation_replay_fraction" {
  description = "Fraction of receipts ValidationJob replays bit-exactly."
  type        = number
  default     = 0.01
}

variable "settlement_schedule" {
  description = "Cron schedule (UTC) of the per-epoch SettlementJob submission; match it to the epoch length."
  type        = string
  default     = "5 * * * *"
}

variable "settlement_parallelism" {
  description = "Parallelism of the batch SettlementJob."
  type        = number
  default     = 2
}

variable "jobmanager_resources" {
  description = "JobManager size for every Flink cluster."
  type = object({
    cpu    = number
    memory = string
  })
  default = {
    cpu    = 1
    memory = "2g"
  }
}
