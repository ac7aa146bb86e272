#!/usr/bin/env bash
# StepUpIdp against node-oidc-provider (bench/peer/server.js) on this machine, in one run, with the same wrk
# settings for both: client credentials (RS256 JWT both), discovery, JWKS, API-token exchange (ours only),
# the authorization-code + PKCE flow of a signed-in person (completed flows/s), and a refresh.
# Usage: bench/peer/compare.sh [duration=10s] [connections=16] [threads=1]
# Needs dotnet, node >= 20 and npm, wrk, curl, python3. Both servers listen on 127.0.0.1 only and are
# stopped on exit. WARMUP (default 30s: tiered PGO needs about that long on two cores) is the warm-up per case
# and side. SOAK_SECONDS=600 adds a soak after
# the table: our IdP under the cases in turn (10 s each; refresh left out, as its seeded chains are spent)
# for that long, its RSS recorded every 10 s into SOAK_CSV (default: printed only). The script exits non-zero
# when a case had failed answers, so CI can run it briefly to prove it works. CASES="client_credentials code_flow"
# measures only those (default: all six).
set -euo pipefail
DURATION=${1:-10s}; CONNECTIONS=${2:-16}; THREADS=${3:-1}; WARMUP=${WARMUP:-30s}; SOAK_SECONDS=${SOAK_SECONDS:-0}
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
OURS_PORT=${OURS_PORT:-5398}; PEER_PORT=${PEER_PORT:-5399}
OURS="http://127.0.0.1:$OURS_PORT"; PEER="http://127.0.0.1:$PEER_PORT"
WORK=$(mktemp -d); mkdir -p "$WORK/ours" "$WORK/peer"
OURS_PID=""; PEER_PID=""
stop() {
  # A server that died during the run says why before its log goes with $WORK.
  for side in ours peer; do
    local pid_var=${side^^}_PID
    if [[ -n "${!pid_var}" ]] && ! kill -0 "${!pid_var}" 2>/dev/null; then
      echo "== $side exited during the run; the end of its log:" >&2; tail -n 60 "$WORK/$side.log" >&2 || true
    fi
  done
  # A killed server's wait status (143) must not become the script's exit status under set -e.
  if [[ -n "$OURS_PID" ]]; then kill "$OURS_PID" 2>/dev/null || true; wait "$OURS_PID" 2>/dev/null || true; fi
  if [[ -n "$PEER_PID" ]]; then kill "$PEER_PID" 2>/dev/null || true; wait "$PEER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
  return 0
}
trap stop EXIT

[[ -d "$HERE/node_modules/oidc-provider" ]] || (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null)
dotnet build -c Release "$ROOT/src/StepUpIdp.Server" -v q -nologo >/dev/null

source "$ROOT/bench/ours.sh"
start_ours "$OURS" "$WORK/ours" "$WORK/ours.log"
OURS_PID=$!
node "$HERE/server.js" "$PEER_PORT" >"$WORK/peer.log" 2>&1 &
PEER_PID=$!
for _ in $(seq 1 120); do curl -sf "$OURS/healthz" >/dev/null && curl -sf "$PEER/.well-known/openid-configuration" >/dev/null && break; sleep 0.5; done
curl -sf "$OURS/healthz" >/dev/null || { echo "StepUpIdp did not start"; cat "$WORK/ours.log"; exit 1; }
curl -sf "$PEER/.well-known/openid-configuration" >/dev/null || { echo "the peer did not start"; cat "$WORK/peer.log"; exit 1; }

SEEDS=$((CONNECTIONS * 2 * THREADS))
python3 "$HERE/prepare.py" ours "$OURS" "$WORK/ours" "$SEEDS"
python3 "$HERE/prepare.py" peer "$PEER" "$WORK/peer" "$SEEDS"

