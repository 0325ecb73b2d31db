# Shared by up.sh, down.sh and check.sh: where the cluster lives and on which ports.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/infra/local-cluster"
dir="$root/target/local-cluster"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --dir=*) dir="${1#--dir=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
: "${ZK_REST_PORT:=18081}" "${ZK_JM_RPC_PORT:=16123}" "${ZK_BLOB_PORT:=16124}"
: "${ZK_KAFKA_PORT:=19092}" "${ZK_KAFKA_CONTROLLER_PORT:=19093}" "${ZK_PG_PORT:=15432}"
shared="$dir/shared"
bootstrap="127.0.0.1:$ZK_KAFKA_PORT"
catalog_props=(--catalog-property type=jdbc
               --catalog-property "uri=jdbc:postgresql://127.0.0.1:$ZK_PG_PORT/iceberg"
               --catalog-property jdbc.user=postgres
               --catalog-property jdbc.schema-version=V1
               --warehouse "file:$shared/warehouse")
opens="$(sed -n 's:.*<jvm.opens>\(.*\)</jvm.opens>.*:\1:p' "$root/pom.xml")"

alive() { [ -f "$dir/pids/$1.pid" ] && kill -0 "$(cat "$dir/pids/$1.pid")" 2>/dev/null; }
# Runs a command as the postgres user when we are root (initdb and postgres refuse root).
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
