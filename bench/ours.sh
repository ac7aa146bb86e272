# Sourced by the bench scripts: how they start our IdP as production runs it (the Release build, logging at Warning,
# two malloc arenas as the Docker image sets them: docs/performance.md, "Memory"), and how they read its CPU time.

OURS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# start_ours URL DATA_PATH LOG [NAME=VALUE ...]: starts the IdP in the background with the demo data (Development);
# the extra settings go into its environment. $! is its pid afterwards.
start_ours() {
  local url=$1 data=$2 log=$3
  shift 3
  env MALLOC_ARENA_MAX=2 ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$url" DataPath="$data" \
    Logging__LogLevel__Default=Warning Logging__LogLevel__OpenIddict=Warning "$@" \
    dotnet "$OURS_ROOT/src/StepUpIdp.Server/bin/Release/net10.0/StepUpIdp.Server.dll" --contentRoot "$OURS_ROOT/src/StepUpIdp.Server" >"$log" 2>&1 &
}

# cpu_ticks PID: the process's user + system time so far, in clock ticks (getconf CLK_TCK per second).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
