#!/usr/bin/env bash
# Starts a real Redis Cluster of three primaries (no replicas) from Debian's redis-server on 127.0.0.1,
# for the cluster leg of the tests (docs/redis.md, "Redis Cluster"):
#
#   tests/redis-cluster/start.sh DIR [FIRST_PORT]     # ports FIRST_PORT..FIRST_PORT+2 (default 7101..7103)
#   STEPUPIDP_TEST_REDIS_CLUSTER=127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103 dotnet test ... --filter Category=Redis
#   tests/redis-cluster/stop.sh DIR
#
# DIR holds each node's nodes.conf, log and pid file; nothing is persisted. Prints the node list on success.
set -euo pipefail

dir="${1:?usage: start.sh DIR [FIRST_PORT]}"
first="${2:-7101}"
ports=("$first" "$((first + 1))" "$((first + 2))")
mkdir -p "$dir"

source "$(dirname "$0")/../redis-nodes.sh"

for port in "${ports[@]}"; do
    port_open "$port" && { echo "redis-cluster: 127.0.0.1:$port is already in use" >&2; exit 1; }
    mkdir -p "$dir/$port"
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save "" --appendonly no \
        --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 5000 \
        --dir "$dir/$port" --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log"
done

for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do port_open "$port" && break; sleep 0.1; done
    port_open "$port" || { cat "$dir/$port/redis.log" >&2; echo "redis-cluster: node $port did not start" >&2; exit 1; }
done

nodes=()
for port in "${ports[@]}"; do nodes+=("127.0.0.1:$port"); done
redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 \
    || { cat "$dir/create.log" >&2; echo "redis-cluster: redis-cli --cluster create failed" >&2; exit 1; }

# The cluster answers only once every node agrees that all 16384 slots are covered.
for _ in $(seq 1 100); do
    ok=1
    for port in "${ports[@]}"; do
        redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || ok=0
    done
    ((ok)) && break
    sleep 0.1
done
((ok)) || { echo "redis-cluster: the cluster did not reach cluster_state:ok" >&2; exit 1; }

(IFS=,; echo "${nodes[*]}")
