#!/usr/bin/env bash
# Interoperability test: the certified `openid-client` relying party (npm) against the real IdP.
# Builds the IdP, starts it in Development with the demo data on a free 127.0.0.1 port and a fresh
# data folder, runs `npm ci` and `node --test` here, stops the IdP and exits with the test status.
# Needs the .NET SDK, Node >= 20 and npm (with access to the npm registry for `npm ci`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fail() { printf 'interop: %s\n' "$*" >&2; exit 1; }
command -v dotnet >/dev/null || fail "the .NET SDK (dotnet) is not on PATH"
command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are needed"

work="$(mktemp -d)"
idp_pid=""
stop_idp() {
    if [[ -n "$idp_pid" ]]; then
        # The IdP runs in its own process group (setsid): `dotnet run` and the app it starts.
        kill -TERM -- "-$idp_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$idp_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$idp_pid" 2>/dev/null || true
        wait "$idp_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_idp EXIT

# A free port on the loopback interface, picked by the kernel.
port="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
base="http://127.0.0.1:$port"

echo "==> interop: building the IdP"
dotnet build "$root/src/StepUpIdp.Server" -nologo -v quiet

echo "==> interop: starting the IdP on $base (data in $work/data)"
(
    cd "$root"
    export ASPNETCORE_ENVIRONMENT=Development DataPath="$work/data"
    # No Redis or SMTP from the caller's environment: embedded RESP server and development outbox.
    unset Redis__Configuration Smtp__Host Idp__Issuer
    exec setsid dotnet run --no-build --no-launch-profile --project src/StepUpIdp.Server --urls "$base"
) >"$work/idp.log" 2>&1 &
idp_pid=$!

for _ in $(seq 1 600); do
    if curl -fsS "$base/healthz" >/dev/null 2>&1; then break; fi
    kill -0 "$idp_pid" 2>/dev/null || { cat "$work/idp.log" >&2; fail "the IdP exited before answering /healthz"; }
    sleep 0.2
done
curl -fsS "$base/healthz" >/dev/null 2>&1 || { cat "$work/idp.log" >&2; fail "the IdP did not answer $base/healthz within 2 minutes"; }
echo "==> interop: IdP is up"

cd "$here"
echo "==> interop: npm ci"
npm ci --no-audit --no-fund --loglevel=error

echo "==> interop: node --test"
status=0
STEPUPIDP_INTEROP_URL="$base" STEPUPIDP_INTEROP_OUTBOX="$work/data/outbox" node --test --test-reporter=tap || status=$?
if ((status != 0)); then
    echo "==> interop: IdP log (last 100 lines)" >&2
    tail -n 100 "$work/idp.log" >&2 || true
fi
exit "$status"
