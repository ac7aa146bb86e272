#!/usr/bin/env bash
# Stops the nodes that tests/redis-cluster/start.sh started in DIR. Never fails.
dir="${1:?usage: stop.sh DIR}"
for pidfile in "$dir"/*/redis.pid; do
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    [[ -n "$pid" ]] || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
exit 0
