#!/usr/bin/env bash
# Does the token endpoint stay as fast with a million token rows? Starts the IdP (Release, demo data) on a
# fresh PostgreSQL database, measures client credentials and refresh on the empty token table, seeds ROWS
# rows that pruning would keep (live and redeemed-but-unexpired refresh tokens, recent codes: the shape of a
# busy day), and measures again. Prints p50/p99 before and after and the p99 ratio.
# Usage: bench/seed-tokens.sh postgresql://USER:PASSWORD@127.0.0.1:5432 [rows=1000000] [duration=10s] [connections=16]
# The role needs CREATEDB; the database it creates (stepupidp_seed_<random>) is dropped at the end.
# Needs dotnet, psql, wrk, curl, python3. Binds 127.0.0.1 only.
set -euo pipefail
SERVER=${1:?"postgresql://USER:PASSWORD@HOST:PORT"}; ROWS=${2:-1000000}; DURATION=${3:-10s}; CONNECTIONS=${4:-16}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-5397}; BASE="http://127.0.0.1:$PORT"
DB="stepupidp_seed_$(date +%s)_$RANDOM"
WORK=$(mktemp -d); IDP=""
NPGSQL=$(python3 -c 'import sys,urllib.parse as u;p=u.urlparse(sys.argv[1]);print(f"Host={p.hostname};Port={p.port or 5432};Username={u.unquote(p.username)};Password={u.unquote(p.password or str())};Database={sys.argv[2]}")' "$SERVER" "$DB")
stop() {
  if [[ -n "$IDP" ]]; then kill "$IDP" 2>/dev/null || true; wait "$IDP" 2>/dev/null || true; fi
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  return 0
}
trap stop EXIT

dotnet build -c Release "$ROOT/src/StepUpIdp.Server" -v q -nologo >/dev/null
psql "$SERVER/postgres" -qc "CREATE DATABASE $DB" >/dev/null
source "$ROOT/bench/ours.sh"
start_ours "$BASE" "$WORK" "$WORK/idp.log" Database__Provider=Postgres Database__ConnectionString="$NPGSQL" TokenPruning__Enabled=false
IDP=$!
for _ in $(seq 1 120); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.5; done
curl -sf "$BASE/healthz" >/dev/null || { echo "the IdP did not start"; cat "$WORK/idp.log"; exit 1; }

CC="grant_type=client_credentials&client_id=demo-api&client_secret=demo-api-secret"
measure() { # label
  python3 "$ROOT/bench/peer/prepare.py" ours "$BASE" "$WORK" $((CONNECTIONS * 2)) >/dev/null
  BODY="$CC" wrk -t1 -c4 -d3s -s "$ROOT/bench/post.lua" "$BASE/connect/token" >/dev/null
  BODY="$CC" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/post.lua" "$BASE/connect/token" >"$WORK/cc.$1.txt"
  THREADS=1 TOKEN_PATH=/connect/token REFRESH_FILE="$WORK/refresh" REFRESH_BODY="grant_type=refresh_token&client_id=demo-spa" \
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/refresh.lua" "$BASE" >"$WORK/refresh.$1.txt"
}
echo "== empty token table"; measure empty
echo "== seeding $ROWS token rows"
psql "$SERVER/$DB" -q -v ON_ERROR_STOP=1 -v rows="$ROWS" <<'SQL'
INSERT INTO "OpenIddictTokens" ("Id", "ApplicationId", "ConcurrencyToken", "CreationDate", "ExpirationDate", "RedemptionDate", "ReferenceId", "Status", "Subject", "Type", "Payload")
SELECT md5('seed' || n), (SELECT "Id" FROM "OpenIddictApplications" WHERE "ClientId" = 'demo-spa'), md5('c' || n),
       now() - (n % 86400) * interval '1 second',
       CASE WHEN n % 10 = 0 THEN now() + interval '1 minute' ELSE now() + interval '13 days' END,
       CASE WHEN n % 3 = 0 THEN now() - (n % 3600) * interval '1 second' END,
       NULL,
       CASE WHEN n % 3 = 0 THEN 'redeemed' ELSE 'valid' END,
       'seed-account-' || (n % 50000),
       CASE WHEN n % 10 = 0 THEN 'urn:openiddict:params:oauth:token-type:authorization_code' ELSE 'urn:ietf:params:oauth:token-type:refresh_token' END,
       NULL
FROM generate_series(1, :rows) AS n;
ANALYZE "OpenIddictTokens";
SQL
echo "token rows: $(psql "$SERVER/$DB" -tAc 'SELECT count(*) FROM "OpenIddictTokens"')"
echo "== $ROWS rows"; measure seeded

python3 - "$WORK" "$ROWS" <<'PY'
import re, sys
work, rows = sys.argv[1], int(sys.argv[2])
def read(path):
    text = open(path).read()
    ms = lambda l: (lambda m: float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)])(re.search(rf"^\s+{l}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M))
    return float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), ms(50), ms(99)
print(f"\n| grant | empty: req/s, p50 / p99 | {rows:,} rows: req/s, p50 / p99 | p99 ratio |\n|---|---|---|---|")
for case in ("cc", "refresh"):
    (r0, a0, b0), (r1, a1, b1) = read(f"{work}/{case}.empty.txt"), read(f"{work}/{case}.seeded.txt")
    name = "client credentials" if case == "cc" else "refresh"
    print(f"| {name} | {r0:.0f}, {a0:.0f} / {b0:.0f} ms | {r1:.0f}, {a1:.0f} / {b1:.0f} ms | {b1 / b0:.2f} |")
PY
