# shellcheck shell=bash
# etcd 3.4 (Debian's etcd-server) as a single member: clients on 127.0.0.1:2379, peers on
# 127.0.0.1:2380, data in $PARLEY_HOME/data/etcd.

ETCD_CLIENT_PORT=2379
ETCD_PEER_PORT=2380

etcd_ports()       { echo "$ETCD_CLIENT_PORT $ETCD_PEER_PORT"; }
etcd_timeout()     { echo "${PARLEY_INFRA_TIMEOUT:-30}"; }
etcd_stop_signal() { echo TERM; }
etcd_marker()      { printf -- '--data-dir=%s/etcd' "$P_DATA"; }

etcd_prepare() {
  command -v etcd >/dev/null 2>&1 || die "etcd: etcd not found. Fix: scripts/infra install etcd"
  command -v etcdctl >/dev/null 2>&1 || die "etcd: etcdctl not found. Fix: scripts/infra install etcd"
  mkdir -p "$P_DATA/etcd"
  chmod 700 "$P_DATA/etcd"
}

etcd_launch() {
  # etcd 3.4 refuses to run on a non-amd64 architecture unless told to.
  case "$(uname -m)" in
    x86_64|amd64) ;;
    aarch64|arm64) export ETCD_UNSUPPORTED_ARCH=arm64 ;;
    *) ETCD_UNSUPPORTED_ARCH="$(uname -m)"; export ETCD_UNSUPPORTED_ARCH ;;
  esac
  spawn_service etcd etcd \
    --name=parley \
    "$(etcd_marker)" \
    --listen-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="parley=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-token="parley-$(home_id)" \
    --initial-cluster-state=new \
    --auto-compaction-mode=periodic \
    --auto-compaction-retention=1h \
    --logger=zap \
    --log-outputs=stderr
}

etcd_ready() {
  ETCDCTL_API=3 timeout 5 etcdctl --endpoints="127.0.0.1:$ETCD_CLIENT_PORT" --dial-timeout=2s \
    --command-timeout=3s endpoint health >/dev/null 2>&1
}

etcd_wipe() { rm -rf "$P_DATA/etcd"; }

etcd_hint() {
  local log="$1"
  if grep -q 'member .* has already been bootstrapped\|cluster ID mismatch' "$log" 2>/dev/null; then
    echo "the etcd data dir belongs to another cluster: scripts/infra reset etcd"
  fi
}
