# Kafka on Kubernetes with the Strimzi operator, KRaft mode (no ZooKeeper): one pool of
# dedicated controllers, one pool of brokers, and the five zkLLM topics as KafkaTopic resources.

resource "helm_release" "strimzi" {
  name       = "strimzi"
  namespace  = kubernetes_namespace_v1.operators.metadata[0].name
  repository = "https://strimzi.io/charts/"
  chart      = "strimzi-kafka-operator"
  version    = var.strimzi_chart_version

  values = [yamlencode({
    watchNamespaces = [local.ns] # the operator gets RBAC in the workload namespace only
  })]
}

locals {
  kafka_node_pools = {
    controllers = {
      replicas  = var.kafka_controller_replicas
      roles     = ["controller"]
      size      = "20Gi"
      resources = { requests = { cpu = "500m", memory = "2Gi" }, limits = { memory = "2Gi" } }
    }
    brokers = {
      replicas = var.kafka_broker_replicas
      roles    = ["broker"]
      size     = var.kafka_broker_storage_size
      resources = {
        requests = { cpu = var.kafka_broker_resources.cpu, memory = var.kafka_broker_resources.memory }
        limits   = { memory = var.kafka_broker_resources.memory }
      }
    }
  }
}

resource "kubernetes_manifest" "kafka_node_pool" {
  for_each = local.kafka_node_pools

  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaNodePool"
    metadata = {
      name      = each.key
      namespace = local.ns
      labels    = merge(local.common_labels, { "strimzi.io/cluster" = var.kafka_cluster_name })
    }
    spec = {
      replicas  = each.value.replicas
      roles     = each.value.roles
      resources = each.value.resources
      storage = {
        type = "jbod"
        volumes = [merge(
          {
            id            = 0
            type          = "persistent-claim"
            size          = each.value.size
            deleteClaim   = false
            kraftMetadata = "shared" # the KRaft metadata log lives on this volume
          },
          var.storage_class == null ? {} : { class = var.storage_class },
        )]
      }
    }
  }

  depends_on = [helm_release.strimzi]
}

resource "kubernetes_manifest" "kafka" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "Kafka"
    metadata = {
      name      = var.kafka_cluster_name
      namespace = local.ns
      labels    = local.common_labels
      annotations = {
        "strimzi.io/node-pools" = "enabled"
        "strimzi.io/kraft"      = "enabled"
      }
    }
    spec = {
      kafka = {
        version         = var.kafka_version
        metadataVersion = var.kafka_metadata_version
        listeners = [
          { name = "plain", port = 9092, type = "internal", tls = false },
          { name = "tls", port = 9093, type = "internal", tls = true },
        ]
        config = {
          # Durability: acks=all producers (Flink's transactional sink) survive one broker loss.
          "default.replication.factor"     = local.kafka_rf
          "min.insync.replicas"            = local.kafka_min_isr
          "unclean.leader.election.enable" = false
          "auto.create.topics.enable"      = false

          # Exactly-once: transaction coordinator state replicated like the data; Flink keeps a
          # transaction open for a whole checkpoint interval, so allow long transactions.
          "offsets.topic.replication.factor"         = local.kafka_rf
          "transaction.state.log.replication.factor" = local.kafka_rf
          "transaction.state.log.min.isr"            = local.kafka_min_isr
          "transaction.max.timeout.ms"               = var.kafka_transaction_max_timeout_ms

          # Ciphertexts are large: brokers must accept and replicate the largest topic limit.
          "message.max.bytes"        = local.kafka_max_message
          "replica.fetch.max.bytes"  = local.kafka_max_message
          "socket.request.max.bytes" = max(104857600, 2 * local.kafka_max_message)
        }
      }
      entityOperator = {
        topicOperator = {}
        userOperator  = {}
      }
    }
  }

  wait {
    condition {
      type   = "Ready"
      status = "True"
    }
  }

  timeouts {
    create = "30m"
    update = "30m"
  }

  depends_on = [kubernetes_manifest.kafka_node_pool]
}

locals {
  hour = 3600000
  kafka_topics = {
    # Encrypted prompts: short-lived, the client resends on timeout (request_id idempotency).
    prompts = {
      max_bytes = var.kafka_ciphertext_max_message_bytes
      config    = { "cleanup.policy" = "delete", "retention.ms" = 24 * local.hour }
    }
    responses = {
      max_bytes = var.kafka_ciphertext_max_message_bytes
      config    = { "cleanup.policy" = "delete", "retention.ms" = 24 * local.hour }
    }
    # Receipts are replayed by validators and scored per epoch: keep them a week.
    receipts = {
      max_bytes = var.kafka_small_max_message_bytes
      config    = { "cleanup.policy" = "delete", "retention.ms" = 7 * 24 * local.hour }
    }
    # Dead letters may carry a whole ciphertext; two weeks for investigation.
    dead-letters = {
      max_bytes = var.kafka_ciphertext_max_message_bytes
      config    = { "cleanup.policy" = "delete", "retention.ms" = 14 * 24 * local.hour }
    }
    # Registrations (miners, validators, brains) are state keyed by id: compacted, kept forever.
    registrations = {
      max_bytes = var.kafka_small_max_message_bytes
      config    = { "cleanup.policy" = "compact", "retention.ms" = -1, "min.compaction.lag.ms" = local.hour }
    }
  }
}

resource "kubernetes_manifest" "kafka_topic" {
  for_each = local.kafka_topics

  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaTopic"
    metadata = {
      name      = each.key
      namespace = local.ns
      labels    = merge(local.common_labels, { "strimzi.io/cluster" = var.kafka_cluster_name })
    }
    spec = {
      topicName  = local.topic[each.key]
      partitions = var.kafka_topic_partitions[each.key]
      replicas   = local.kafka_rf
      config = merge(each.value.config, {
        "max.message.bytes"   = each.value.max_bytes
        "min.insync.replicas" = local.kafka_min_isr
        # Ciphertexts are incompressible; keep whatever the producer sends.
        "compression.type" = "producer"
      })
    }
  }

  depends_on = [kubernetes_manifest.kafka]
}
