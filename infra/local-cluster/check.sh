#!/usr/bin/env bash
# The whole real-cluster check in one command (slow: ~4 min; not part of .ci/run or the Maven build):
# up -> flink run (InferenceJob) -> chat -> TaskManager kill -9 mid-chat -> counts by request id ->
# settle-epoch + sql on the shared JDBC catalog -> TaskManager back -> flink run (ValidationJob) ->
# scores of a closed epoch -> flink run (SettlementJob, latest-closed) -> sql reads its rewards -> down. Prints PASS/FAIL per check; exit 1 on a FAIL.
#   infra/local-cluster/check.sh [--dir DIR] [--keep]    (--keep: leave the cluster up afterwards)
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
keep=false; [ "${args[0]:-}" = --keep ] && keep=true
cd "$root"
fails=0
result() { # name ok detail
  if [ "$2" = 0 ]; then echo "PASS  $1${3:+  ($3)}"; else echo "FAIL  $1${3:+  ($3)}"; fails=$((fails + 1)); fi
}
log="$dir/check"; mkdir -p "$log"
step() { echo "--- $*" >&2; }

jar=jobs/target/zkllm-jobs-flink.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path '*/target' -prune -o \( -path '*/src/*' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
  step "building (mvn -o package -pl jobs -am -DskipTests)"
  mvn -B -ntp -o -q package -pl jobs -am -DskipTests >"$log/build.log" 2>&1 || { echo "FAIL  build (see $log/build.log)"; exit 1; }
fi

step "up"
"$here/up.sh" --dir "$dir" >"$log/up.log" 2>&1; rc=$?
result "cluster up: postgres, kafka, jobmanager, 2 taskmanagers" $rc "$(tail -1 "$log/up.log")"
[ $rc = 0 ] || { cat "$log/up.log"; exit 1; }
cp_tools="$(cat "$dir/classpath-tools.txt")"
tool() { java -cp "$cp_tools" -Dlog4j.configurationFile="$dir/conf/log4j2.properties" -Dlog.file="$dir/logs/tools.log" "$here/tools/$1.java" "${@:2}"; }
rest="http://127.0.0.1:$ZK_REST_PORT"

# miner uid 1 reads its own prompts topic (docs/validation.md routing), so the validator's pattern sees it
prompts=zkllm.prompts.1
tool Topics "$bootstrap" 2 67108864 "$prompts" zkllm.canaries.0 >"$log/topics.log" 2>&1
t0=$(date +%s%3N)
step "flink run InferenceJob"
"$here/flink.sh" --dir "$dir" run -d -c ai.zkllm.jobs.InferenceJob "$jar" \
  --bootstrap-servers "$bootstrap" --blob-store "file://$shared/blobs/" --parallelism 2 --workers 1 \
  --checkpoint-interval-ms 500 --miner-id 1 --transactional-id-prefix miner-1 --prompts-topic "$prompts" \
  --max-message-bytes 67108864 >"$log/flink-run.log" 2>&1
job="$(sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' "$log/flink-run.log")"
state() { curl -sf "$rest/jobs/${1:-$job}" | sed -n 's/^{"jid":"[0-9a-f]*","name":"[^"]*","isStoppable":[a-z]*,"state":"\([A-Z]*\)".*/\1/p'; }
# subtasks RUNNING / all subtasks (one job on the cluster then); a region failover keeps the job RUNNING
running_tasks() { curl -sf "$rest/jobs/overview" | sed -n 's/.*"tasks":{"running":\([0-9]*\).*/\1/p'; }
total_tasks() { curl -sf "$rest/jobs/overview" | sed -n 's/.*"total":\([0-9]*\).*/\1/p'; }
free_slots() { curl -sf "$rest/taskmanagers/$1" | sed -n 's/.*"freeSlots":\([0-9]*\).*/\1/p'; }
for _ in $(seq 1 60); do [ "$(state)" = RUNNING ] && break; sleep 1; done
result "flink run -d (CliFrontend) InferenceJob" $([ "$(state)" = RUNNING ]; echo $?) "job $job $(state)"

chat() { ./zkllm chat --brain 3 --prompts-topic "$prompts" --bootstrap-servers "$bootstrap" --blob-store "$shared/blobs" --key "$dir/keys/default.sk" "$@"; }
mkdir -p "$dir/keys"
[ -f "$dir/keys/default.sk" ] || ./zkllm keys new --out "$dir/keys/default.sk" >"$log/keys.log" 2>&1
step "chat (1 token)"
chat --tokens 1 "the cat sat on" >"$log/chat-1.log" 2>&1; rc=$?
result "zkllm chat answered by the cluster" $rc "$(grep -m1 's/token' "$log/chat-1.log")"

step "chat (2 tokens) with a TaskManager killed mid-stream"
chat --tokens 2 --seed 7 "once upon a time" >"$log/chat-2.log" 2>&1 &
chat_pid=$!
sleep 8
# the victim: a TaskManager that runs subtasks (taskmanager.load-balance.mode: SLOTS spreads them)
victim=taskmanager-1; [ "$(free_slots taskmanager-1)" -gt "$(free_slots taskmanager-2)" ] && victim=taskmanager-2
held=$(( 2 - $(free_slots "$victim") )); total=$(total_tasks)
tm_pid="$(cat "$dir/pids/$victim.pid")"
kill_ms=$(date +%s%3N)
kill -9 "$tm_pid"
echo "killed $victim (pid $tm_pid, $held of its 2 slots in use) at $kill_ms" >"$log/kill.log"
# recovery: some subtasks leave RUNNING, then all of them RUNNING again (on the other TaskManager)
recovered_ms=""; disrupted_ms=""
for _ in $(seq 1 900); do
  n="$(running_tasks)"
  [ -z "$disrupted_ms" ] && [ "${n:-0}" -lt "$total" ] && disrupted_ms=$(date +%s%3N)
  if [ -n "$disrupted_ms" ] && [ "$n" = "$total" ]; then recovered_ms=$(date +%s%3N); break; fi
  sleep 0.2
done
if [ "$held" -gt 0 ] && [ -n "$recovered_ms" ]; then
  result "$victim (held $held slots) killed; job recovered on the other TaskManager" 0 \
    "failure noticed after $((disrupted_ms - kill_ms)) ms; all $total subtasks RUNNING again $((recovered_ms - kill_ms)) ms after kill -9"
else
  result "$victim (held $held slots) killed; job recovered on the other TaskManager" 1 \
    "running $(running_tasks)/$total; disruption seen at ${disrupted_ms:-never}"
fi
wait $chat_pid; rc=$?
result "chat started before the kill completes" $rc "$(grep -m1 's/token' "$log/chat-2.log")"

step "counts by request id (read_committed)"
tool Count "$bootstrap" "$kill_ms" "$prompts" >"$log/count.log" 2>&1; rc=$?
result "every prompt: answered (at least once), one receipt, no dead letter" $rc "$(head -2 "$log/count.log" | tr '\n' ' ')"
grep -q first-response-after-kill-ms "$log/count.log" && echo "      $(grep first-response-after-kill-ms "$log/count.log")"

step "settle-epoch + sql on the shared JDBC catalog"
T="CAST(TIMESTAMP '2026-11-25 09:00:00' AS TIMESTAMP_LTZ(6))"
zsql() { ./zkllm sql "${catalog_props[@]}" "$@" 2>&1 | grep -v 'WARN'; }
{
  zsql --allow-writes "INSERT INTO zkllm.network.registrations VALUES
    (3, 'validator', 0, 'v0', CAST('5000000000000000000000' AS DECIMAL(38,0)), $T, 'accepted', CAST(NULL AS STRING)),
    (3, 'miner', 1, 'miner-1', CAST('0' AS DECIMAL(38,0)), $T, 'accepted', CAST(NULL AS STRING))"
  zsql --allow-writes "INSERT INTO zkllm.network.scores VALUES (3, 1, 0, 1, 1.0, 9.0, FALSE, 'local-cluster check', $T)"
  ./zkllm settle-epoch "${catalog_props[@]}" --brain 3 --epoch 1 2>&1 | grep -v WARN
} >"$log/settle.log"
zsql "SELECT role, id, amount FROM rewards WHERE brain = 3 AND epoch = 1 ORDER BY role, id" >"$log/sql.log"
rc=$(grep -q '^miner *1 *147600000000000000000' "$log/sql.log"; echo $?)
tables="$(psql -h 127.0.0.1 -p "$ZK_PG_PORT" -U postgres -d iceberg -Atc 'select count(*) from iceberg_tables' 2>/dev/null)"
result "settle-epoch + zkllm sql read rewards from the JDBC catalog" $rc "$(grep -c . "$log/sql.log") lines; $tables tables in PostgreSQL's iceberg_tables"
cat "$log/sql.log"

# --- the ValidationJob and the SettlementJob from the same shaded jar (Iceberg, Hadoop, Flink table: cluster classpath)
step "TaskManager back (up.sh again)"
"$here/up.sh" --dir "$dir" >"$log/up-2.log" 2>&1; rc=$?
result "killed TaskManager restarted by up.sh (4 slots again)" $rc "$(grep -c 'started' "$log/up-2.log") started"
# Epoch 0 of a 10-minute clock ends 5 s from now: it holds every round so far; a chat after its end
# plus the grace moves the validator's watermark past it, which closes it (scores written).
len=600000; grace=2000; origin=$(( $(date +%s%3N) + 5000 - len ))
clock=(--epoch-length-ms $len --epoch-origin-ms $origin --grace-ms $grace)
meta() { psql -h 127.0.0.1 -p "$ZK_PG_PORT" -U postgres -d iceberg -Atc "select metadata_location from iceberg_tables where table_name='scores'" 2>/dev/null; }
scores_before="$(meta)"
step "flink run ValidationJob"
"$here/flink.sh" --dir "$dir" run -d -c ai.zkllm.jobs.ValidationJob "$jar" \
  --bootstrap-servers "$bootstrap" --blob-store "file://$shared/blobs/" --brain 3 --validator-id 0 \
  --canary-rate 0 --replay-fraction 0.5 --checkpoint-interval-ms 1000 "${clock[@]}" "${catalog_props[@]}" \
  >"$log/flink-run-validation.log" 2>&1
vjob="$(sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' "$log/flink-run-validation.log")"
for _ in $(seq 1 60); do [ "$(state "$vjob")" = RUNNING ] && break; sleep 1; done
result "flink run -d ValidationJob (Iceberg scores sink, JDBC catalog)" $([ -n "$vjob" ] && [ "$(state "$vjob")" = RUNNING ]; echo $?) \
  "job ${vjob:-none} $( [ -n "$vjob" ] && state "$vjob")"
while [ "$(date +%s%3N)" -lt $(( origin + len + grace + 500 )) ]; do sleep 0.5; done
step "chat (1 token) after epoch 0's end: moves the watermark"
chat --tokens 1 "the dog ran to" >"$log/chat-3.log" 2>&1; rc=$?
result "chat after the epoch's end" $rc "$(grep -m1 's/token' "$log/chat-3.log")"
step "scores of brain 3 epoch 0 (ValidationJob)"
start_ms=$(date +%s%3N); found=1
for _ in $(seq 1 60); do
  if [ "$(meta)" != "$scores_before" ]; then
    zsql "SELECT validator, miner, score, weight, flagged_by_replay FROM scores WHERE brain = 3 AND epoch = 0" >"$log/scores.log"
    grep -q '^ *0 *1 ' "$log/scores.log" && { found=0; break; }
    scores_before="$(meta)"
  fi
  [ "$(state "$vjob")" = RUNNING ] || break
  sleep 5
done
result "ValidationJob wrote scores of the closed epoch 0 (replays, no canaries)" $found \
  "$(( ($(date +%s%3N) - start_ms) / 1000 )) s after the chat; $(grep -m1 '^ *0 *1 ' "$log/scores.log" 2>/dev/null | tr -s ' ')"
[ -f "$log/scores.log" ] && cat "$log/scores.log"
step "flink run SettlementJob --epoch latest-closed"
timeout 300 "$here/flink.sh" --dir "$dir" run -c ai.zkllm.jobs.SettlementJob "$jar" --brain 3 --epoch latest-closed \
  "${clock[@]}" "${catalog_props[@]}" >"$log/flink-run-settlement.log" 2>&1; rc=$?
settled="$(grep -m1 '^brain 3 epoch' "$log/flink-run-settlement.log")"
result "flink run SettlementJob (latest-closed = epoch 0)" $([ $rc = 0 ] && grep -q '^brain 3 epoch 0 revision 1 .*committed' "$log/flink-run-settlement.log"; echo $?) \
  "${settled:-$(grep -m1 -iE 'exception|error' "$log/flink-run-settlement.log")}"
zsql "SELECT role, id, amount FROM rewards WHERE brain = 3 AND epoch = 0 ORDER BY role, id" >"$log/sql-2.log"
# replays alone give no weight (the score is the canaries'), so the miner pool goes to the validators
rc=$(grep -q '^miner *1 ' "$log/sql-2.log" && grep -q '^validator *0 *[1-9][0-9]*' "$log/sql-2.log"; echo $?)
result "zkllm sql reads the SettlementJob's rewards of epoch 0" $rc "$(grep -E '^(miner|validator) ' "$log/sql-2.log" | tr -s ' ' | paste -sd';')"
cat "$log/sql-2.log"

if $keep; then echo "kept: $dir (down: infra/local-cluster/down.sh --dir $dir)"; else
  "$here/down.sh" --dir "$dir" >/dev/null 2>&1; rc=$?
  result "down: all processes stopped, $dir removed" $([ $rc = 0 ] && [ ! -e "$dir" ]; echo $?)
fi
echo "$([ $fails = 0 ] && echo PASS || echo "FAIL ($fails)")  local-cluster check"
[ $fails = 0 ]
