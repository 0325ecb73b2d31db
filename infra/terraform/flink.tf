# Flink on Kubernetes with the Flink Kubernetes Operator. One FlinkDeployment per streaming job
# (application mode, so each job scales and upgrades on its own) and one session cluster that a
# CronJob submits the per-epoch batch SettlementJob to.

resource "helm_release" "flink_operator" {
  name       = "flink-kubernetes-operator"
  namespace  = kubernetes_namespace_v1.operators.metadata[0].name
  repository = "https://archive.apache.org/dist/flink/flink-kubernetes-operator-${var.flink_operator_chart_version}/"
  chart      = "flink-kubernetes-operator"
  version    = var.flink_operator_chart_version

  values = [yamlencode({
    watchNamespaces = [local.ns]
    # The admission webhook needs cert-manager; it only adds early validation, so it is off here.
    webhook = { create = false }
    # The chart creates the "flink" service account (and its RBAC) in every watched namespace.
    jobServiceAccount = {
      create      = true
      name        = "flink"
      annotations = var.s3_irsa_role_arn == "" ? {} : { "eks.amazonaws.com/role-arn" = var.s3_irsa_role_arn }
    }
  })]

  depends_on = [kubernetes_namespace_v1.zkllm]
}

locals {
  # Everything a Flink pod needs to reach object storage (checkpoints, HA, blobs, warehouse).
  flink_env = concat(
    [
      { name = "ENABLE_BUILT_IN_PLUGINS", value = var.flink_s3_plugin_jar },
      { name = "AWS_REGION", value = var.aws_region },
    ],
    [for k in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] : {
      name      = k
      valueFrom = { secretKeyRef = { name = local.object_store_secret, key = k, optional = true } }
    }],
  )

  flink_conf = merge(
    {
      # Exactly once: Kafka transactions and Iceberg commits are bound to checkpoints.
      "execution.checkpointing.interval"                          = var.checkpoint_interval
      "execution.checkpointing.mode"                              = "EXACTLY_ONCE"
      "execution.checkpointing.min-pause"                         = "10s"
      "execution.checkpointing.timeout"                           = "10min"
      "execution.checkpointing.tolerable-failed-checkpoints"      = "3"
      "execution.checkpointing.externalized-checkpoint-retention" = "RETAIN_ON_CANCELLATION"
      "state.backend.type"                                        = "rocksdb"
      "state.backend.incremental"                                 = "true"
      # Kubernetes HA lets upgradeMode=last-state resume from the latest checkpoint.
      "high-availability.type" = "kubernetes"
      "restart-strategy.type"  = "exponential-delay"
      "s3.path.style.access"   = tostring(local.s3_path_style)
    },
    local.s3_endpoint == "" ? {} : { "s3.endpoint" = local.s3_endpoint },
  )

  # Per cluster: TaskManager size and placement. Same shape for all three so one code path
  # builds every spec below.
  flink_clusters = {
    inference = {
      parallelism   = var.inference_parallelism
      taskmanager   = var.inference_taskmanager
      env           = [{ name = "ZKLLM_FHE_BACKEND", value = var.fhe_backend }]
      node_selector = var.inference_gpu.enabled ? var.inference_gpu.node_selector : var.inference_cpu_node_selector
      tolerations   = var.inference_gpu.enabled ? var.inference_gpu.tolerations : []
      extra_limits  = var.inference_gpu.enabled ? { "nvidia.com/gpu" = tostring(var.inference_gpu.gpus_per_pod) } : {}
    }
    validation = {
      parallelism   = var.validation_parallelism
      taskmanager   = var.validation_taskmanager
      env           = [{ name = "ZKLLM_FHE_BACKEND", value = var.fhe_backend }]
      node_selector = {}
      tolerations   = []
      extra_limits  = {}
    }
    settlement = {
      parallelism   = var.settlement_parallelism
      taskmanager   = { cpu = 2, memory = "8g", slots = 2 }
      env           = []
      node_selector = {}
      tolerations   = []
      extra_limits  = {}
    }
  }

  flink_spec = { for name, c in local.flink_clusters : name => {
    image           = var.zkllm_image
    imagePullPolicy = "IfNotPresent"
    flinkVersion    = var.flink_version
    serviceAccount  = "flink"
    flinkConfiguration = merge(local.flink_conf, {
      "taskmanager.numberOfTaskSlots" = tostring(c.taskmanager.slots)
      "state.checkpoints.dir"         = "${local.flink_uri}/checkpoints/${name}"
      "state.savepoints.dir"          = "${local.flink_uri}/savepoints/${name}"
      "high-availability.storageDir"  = "${local.flink_uri}/ha/${name}"
    })
    jobManager = {
      replicas = 1
      resource = { cpu = var.jobmanager_resources.cpu, memory = var.jobmanager_resources.memory }
      podTemplate = {
        apiVersion = "v1"
        kind       = "Pod"
        metadata   = { labels = merge(local.common_labels, { "zkllm.ai/job" = name }) }
        spec = {
          containers = [{ name = "flink-main-container", env = concat(local.flink_env, c.env) }]
        }
      }
    }
    taskManager = {
      # cpu/memory come from here; Flink overwrites those in the pod template but keeps other
      # resources, which is how nvidia.com/gpu reaches the TaskManager pods.
      resource = { cpu = c.taskmanager.cpu, memory = c.taskmanager.memory }
      podTemplate = {
        apiVersion = "v1"
        kind       = "Pod"
        metadata   = { labels = merge(local.common_labels, { "zkllm.ai/job" = name }) }
        spec = {
          nodeSelector = c.node_selector
          tolerations  = c.tolerations
          containers = [{
            name      = "flink-main-container"
            env       = concat(local.flink_env, c.env)
            resources = { limits = c.extra_limits }
          }]
        }
      }
    }
  } }
}