CALLBACK="redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
case_env() { # case side -> exports the case's environment for the Lua scripts and sets SCRIPT and URL
  local name=$1 side=$2 base token_path client cc
  if [[ $side == ours ]]; then base=$OURS token_path=/connect/token client=demo-spa cc="client_id=demo-api&client_secret=demo-api-secret"
  else base=$PEER token_path=/token client=bench-spa cc="client_id=bench-api&client_secret=bench-api-secret"; fi
  export TOKEN_PATH=$token_path THREADS
  case $name in
    client_credentials) export BODY="grant_type=client_credentials&$cc"; SCRIPT=$ROOT/bench/post.lua URL=$base$token_path ;;
    discovery) SCRIPT=- URL=$base/.well-known/openid-configuration ;;
    jwks) SCRIPT=- URL=$base$([[ $side == ours ]] && echo /.well-known/jwks || echo /jwks) ;;
    api_token_exchange)
      export BODY="grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&$cc&subject_token_type=urn%3Astepupidp%3Atoken-type%3Aapi-token&subject_token=$(cat "$WORK/ours/api-token")"
      SCRIPT=$ROOT/bench/post.lua URL=$base$token_path ;;
    code_flow)
      export AUTHORIZE COOKIE REDEEM_BODY="grant_type=authorization_code&client_id=$client&$CALLBACK"
      AUTHORIZE=$(cat "$WORK/$side/authorize"); COOKIE=$(cat "$WORK/$side/cookie")
      SCRIPT=$ROOT/bench/flow.lua URL=$base ;;
    refresh) export REFRESH_FILE="$WORK/$side/refresh" REFRESH_BODY="grant_type=refresh_token&client_id=$client"; SCRIPT=$ROOT/bench/refresh.lua URL=$base ;;
  esac
}

measure() { # case side duration connections -> wrk output in $WORK/<case>.<side>.txt, the server's CPU ticks in .cpu
  case_env "$1" "$2"
  local args=(-t"$THREADS" -c"$4" -d"$3" --latency) pid_var=${2^^}_PID before
  [[ $SCRIPT != - ]] && args+=(-s "$SCRIPT")
  before=$(cpu_ticks "${!pid_var}")
  wrk "${args[@]}" "$URL" >"$WORK/$1.$2.txt"
  echo $(( $(cpu_ticks "${!pid_var}") - before )) >"$WORK/$1.$2.cpu"
}

read -r -a CASES <<< "${CASES:-client_credentials discovery jwks api_token_exchange code_flow refresh}"
echo "== warm-up ($WARMUP a case and side, 4 connections)"
for name in "${CASES[@]}"; do
  for side in ours peer; do
    [[ $name == api_token_exchange && $side == peer ]] && continue
    [[ $name == refresh ]] && continue  # refresh chains are measured once; the flow warms the same code
    measure "$name" "$side" "$WARMUP" 4
  done
done
echo "== measuring: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, ours then the peer, case by case"
for name in "${CASES[@]}"; do
  for side in ours peer; do
    [[ $name == api_token_exchange && $side == peer ]] && continue
    measure "$name" "$side" "$DURATION" "$CONNECTIONS"
  done
done
RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$OURS_PID/status")
# Both servers sign every access token with RSA-2048, the largest single cost of a client-credentials request:
# how fast this machine does it explains much of how the ratios move between machines (bench/README.md).
RSA_SIGN_MS=$(openssl speed -seconds 1 rsa2048 2>/dev/null | awk '$1 == "rsa" && $2 == "2048" {print $4 * 1000}' || true)
set +e

