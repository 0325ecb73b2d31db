#!/usr/bin/env bash
# Flink's own CLI (org.apache.flink.client.cli.CliFrontend) against the local cluster:
#   infra/local-cluster/flink.sh [--dir DIR] run -d -c ai.zkllm.jobs.InferenceJob jobs/target/zkllm-jobs-flink.jar …
#   infra/local-cluster/flink.sh list | cancel JOBID | savepoint JOBID
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -f "$dir/conf/config.yaml" ] || { echo "flink.sh: no cluster in $dir (run up.sh first)" >&2; exit 2; }
export FLINK_CONF_DIR="$dir/conf"
# shellcheck disable=SC2086
exec java $opens -Dlog4j.configurationFile="$dir/conf/log4j2.properties" -Dlog.file="$dir/logs/flink-cli.log" \
  -cp "$(cat "$dir/classpath-flink.txt")" org.apache.flink.client.cli.CliFrontend "${args[@]}"
