# shellcheck shell=bash
# Cassandra 5.0 single node: CQL on 127.0.0.1:9042, storage 127.0.0.1:7000, JMX on
# 127.0.0.1:7199 (local only, for nodetool), from the jars fetched by install.sh. Heap 256-512 MB.

CASSANDRA_PORT=9042
CASSANDRA_STORAGE_PORT=7000
CASSANDRA_JMX_PORT=7199

cassandra_ports()       { echo "$CASSANDRA_PORT $CASSANDRA_STORAGE_PORT $CASSANDRA_JMX_PORT"; }
cassandra_timeout()     { echo "${PARLEY_INFRA_TIMEOUT:-120}"; }
cassandra_stop_signal() { echo TERM; }
cassandra_marker()      { printf -- '-Dcassandra.config=file://%s' "$(cassandra_yaml)"; }

cassandra_yaml()    { printf '%s/cassandra/cassandra.yaml' "$P_CONF"; }
cassandra_datadir() { printf '%s/cassandra' "$P_DATA"; }

cassandra_prepare() {
  jars_installed cassandra || die "cassandra: jars missing in $(jar_libs cassandra). Fix: scripts/infra install cassandra"
  local d; d="$(cassandra_datadir)"
  mkdir -p "$d/data" "$d/commitlog" "$d/saved_caches" "$d/hints" "$d/cdc_raw" "$P_CONF/cassandra"
  render_template "$INFRA_CONF_DIR/cassandra.yaml" "$(cassandra_yaml)" "CASSANDRA_DATA_DIR=$d"
  cp -f "$INFRA_CONF_DIR/cassandra-logback.xml" "$P_CONF/cassandra/logback.xml"
}

cassandra_launch() {
  local libs; libs="$(jar_libs cassandra)"
  local -a opts=()
  local line
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%%#*}"; line="${line//[[:space:]]/}"
    [[ "$line" == -* ]] && opts+=("$line")
  done <"$INFRA_CONF_DIR/cassandra-jvm17.options"
  local jamm; jamm="$(compgen -G "$libs/jamm-*.jar" | head -n1 || true)"
  [[ -n "$jamm" ]] && opts+=("-javaagent:$jamm")
  spawn_service cassandra "$(java_bin)" -Xms256m -Xmx512m "-XX:HeapDumpPath=$P_LOG" \
    "${opts[@]}" \
    -Dcassandra-foreground=yes \
    "$(cassandra_marker)" \
    "-Dcassandra.storagedir=$(cassandra_datadir)" \
    "-Dcassandra.logdir=$P_LOG" \
    "-Dlogback.configurationFile=$P_CONF/cassandra/logback.xml" \
    "-Dcassandra.jmx.local.port=$CASSANDRA_JMX_PORT" \
    "-Dcom.sun.management.jmxremote.rmi.port=$CASSANDRA_JMX_PORT" \
    -Dcom.sun.management.jmxremote.authenticate=false \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -cp "$P_CONF/cassandra:$libs/*" \
    org.apache.cassandra.service.CassandraDaemon
}

# Ready = the native transport answers a CQL OPTIONS request (protocol v4) with SUPPORTED.
#   request:  version=0x04 flags=0 stream=0 opcode=0x05(OPTIONS) length=0
#   response: version=0x84 flags stream(2) opcode=0x06(SUPPORTED) ...
cassandra_ready() {
  local hex
  # shellcheck disable=SC2016  # expanded by the inner shell
  hex="$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
    printf "\x04\x00\x00\x00\x05\x00\x00\x00\x00" >&3
    head -c 5 <&3 | od -An -tx1' "$CASSANDRA_PORT" 2>/dev/null | tr -d ' \n')" || return 1
  [[ "${hex:0:2}" == 84 && "${hex:8:2}" == 06 ]]
}

cassandra_start_check() {
  grep -q 'Starting listening for CQL clients' "$(log_file cassandra)" 2>/dev/null && cassandra_ready
}

cassandra_wipe() { rm -rf "$(cassandra_datadir)" "$P_CONF/cassandra"; }

cassandra_hint() {
  local log="$1"
  if grep -q 'InaccessibleObjectException\|IllegalAccessError' "$log" 2>/dev/null; then
    echo "a Java module flag is missing: compare conf/infra/cassandra-jvm17.options with Cassandra's conf/jvm17-server.options"
  fi
  if grep -q 'Cannot start node if snitch' "$log" 2>/dev/null; then
    echo "the data dir was made with another snitch/datacenter: scripts/infra reset cassandra"
  fi
  if grep -q 'Saved cluster name .* != configured name' "$log" 2>/dev/null; then
    echo "the data dir belongs to another cluster name: scripts/infra reset cassandra"
  fi
}
