# shellcheck shell=bash
# Kafka 4.1 in KRaft mode, one node that is both broker (127.0.0.1:9092) and controller
# (127.0.0.1:9093), from the jars fetched by install.sh. Its cluster id is generated once per
# data dir and the storage formatted with it before the first start.

KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093

kafka_ports()       { echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT"; }
kafka_timeout()     { echo "${PARLEY_INFRA_TIMEOUT:-120}"; }
kafka_stop_signal() { echo TERM; }
kafka_marker()      { printf '%s/kafka/server.properties' "$P_CONF"; }

kafka_props()   { printf '%s/kafka/server.properties' "$P_CONF"; }
kafka_logdirs() { printf '%s/kafka/logs' "$P_DATA"; }

# Java command line shared by the broker and the command-line tools; $1 = log4j2 config file.
kafka_java_base() {
  KAFKA_JAVA=("$(java_bin)" -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$1"
    -cp "$(jar_libs kafka)/*")
}

# Runs a Kafka command-line class with a small JVM, logging warnings only (to stderr), e.g.
#   kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
kafka_tool() {
  local KAFKA_JAVA; kafka_java_base "$INFRA_CONF_DIR/kafka-tools-log4j2.xml"
  "${KAFKA_JAVA[@]:0:1}" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "${KAFKA_JAVA[@]:1}" "$@"
}

# A cluster id as Kafka's Uuid.randomUuid() makes it (what `StorageTool random-uuid` prints):
# 16 random bytes in URL-safe base64 without padding, never starting with '-'. Made here to
# save a JVM start.
kafka_random_uuid() {
  local id
  while true; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* && ${#id} -eq 22 ]] && break
  done
  printf '%s\n' "$id"
}

kafka_prepare() {
  jars_installed kafka || die "kafka: jars missing in $(jar_libs kafka). Fix: scripts/infra install kafka"
  local log; log="$(log_file kafka)"
  mkdir -p "$(kafka_logdirs)" "$P_CONF/kafka"
  render_template "$INFRA_CONF_DIR/kafka-server.properties" "$(kafka_props)" "KAFKA_LOG_DIRS=$(kafka_logdirs)"
  local idf="$P_DATA/kafka/cluster-id"
  if [[ ! -s "$idf" ]]; then
    kafka_random_uuid >"$idf.tmp"
    mv -f "$idf.tmp" "$idf"
  fi
  if [[ ! -f "$(kafka_logdirs)/meta.properties" ]]; then
    info "kafka: formatting storage in $(kafka_logdirs) (cluster id $(cat "$idf"))"
    kafka_tool kafka.tools.StorageTool format --cluster-id "$(cat "$idf")" --config "$(kafka_props)" \
      >>"$log" 2>&1 || die "kafka: storage format failed (see $log)"
  fi
}

kafka_launch() {
  local KAFKA_JAVA; kafka_java_base "$INFRA_CONF_DIR/kafka-log4j2.xml"
  spawn_service kafka "${KAFKA_JAVA[0]}" -Xms256m -Xmx512m \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+HeapDumpOnOutOfMemoryError "-XX:HeapDumpPath=$P_LOG" \
    "${KAFKA_JAVA[@]:1}" kafka.Kafka "$(kafka_props)"
}

# Ready = the broker answers an ApiVersions request (v0) on 9092 with error code 0. Spoken over
# bash's /dev/tcp so that a status check costs milliseconds instead of a JVM start.
#   request:  size=10 | api_key=18 | api_version=0 | correlation_id=1 | client_id=null(-1)
#   response: size(4) | correlation_id=1 (00 00 00 01) | error_code=0 (00 00) | ...
kafka_ready() {
  local hex
  # shellcheck disable=SC2016  # expanded by the inner shell
  hex="$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
    printf "\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x01\xff\xff" >&3
    head -c 10 <&3 | od -An -tx1' "$KAFKA_PORT" 2>/dev/null | tr -d ' \n')" || return 1
  [[ "${hex:8:12}" == 000000010000 ]]
}

kafka_start_check() {
  grep -q 'Kafka Server started' "$(log_file kafka)" 2>/dev/null && kafka_ready
}

kafka_wipe() { rm -rf "$P_DATA/kafka" "$P_CONF/kafka"; }

kafka_hint() {
  local log="$1"
  if grep -q 'Invalid cluster.id\|No readable meta.properties\|inconsistent clusterId\|meta.properties' "$log" 2>/dev/null; then
    echo "the Kafka storage ($(kafka_logdirs)) does not match server.properties (cluster/node id): scripts/infra reset kafka"
  fi
}
