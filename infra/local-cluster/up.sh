#!/usr/bin/env bash
# Starts a local cluster of real processes: PostgreSQL (the Iceberg JDBC catalog), a KRaft Kafka
# broker, a Flink JobManager (standalone session) and two TaskManagers. Idempotent: what runs is
# left running. State, logs and PIDs in --dir (default target/local-cluster). See README.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mkdir -p "$dir"/{pids,logs,conf,kafka} "$shared"/{blobs,checkpoints,savepoints,warehouse}
cd "$root"

# --- classpaths, from Maven artifacts (flink-dist is not on Maven Central) ---
for p in flink kafka; do
  if [ ! -s "$dir/classpath-$p.txt" ] || [ "$here/classpaths.pom.xml" -nt "$dir/classpath-$p.txt" ]; then
    mvn -B -ntp -o -q -f "$here/classpaths.pom.xml" -P "$p" dependency:build-classpath \
      -Dmdep.outputFile="$dir/classpath-$p.txt" >"$dir/logs/mvn-$p.log" 2>&1 \
      || { echo "up: mvn dependency:build-classpath -P $p failed, see $dir/logs/mvn-$p.log" >&2; exit 1; }
  fi
done
flink_cp="$(cat "$dir/classpath-flink.txt")"
kafka_cp="$(cat "$dir/classpath-kafka.txt")"

