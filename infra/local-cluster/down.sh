#!/usr/bin/env bash
# Stops what up.sh started (by recorded PID) and removes its folder. Idempotent.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for name in taskmanager-2 taskmanager-1 jobmanager kafka postgres; do
  f="$dir/pids/$name.pid"
  [ -f "$f" ] || continue
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    echo "down: $name (pid $pid) stopped"
  fi
  rm -f "$f"
done
case "${args[0]:-}" in
  --keep) echo "down: kept $dir" ;;
  *) rm -rf "$dir"; echo "down: removed $dir" ;;
esac
