#!/usr/bin/env bash
# Starts a Redis primary, one replica and one Sentinel watching them (service name "stepupidp") from Debian's
# redis-server on 127.0.0.1, for the Sentinel leg of the tests (docs/operations.md):
#
#   tests/redis-sentinel/start.sh DIR [FIRST_PORT]   # primary FIRST_PORT, replica +1, sentinel +2 (default 7201..7203)
#   STEPUPIDP_TEST_REDIS_SENTINEL=127.0.0.1:7203,serviceName=stepupidp dotnet test ... --filter Category=Sentinel
#   tests/redis-sentinel/stop.sh DIR
#
# The sentinel runs as `redis-server sentinel.conf --sentinel` (what Debian's redis-sentinel package starts).
# A quorum of one and a 1 s down-after keep a forced or real failover short. Prints the configuration string.
set -euo pipefail

dir="${1:?usage: start.sh DIR [FIRST_PORT]}"
first="${2:-7201}"
primary="$first" replica="$((first + 1))" sentinel="$((first + 2))"
mkdir -p "$dir"

source "$(dirname "$0")/../redis-nodes.sh"
wait_port() {
    for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.1; done
    cat "$dir/$1/redis.log" >&2 || true
    echo "redis-sentinel: 127.0.0.1:$1 did not start" >&2
    exit 1
}

for port in "$primary" "$replica" "$sentinel"; do
    port_open "$port" && { echo "redis-sentinel: 127.0.0.1:$port is already in use" >&2; exit 1; }
    mkdir -p "$dir/$port"
done

start_data_node() { # port [replicaof-port]
    local extra=()
    [[ -n "${2:-}" ]] && extra=(--replicaof 127.0.0.1 "$2")
    redis-server --bind 127.0.0.1 --port "$1" --daemonize yes --save "" --appendonly no \
        --dir "$dir/$1" --pidfile "$dir/$1/redis.pid" --logfile "$dir/$1/redis.log" "${extra[@]}"
    wait_port "$1"
}
start_data_node "$primary"
start_data_node "$replica" "$primary"

cat >"$dir/$sentinel/sentinel.conf" <<CONF
bind 127.0.0.1
port $sentinel
daemonize yes
dir $dir/$sentinel
pidfile $dir/$sentinel/redis.pid
logfile $dir/$sentinel/redis.log
sentinel monitor stepupidp 127.0.0.1 $primary 1
sentinel down-after-milliseconds stepupidp 1000
sentinel failover-timeout stepupidp 10000
sentinel parallel-syncs stepupidp 1
CONF
redis-server "$dir/$sentinel/sentinel.conf" --sentinel
wait_port "$sentinel"

# Ready when the replica has caught up and the sentinel knows it (a failover needs a replica to promote).
for _ in $(seq 1 150); do
    redis-cli -h 127.0.0.1 -p "$replica" info replication 2>/dev/null | grep -q '^master_link_status:up' \
        && redis-cli -h 127.0.0.1 -p "$sentinel" sentinel replicas stepupidp 2>/dev/null | grep -q "$replica" && break
    sleep 0.2
done
redis-cli -h 127.0.0.1 -p "$sentinel" sentinel replicas stepupidp 2>/dev/null | grep -q "$replica" \
    || { echo "redis-sentinel: the sentinel did not find the replica" >&2; exit 1; }

echo "127.0.0.1:$sentinel,serviceName=stepupidp"
