#!/usr/bin/env bash
# Soak: ten minutes (SECONDS) of mixed load on two IdP nodes sharing one redis-server and one PostgreSQL database, with
# each node's RSS and Redis's memory every 10 s (bench/soak/soak.py says what the load is). Results: bench/README.md.
# Usage: bench/soak/two-nodes.sh postgresql://USER:PASSWORD@127.0.0.1:5432 [seconds=600] [csv]
# The role needs CREATEDB; the database it creates is dropped at the end. Needs dotnet, psql, redis-server, redis-cli,
# curl, python3. Nodes on 127.0.0.1:$PORT_A (5395) and $PORT_B (5396), Redis on $REDIS_PORT (6394); all stopped on exit.
set -euo pipefail
SERVER=${1:?"postgresql://USER:PASSWORD@HOST:PORT"}; SECONDS_=${2:-600}; CSV=${3:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PORT_A=${PORT_A:-5395}; PORT_B=${PORT_B:-5396}; REDIS_PORT=${REDIS_PORT:-6394}
DB="stepupidp_soak_$(date +%s)_$RANDOM"
WORK=$(mktemp -d); PIDS=()
NPGSQL=$(python3 -c 'import sys,urllib.parse as u;p=u.urlparse(sys.argv[1]);print(f"Host={p.hostname};Port={p.port or 5432};Username={u.unquote(p.username)};Password={u.unquote(p.password or str())};Database={sys.argv[2]}")' "$SERVER" "$DB")
stop() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  return 0
}
trap stop EXIT

dotnet build -c Release "$ROOT/src/StepUpIdp.Server" -v q -nologo >/dev/null
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no --dir "$WORK" --logfile "$WORK/redis.log"
psql "$SERVER/postgres" -qc "CREATE DATABASE $DB" >/dev/null
# Both nodes answer as one issuer, as behind a load balancer: a code from one is redeemed at the other.
source "$ROOT/bench/ours.sh"
start_node() { # port: one after the other, so the first applies the schema and the demo data
  start_ours "http://127.0.0.1:$1" "$WORK/data" "$WORK/node-$1.log" Idp__Issuer="http://127.0.0.1:$PORT_A/" \
    Database__Provider=Postgres Database__ConnectionString="$NPGSQL" Redis__Configuration="127.0.0.1:$REDIS_PORT"
  PIDS+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "the node on $1 did not become ready"; tail -n 40 "$WORK/node-$1.log"; exit 1
}
start_node "$PORT_A"
start_node "$PORT_B"
python3 "$ROOT/bench/soak/soak.py" "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" "${PIDS[0]}" "${PIDS[1]}" \
  "$WORK/data/outbox" "$REDIS_PORT" "$SECONDS_" $CSV