# --- Streaming jobs: InferenceJob (miners) and ValidationJob (validators) ---------------------

resource "kubernetes_manifest" "flink_job" {
  for_each = toset(["inference", "validation"])

  manifest = {
    apiVersion = "flink.apache.org/v1beta1"
    kind       = "FlinkDeployment"
    metadata = {
      name      = "zkllm-${each.key}"
      namespace = local.ns
      labels    = local.common_labels
    }
    spec = merge(local.flink_spec[each.key], {
      job = {
        jarURI      = var.zkllm_jar_uri
        entryClass  = var.job_entry_classes[each.key]
        args        = local.job_args[each.key]
        parallelism = local.flink_clusters[each.key].parallelism
        upgradeMode = "last-state" # resume from the latest checkpoint on spec changes
        state       = "running"
      }
    })
  }

  depends_on = [
    helm_release.flink_operator,
    kubernetes_manifest.kafka_topic,
    kubernetes_service_v1.iceberg_rest,
    kubernetes_secret_v1.object_store,
  ]
}

# --- SettlementJob: batch, once per epoch ---------------------------------------------------
# A session cluster (JobManager only while idle; TaskManagers are started per job and released
# afterwards) plus a CronJob that submits the batch job to it and waits for the result, so the
# Kubernetes Job succeeds or fails with the settlement.

resource "kubernetes_manifest" "settlement_session" {
  manifest = {
    apiVersion = "flink.apache.org/v1beta1"
    kind       = "FlinkDeployment"
    metadata = {
      name      = "zkllm-settlement"
      namespace = local.ns
      labels    = local.common_labels
    }
    spec = local.flink_spec["settlement"] # no `job`: session mode
  }

  depends_on = [helm_release.flink_operator, kubernetes_service_v1.iceberg_rest, kubernetes_secret_v1.object_store]
}

resource "kubernetes_cron_job_v1" "settlement" {
  metadata {
    name      = "zkllm-settlement"
    namespace = local.ns
    labels    = local.common_labels
  }

  spec {
    schedule                      = var.settlement_schedule
    concurrency_policy            = "Forbid" # one epoch at a time; the job itself is idempotent per epoch
    starting_deadline_seconds     = 600
    successful_jobs_history_limit = 3
    failed_jobs_history_limit     = 5

    job_template {
      metadata {
        labels = local.common_labels
      }
      spec {
        backoff_limit = 3
        template {
          metadata {
            labels = merge(local.common_labels, { "zkllm.ai/job" = "settlement-submit" })
          }
          spec {
            restart_policy = "Never"
            container {
              name  = "submit"
              image = var.zkllm_image
              command = concat(
                [
                  "/opt/flink/bin/flink", "run",
                  "-m", "zkllm-settlement-rest.${local.ns}.svc:8081",
                  "-Dexecution.runtime-mode=BATCH",
                  "-p", tostring(var.settlement_parallelism),
                  "-c", var.job_entry_classes["settlement"],
                  trimprefix(var.zkllm_jar_uri, "local://"),
                ],
                local.job_args["settlement"],
              )
              resources {
                requests = { cpu = "250m", memory = "512Mi" }
                limits   = { memory = "1Gi" }
              }
            }
          }
        }
      }
    }
  }

  depends_on = [kubernetes_manifest.settlement_session]
}
