# Object storage for blobs/ (evaluation keys, squeezed models), flink/ (checkpoints, savepoints,
# HA metadata) and warehouse/ (Iceberg). Either an AWS S3 bucket or MinIO in the cluster.

module "s3_bucket" {
  source = "./modules/s3-bucket"
  count  = var.object_store == "s3" ? 1 : 0

  bucket_name = var.bucket_name
  kms_key_arn = var.s3_kms_key_arn
}

# --- MinIO (on-prem) ---------------------------------------------------------------------------

resource "random_password" "minio_root" {
  count   = var.object_store == "minio" ? 1 : 0
  length  = 32
  special = false
}

resource "random_password" "minio_app" {
  count   = var.object_store == "minio" ? 1 : 0
  length  = 40
  special = false
}

resource "helm_release" "minio" {
  count      = var.object_store == "minio" ? 1 : 0
  name       = "minio"
  namespace  = local.ns
  repository = "https://charts.min.io/"
  chart      = "minio"
  version    = var.minio_chart_version

  values = [yamlencode({
    fullnameOverride = "minio" # service: minio.<ns>.svc:9000
    mode             = var.minio_mode
    replicas         = var.minio_mode == "distributed" ? var.minio_replicas : 1
    rootUser         = "zkllm-root"
    rootPassword     = random_password.minio_root[0].result
    persistence = merge(
      { enabled = true, size = var.minio_volume_size },
      var.storage_class == null ? {} : { storageClass = var.storage_class },
    )
    resources = { requests = { cpu = "1", memory = "4Gi" } } # the chart's default asks for 16Gi
    buckets   = [{ name = var.bucket_name, policy = "none", purge = false }]
    # The jobs and the catalog use an application user, not the root account.
    users = [{ accessKey = "zkllm", secretKey = random_password.minio_app[0].result, policy = "readwrite" }]
  })]
}

# --- Credentials seen by Flink pods and the catalog --------------------------------------------

locals {
  minio_enabled      = var.object_store == "minio"
  object_store_keyed = local.minio_enabled || var.s3_access_key_id != ""
}

resource "kubernetes_secret_v1" "object_store" {
  # With object_store = "s3" and no static keys (IRSA), no secret is created; pods reference it
  # as optional and fall back to the web-identity / node credentials.
  count = local.object_store_keyed ? 1 : 0

  metadata {
    name      = local.object_store_secret
    namespace = local.ns
    labels    = local.common_labels
  }

  data = {
    AWS_ACCESS_KEY_ID     = local.minio_enabled ? "zkllm" : var.s3_access_key_id
    AWS_SECRET_ACCESS_KEY = local.minio_enabled ? random_password.minio_app[0].result : var.s3_secret_access_key
  }
}
