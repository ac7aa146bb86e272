#!/usr/bin/env bash
# The IdP's CPU time per completed operation, the measure behind docs/performance.md ("Where a code flow's time
# still goes"): rates move with whatever else the machine runs, CPU per operation much less.
# Usage: bench/cpu-per-op.sh [case=code_flow|refresh|client_credentials|api_token_exchange] [connections=1] [seconds=10]
# WARMUP (default 60s) runs the case first (refresh: the code flow) so that the JIT has caught up.
# POSTGRES=postgresql://USER:PASSWORD@127.0.0.1:5432 runs the IdP on a new database there (the role needs CREATEDB; the
# database is dropped at the end) instead of SQLite, and adds PostgreSQL's CPU per operation: the sum over the server's
# processes, so the server must be local and otherwise idle. NPGSQL_EXTRA (e.g. ";Max Auto Prepare=0") is appended to
# the IdP's connection string.
# Needs dotnet, wrk, curl, python3 (and psql with POSTGRES); the IdP listens on 127.0.0.1:$PORT (5398) and is stopped on exit.
set -euo pipefail
CASE=${1:-code_flow}; CONNECTIONS=${2:-1}; SECONDS_=${3:-10}; WARMUP=${WARMUP:-60s}; PORT=${PORT:-5398}
ROOT=$(cd "$(dirname "$0")/.." && pwd); BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d); mkdir -p "$WORK/ours"
dotnet build -c Release "$ROOT/src/StepUpIdp.Server" -v q -nologo >/dev/null
source "$ROOT/bench/ours.sh"
DATABASE=() DB="" PID=""
if [[ -n "${POSTGRES:-}" ]]; then
  DB="stepupidp_cpu_$(date +%s)_$RANDOM"
  psql "$POSTGRES/postgres" -qc "CREATE DATABASE $DB" >/dev/null
  DATABASE=(Database__Provider=Postgres TokenPruning__Enabled=false "Database__ConnectionString=$(python3 -c 'import sys,urllib.parse as u;p=u.urlparse(sys.argv[1]);print(f"Host={p.hostname};Port={p.port or 5432};Username={u.unquote(p.username)};Password={u.unquote(p.password or str())};Database={sys.argv[2]}")' "$POSTGRES" "$DB")${NPGSQL_EXTRA:-}")
fi
stop() {
  if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  if [[ -n "$DB" ]]; then psql "$POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
  return 0
}
trap stop EXIT
start_ours "$BASE" "$WORK/ours" "$WORK/ours.log" "${DATABASE[@]}"
PID=$!
# PostgreSQL's CPU ticks so far, over every process of the server (its backends live as long as the IdP's pool).
pg_ticks() {
  local total=0 pid
  if [[ -z "$DB" ]]; then echo 0; return; fi
  for pid in $(pgrep -x postgres); do total=$((total + $(cpu_ticks "$pid" 2>/dev/null || echo 0))); done
  echo "$total"
}
for _ in $(seq 1 120); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.5; done
python3 "$ROOT/bench/peer/prepare.py" ours "$BASE" "$WORK/ours" 64 >/dev/null
CALLBACK="redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
export TOKEN_PATH=/connect/token THREADS=1 AUTHORIZE COOKIE REDEEM_BODY="grant_type=authorization_code&client_id=demo-spa&$CALLBACK" \
  REFRESH_FILE="$WORK/ours/refresh" REFRESH_BODY="grant_type=refresh_token&client_id=demo-spa" \
  BODY="grant_type=client_credentials&client_id=demo-api&client_secret=demo-api-secret"
AUTHORIZE=$(cat "$WORK/ours/authorize"); COOKIE=$(cat "$WORK/ours/cookie")
case $CASE in
  code_flow) SCRIPT=$ROOT/bench/flow.lua URL=$BASE ;;
  refresh) SCRIPT=$ROOT/bench/refresh.lua URL=$BASE ;;
  client_credentials) SCRIPT=$ROOT/bench/post.lua URL=$BASE/connect/token ;;
  api_token_exchange) SCRIPT=$ROOT/bench/post.lua URL=$BASE/connect/token
    BODY="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&client_id=demo-api&client_secret=demo-api-secret&subject_token_type=urn%3Astepupidp%3Atoken-type%3Aapi-token&subject_token=$(cat "$WORK/ours/api-token")" ;;
  *) echo "unknown case: $CASE" >&2; exit 2 ;;
esac
# Refresh tokens are good once: warm the refresh code up with the code flow, which ends in the same token endpoint.
if [[ $CASE == refresh ]]; then wrk -t1 -c4 -d"$WARMUP" -s "$ROOT/bench/flow.lua" "$BASE" >/dev/null
else wrk -t1 -c4 -d"$WARMUP" -s "$SCRIPT" "$URL" >/dev/null; fi
before=$(cpu_ticks "$PID"); pg_before=$(pg_ticks)
wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_}s" --latency -s "$SCRIPT" "$URL" >"$WORK/wrk.txt"
after=$(cpu_ticks "$PID"); pg_after=$(pg_ticks)
python3 - "$WORK/wrk.txt" "$((after - before))" "$(getconf CLK_TCK)" "$SECONDS_" "$CASE" "$CONNECTIONS" "${DB:+$((pg_after - pg_before))}" <<'PY'
import re, sys
text, ticks, hz, seconds, case, connections, pg = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
rate = float((re.search(r"(?:Flows|Refreshes)/sec: ([\d.]+)", text) or re.search(r"Requests/sec:\s+([\d.]+)", text)).group(1))
failures = sum(int(x) for x in re.findall(r"(?:Non-2xx or 3xx responses|Flow failures|Refresh failures):\s+(\d+)", text))
per_op = lambda t: 1000 * t / hz / (rate * seconds)
postgres = f", PostgreSQL {per_op(int(pg)):.2f} ms" if pg else ""
print(f"{case}, {connections} connection(s): {rate:,.1f}/s, {per_op(ticks):.2f} ms of CPU per operation{postgres}, {failures} failed")
sys.exit(1 if failures or rate == 0 else 0)
PY