python3 - "$WORK" "$RSS_KB" "$DURATION" "$CONNECTIONS" "$THREADS" "$(getconf CLK_TCK)" "${RSA_SIGN_MS:-}" "${CASES[@]}" <<'PY'
import os, re, sys
work, rss, duration, connections, threads, hz, rsa_ms, cases = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), sys.argv[7], sys.argv[8:]
seconds = float(re.match(r"([\d.]+)", duration).group(1)) * {"s": 1, "m": 60, "h": 3600}.get(duration[-1], 1)
def read(name, side):
    path = f"{work}/{name}.{side}.txt"
    if not os.path.exists(path): return None
    text = open(path).read()
    rate = re.search(r"(Flows|Refreshes)/sec: ([\d.]+)", text) or re.search(r"(Requests)/sec:\s+([\d.]+)", text)
    def ms(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        return None if not m else float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    failures = sum(int(x) for x in re.findall(r"(?:Non-2xx or 3xx responses|Flow failures|Refresh failures):\s+(\d+)", text))
    if name == "code_flow": failures = int(re.search(r"Flow failures: (\d+)", text).group(1))
    errors = re.search(r"Socket errors: (.*)", text)
    ticks = int(open(f"{work}/{name}.{side}.cpu").read())
    cpu = 1000 * ticks / hz / (float(rate.group(2)) * seconds) if float(rate.group(2)) else None
    return {"rate": float(rate.group(2)), "p50": ms(50), "p99": ms(99), "cpu": cpu, "failures": failures, "errors": errors.group(1) if errors else ""}
units = {"code_flow": "flows/s", "refresh": "refreshes/s"}
print(f"\nwrk -t{threads} -c{connections} -d{duration} (after warm-up); latency is per HTTP request (a flow is two)\n")
print("| case | StepUpIdp | node-oidc-provider | ratio | StepUpIdp p50 / p99 | peer p50 / p99 | CPU per operation, ours / peer |")
print("|---|---|---|---|---|---|---|")
results = {}
fmt = lambda v: "—" if v is None else (f"{v:.1f} ms" if v < 10 else f"{v:.0f} ms")
for name in cases:
    ours, peer = read(name, "ours"), read(name, "peer")
    results[name] = ours
    unit = units.get(name, "req/s")
    ratio = f"{ours['rate'] / peer['rate']:.2f}" if peer and peer["rate"] else "—"
    peer_rate = f"{peer['rate']:,.0f} {unit}" if peer else "—"
    peer_lat = f"{fmt(peer['p50'])} / {fmt(peer['p99'])}" if peer else "—"
    cpu = lambda r: "—" if not r or r["cpu"] is None else f"{r['cpu']:.2f} ms"
    print(f"| {name.replace('_', ' ')} | {ours['rate']:,.0f} {unit} | {peer_rate} | {ratio} | {fmt(ours['p50'])} / {fmt(ours['p99'])} | {peer_lat} | {cpu(ours)} / {cpu(peer)} |")
cc, ex = results.get("client_credentials"), results.get("api_token_exchange")
if cc and ex:
    print(f"\nAPI-token exchange / our client credentials: {ex['rate'] / cc['rate']:.2f}")
if cc:
    print(f"Our token endpoint (client credentials) p99 / p50: {cc['p99'] / cc['p50']:.1f}")
print(f"StepUpIdp RSS after the run: {rss / 1024:.0f} MB")
if rsa_ms:
    print(f"One RSA-2048 signature on this machine (openssl speed rsa2048): {float(rsa_ms):.2f} ms of CPU")
bad = [(f"{n}.{s}", r["failures"], r["errors"]) for n in cases for s in ("ours", "peer") if (r := read(n, s)) and (r["failures"] or r["errors"])]
for name, failures, errors in bad:
    print(f"WARNING: {name}: {failures} failed answers {errors}")
sys.exit(1 if any(f for _, f, _ in bad) or any(r["rate"] == 0 for r in results.values()) else 0)
PY
STATUS=$?
set -e

if (( SOAK_SECONDS > 0 )); then
  echo "== soak: $SOAK_SECONDS s on StepUpIdp, RSS every 10 s"
  CSV=${SOAK_CSV:-$WORK/soak-rss.csv}
  echo "seconds,rss_mb" >"$CSV"
  ( start=$SECONDS; while kill -0 "$OURS_PID" 2>/dev/null; do
      echo "$((SECONDS - start)),$(( $(awk '/VmRSS/ {print $2}' "/proc/$OURS_PID/status") / 1024 ))" >>"$CSV"; sleep 10; done ) &
  SAMPLER=$!
  end=$((SECONDS + SOAK_SECONDS))
  while (( SECONDS < end )); do
    for name in client_credentials discovery jwks api_token_exchange code_flow; do
      (( SECONDS < end )) && measure "$name" ours 10s "$CONNECTIONS"
    done
  done
  kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null || true
  python3 - "$CSV" <<'PY'
import sys
rows = [tuple(map(int, line.split(","))) for line in open(sys.argv[1]).read().split()[1:]]
rss = [r for _, r in rows]
settled = [r for s, r in rows if s >= 60] or rss
print(f"RSS MB every 10 s: {' '.join(map(str, rss))}")
print(f"soak: first {rss[0]} MB, max {max(rss)} MB, last {rss[-1]} MB; after the first minute min {min(settled)} / max {max(settled)} MB")
PY
fi
exit $STATUS
