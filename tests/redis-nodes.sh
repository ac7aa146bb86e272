# Shell functions for the redis-server processes the tests start on 127.0.0.1 (sourced by tests/redis-cluster/*.sh,
# tests/redis-sentinel/*.sh and .ci/run).

# port_open PORT: whether something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# stop_redis PIDFILE...: stops each redis-server named by a pid file and waits up to 5 s for it to exit.
# Skips missing or empty pid files; never fails.
stop_redis() {
    local pidfile pid
    for pidfile in "$@"; do
        [[ -f "$pidfile" ]] || continue
        pid="$(cat "$pidfile" 2>/dev/null || true)"
        [[ -n "$pid" ]] || continue
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    return 0
}
