#!/usr/bin/env bash
# Stops the nodes that tests/redis-cluster/start.sh started in DIR. Never fails.
dir="${1:?usage: stop.sh DIR}"
source "$(dirname "$0")/../redis-nodes.sh"
stop_redis "$dir"/*/redis.pid
exit 0
