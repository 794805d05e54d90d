# shellcheck shell=bash
# Redis 7 on 127.0.0.1:6379 with an append-only file fsynced every second (conf/infra/redis.conf), in
# the foreground under our own PID file; its data under $P_DATA/redis.

REDIS_PORT=6379

redis_ports()       { echo "$REDIS_PORT"; }
redis_timeout()     { echo "${PARLEY_INFRA_TIMEOUT:-30}"; }
redis_stop_signal() { echo TERM; }
# Redis rewrites its process title to "redis-server 127.0.0.1:6379".
redis_marker()      { echo "redis-server"; }

redis_prepare() {
  command -v redis-server >/dev/null 2>&1 || die "redis: redis-server not found. Fix: scripts/infra install redis"
  mkdir -p "$P_DATA/redis"
}

redis_launch() {
  spawn_service redis redis-server "$INFRA_CONF_DIR/redis.conf" --dir "$P_DATA/redis"
}

redis_ready() {
  [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

redis_wipe() { rm -rf "$P_DATA/redis"; }

redis_hint() { :; }
