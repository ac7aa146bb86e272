#!/usr/bin/env bash
# Token issuance throughput on loopback: client-credentials vs API-token exchange (RFC 8693), same run.
# Usage: bench/run.sh [duration=10s] [threads=2] [connections=16]. Needs: dotnet, wrk, curl, python3.
set -euo pipefail
DURATION=${1:-10s}; THREADS=${2:-2}; CONNECTIONS=${3:-16}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-5199}
BASE="http://127.0.0.1:$PORT"
DATA=$(mktemp -d)
LOG="$DATA/idp.log"

dotnet build -c Release "$ROOT/src/StepUpIdp.Server" -v q -nologo >/dev/null
ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$BASE" DataPath="$DATA" Logging__LogLevel__Default=Warning \
  Logging__LogLevel__OpenIddict=Warning dotnet run -c Release --no-build --no-launch-profile --project "$ROOT/src/StepUpIdp.Server" >"$LOG" 2>&1 &
IDP=$!
trap 'kill $IDP 2>/dev/null; wait $IDP 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.5; done
curl -sf "$BASE/healthz" >/dev/null || { echo "IdP did not start"; cat "$LOG"; exit 1; }

# An API token for alice, created through the account page with her session (the forms' antiforgery token).
JAR="$DATA/cookies"
curl -s -c "$JAR" -b "$JAR" "$BASE/account/signin" -o "$DATA/signin.html"
AF=$(python3 -c 'import re,sys;print(re.search(r"name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"",open(sys.argv[1]).read()).group(1))' "$DATA/signin.html")
curl -s -c "$JAR" -b "$JAR" -o /dev/null --data-urlencode "Email=alice@acme.test" --data-urlencode "Password=demo-Passw0rd" \
  --data-urlencode "__RequestVerificationToken=$AF" "$BASE/account/signin"
curl -s -c "$JAR" -b "$JAR" "$BASE/account/api-tokens" -o "$DATA/page.html"
AF=$(python3 -c 'import re,sys;print(re.search(r"name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"",open(sys.argv[1]).read()).group(1))' "$DATA/page.html")
TOKEN=$(curl -s -c "$JAR" -b "$JAR" -H "RequestVerificationToken: $AF" -H "Content-Type: application/json" \
  -d '{"name":"bench","lifetimeDays":30}' "$BASE/api/me/api-tokens?org=acme" | python3 -c 'import json,sys;print(json.load(sys.stdin)["token"])')

CC="grant_type=client_credentials&client_id=demo-api&client_secret=demo-api-secret"
EX="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&client_id=demo-api&client_secret=demo-api-secret&subject_token_type=urn%3Astepupidp%3Atoken-type%3Aapi-token&subject_token=$TOKEN"
for body in "$CC" "$EX"; do  # both must work before we measure them
  curl -sf -d "$body" "$BASE/connect/token" | grep -q access_token || { echo "token request failed: ${body%%&*}"; exit 1; }
done

run() { BODY="$2" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/post.lua" "$BASE/connect/token" | tee "$DATA/$1.txt"; }
echo "== warm-up"; BODY="$CC" wrk -t1 -c4 -d3s -s "$ROOT/bench/post.lua" "$BASE/connect/token" >/dev/null; BODY="$EX" wrk -t1 -c4 -d3s -s "$ROOT/bench/post.lua" "$BASE/connect/token" >/dev/null
echo "== client_credentials"; run cc "$CC"
echo "== token-exchange (API token)"; run ex "$EX"
python3 - "$DATA/cc.txt" "$DATA/ex.txt" <<'PY'
import re, sys
rps = [float(re.search(r"Requests/sec:\s+([\d.]+)", open(f).read()).group(1)) for f in sys.argv[1:]]
non2xx = [re.search(r"Non-2xx or 3xx responses: (\d+)", open(f).read()) for f in sys.argv[1:]]
print(f"client_credentials {rps[0]:.0f} req/s, exchange {rps[1]:.0f} req/s, ratio exchange/client_credentials = {rps[1]/rps[0]:.2f}")
if any(non2xx): print("WARNING: non-2xx responses:", [m.group(1) if m else 0 for m in non2xx])
PY
