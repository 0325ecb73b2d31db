# Iceberg REST catalog over the warehouse/ prefix. Jobs and Flink SQL use
#   'type'='iceberg', 'catalog-type'='rest', 'uri'=<catalog_uri>, 'warehouse'=<warehouse_uri>
# and read/write data files directly in object storage (S3FileIO).

locals {
  iceberg_labels = merge(local.common_labels, { "app.kubernetes.io/name" = "iceberg-rest" })

  # The REST fixture maps CATALOG_* env vars to catalog properties ("__" -> "-", "_" -> ".").
  iceberg_env = merge(
    {
      CATALOG_URI                    = var.iceberg_catalog_jdbc_uri
      CATALOG_WAREHOUSE              = local.warehouse_uri
      CATALOG_IO__IMPL               = "org.apache.iceberg.aws.s3.S3FileIO"
      CATALOG_S3_PATH__STYLE__ACCESS = tostring(local.s3_path_style)
      AWS_REGION                     = var.aws_region
    },
    local.s3_endpoint == "" ? {} : { CATALOG_S3_ENDPOINT = local.s3_endpoint },
  )
}

resource "kubernetes_service_account_v1" "iceberg_rest" {
  metadata {
    name        = "iceberg-rest"
    namespace   = local.ns
    labels      = local.iceberg_labels
    annotations = var.s3_irsa_role_arn == "" ? {} : { "eks.amazonaws.com/role-arn" = var.s3_irsa_role_arn }
  }
}

resource "kubernetes_persistent_volume_claim_v1" "iceberg_rest" {
  metadata {
    name      = "iceberg-rest-catalog"
    namespace = local.ns
    labels    = local.iceberg_labels
  }
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = var.storage_class
    resources {
      requests = { storage = "5Gi" }
    }
  }
  wait_until_bound = false # WaitForFirstConsumer classes bind only once the pod is scheduled
}

resource "kubernetes_deployment_v1" "iceberg_rest" {
  metadata {
    name      = "iceberg-rest"
    namespace = local.ns
    labels    = local.iceberg_labels
  }

  spec {
    replicas = 1 # SQLite backend: a single writer. Use a PostgreSQL JDBC URI to scale out.
    selector {
      match_labels = { "app.kubernetes.io/name" = "iceberg-rest" }
    }
    strategy {
      type = "Recreate"
    }

    template {
      metadata {
        labels = local.iceberg_labels
      }
      spec {
        service_account_name = kubernetes_service_account_v1.iceberg_rest.metadata[0].name
        security_context {
          fs_group = 1000
        }

        container {
          name  = "iceberg-rest"
          image = var.iceberg_rest_image

          port {
            name           = "http"
            container_port = 8181
          }

          dynamic "env" {
            for_each = local.iceberg_env
            content {
              name  = env.key
              value = env.value
            }
          }

          dynamic "env" {
            for_each = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
            content {
              name = env.value
              value_from {
                secret_key_ref {
                  name     = local.object_store_secret
                  key      = env.value
                  optional = true
                }
              }
            }
          }

          readiness_probe {
            http_get {
              path = "/v1/config"
              port = "http"
            }
            period_seconds = 10
          }

          resources {
            requests = { cpu = "250m", memory = "1Gi" }
            limits   = { memory = "1Gi" }
          }

          volume_mount {
            name       = "catalog"
            mount_path = "/var/lib/iceberg-catalog"
          }
        }

        volume {
          name = "catalog"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.iceberg_rest.metadata[0].name
          }
        }
      }
    }
  }

  depends_on = [helm_release.minio, module.s3_bucket, kubernetes_secret_v1.object_store]
}

resource "kubernetes_service_v1" "iceberg_rest" {
  metadata {
    name      = "iceberg-rest"
    namespace = local.ns
    labels    = local.iceberg_labels
  }
  spec {
    selector = { "app.kubernetes.io/name" = "iceberg-rest" }
    port {
      name        = "http"
      port        = 8181
      target_port = "http"
    }
  }
}