wait_port() { # name port seconds
  for _ in $(seq 1 $(( $3 * 2 ))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    alive "$1" || { echo "up: $1 died, see $dir/logs/$1.log" >&2; tail -20 "$dir/logs/$1.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "up: $1 not listening on $2 after $3 s, see $dir/logs/$1.log" >&2; exit 1
}
start() { # name command...
  local name="$1"; shift
  if alive "$name"; then echo "up: $name already running (pid $(cat "$dir/pids/$name.pid"))"; return 1; fi
  nohup "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name.pid"
  echo "up: $name started (pid $!)"
}

# --- PostgreSQL: the Iceberg JDBC catalog every process shares ---
pg="$dir/postgres"
if [ ! -f "$pg/data/PG_VERSION" ]; then
  mkdir -p "$pg/data" "$pg/sock"; [ "$(id -u)" = 0 ] && chown -R postgres "$pg"
  as_pg initdb -D "$pg/data" -U postgres --auth=trust -E UTF8 >"$dir/logs/initdb.log" 2>&1
fi
if start postgres runuser -u postgres -- postgres -D "$pg/data" -p "$ZK_PG_PORT" -h 127.0.0.1 -k "$pg/sock" 2>/dev/null \
   || { [ "$(id -u)" != 0 ] && start postgres postgres -D "$pg/data" -p "$ZK_PG_PORT" -h 127.0.0.1 -k "$pg/sock"; }; then
  wait_port postgres "$ZK_PG_PORT" 30
fi
for _ in $(seq 1 20); do psql -h 127.0.0.1 -p "$ZK_PG_PORT" -U postgres -Atc 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
if [ "$(psql -h 127.0.0.1 -p "$ZK_PG_PORT" -U postgres -Atc "select 1 from pg_database where datname='iceberg'")" != 1 ]; then
  psql -h 127.0.0.1 -p "$ZK_PG_PORT" -U postgres -qc 'create database iceberg'
fi

# --- Kafka: one KRaft broker+controller ---
cat >"$dir/kafka/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$ZK_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$ZK_KAFKA_PORT,CONTROLLER://127.0.0.1:$ZK_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$ZK_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/kafka/log
num.partitions=2
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
message.max.bytes=67108864
replica.fetch.max.bytes=67108864
auto.create.topics.enable=false
PROPS
cat >"$dir/conf/log4j2.properties" <<'PROPS'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = File
appender.file.type = File
appender.file.name = File
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.kafkacore.name = kafka
logger.kafkacore.level = WARN
PROPS
log4j() { echo "-Dlog4j.configurationFile=$dir/conf/log4j2.properties -Dlog.file=$dir/logs/$1.log"; }
if [ ! -f "$dir/kafka/log/meta.properties" ]; then
  java -cp "$kafka_cp" $(log4j kafka-format) kafka.tools.StorageTool format --ignore-formatted \
    -t "$(java -cp "$kafka_cp" kafka.tools.StorageTool random-uuid)" -c "$dir/kafka/server.properties" \
    >"$dir/logs/kafka-format.out" 2>&1 || { cat "$dir/logs/kafka-format.out" >&2; exit 1; }
fi
if start kafka java -Xmx1g $(log4j kafka) -cp "$kafka_cp" kafka.Kafka "$dir/kafka/server.properties"; then
  wait_port kafka "$ZK_KAFKA_PORT" 60
fi
# topics (idempotent): the shaded job jar carries kafka-clients, a single-file program creates them
echo "$root/jobs/target/zkllm-jobs-flink.jar:$kafka_cp" >"$dir/classpath-tools.txt"
java -cp "$(cat "$dir/classpath-tools.txt")" $(log4j tools) "$here/tools/Topics.java" "$bootstrap" 2 67108864 \
  zkllm.prompts zkllm.responses zkllm.receipts zkllm.dead-letters

# --- Flink: a standalone session cluster ---
cat >"$dir/conf/config.yaml" <<YAML
jobmanager.rpc.address: 127.0.0.1
jobmanager.bind-host: 127.0.0.1
jobmanager.rpc.port: $ZK_JM_RPC_PORT
jobmanager.memory.process.size: 1024m
blob.server.port: $ZK_BLOB_PORT
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $ZK_REST_PORT
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.rpc.port: 0
taskmanager.numberOfTaskSlots: 2
taskmanager.memory.process.size: 4096m
taskmanager.memory.managed.fraction: 0.05
# user code's direct memory: Kafka clients read the ~16 MB rounds through NIO, whose temporary direct
# buffers would otherwise crowd out the batch shuffle's pool (the SettlementJob's SQL reads: OOM)
taskmanager.memory.task.off-heap.size: 512m
taskmanager.load-balance.mode: SLOTS
parallelism.default: 2
# a lost TaskManager is noticed within seconds, not the default 50 s
heartbeat.interval: 1000
heartbeat.timeout: 6000
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 10
restart-strategy.fixed-delay.delay: 1 s
execution.checkpointing.storage: filesystem
execution.checkpointing.dir: file://$shared/checkpoints
execution.checkpointing.savepoint-dir: file://$shared/savepoints
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
env.java.opts.all: $opens -Djdk.nio.maxCachedBufferSize=1048576
YAML
# The memory flags flink's own scripts compute (BashJavaUtils): JVM options, then dynamic properties.
resource_params() { # GET_JM_RESOURCE_PARAMS | GET_TM_RESOURCE_PARAMS
  java -cp "$flink_cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$dir/conf" 2>/dev/null \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}
flink_java() { # name main kind args...
  local name="$1" main="$2" kind="$3"; shift 3
  local params jvm dyn
  params="$(resource_params "$kind")"
  jvm="$(sed -n 1p <<<"$params")"; dyn="$(sed -n 2p <<<"$params")"
  [ -n "$jvm" ] || { echo "up: BashJavaUtils $kind gave nothing" >&2; exit 1; }
  # shellcheck disable=SC2086  # word splitting of the flag lists is intended
  start "$name" java $jvm $opens $(log4j "$name") -cp "$flink_cp" "$main" --configDir "$dir/conf" $dyn "$@"
}
flink_java jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS || true
wait_port jobmanager "$ZK_REST_PORT" 90
for tm in taskmanager-1 taskmanager-2; do
  flink_java "$tm" org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS -D taskmanager.resource-id="$tm" || true
done
# ready when both TaskManagers have registered
for _ in $(seq 1 120); do
  n="$(curl -sf "http://127.0.0.1:$ZK_REST_PORT/taskmanagers" | grep -o '"id":"taskmanager-[12]"' | wc -l || true)"
  [ "$n" = 2 ] && break
  for tm in taskmanager-1 taskmanager-2; do alive "$tm" || { echo "up: $tm died, see $dir/logs/$tm.log" >&2; exit 1; }; done
  sleep 1
done
[ "$n" = 2 ] || { echo "up: the TaskManagers did not register within 120 s" >&2; exit 1; }

cat >"$dir/env" <<ENV
# source me: the cluster's addresses (written by up.sh)
ZK_DIR=$dir
ZK_BOOTSTRAP=$bootstrap
ZK_REST=http://127.0.0.1:$ZK_REST_PORT
ZK_BLOBS=$shared/blobs
ZK_CATALOG="${catalog_props[*]}"
ENV
echo "up: ready. Flink http://127.0.0.1:$ZK_REST_PORT, Kafka $bootstrap, catalog jdbc:postgresql://127.0.0.1:$ZK_PG_PORT/iceberg, state $dir"
