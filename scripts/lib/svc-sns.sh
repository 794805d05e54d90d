# shellcheck shell=bash
# The local SNS stand-in (tools/sns-local, docs/push.md) on 127.0.0.1:9911: a test tool of this project that
# speaks the SNS Query API subset Parley uses and records every publish. It is a stand-in, not AWS: it checks no
# signature and delivers nothing. Built from the repository's sources into $P_OPT/sns (rebuilt when they change);
# it keeps everything in memory, so there is no data to wipe. The sixth service, on unless PARLEY_LOCAL_SNS=0.

SNS_PORT=9911

sns_enabled()     { [[ "${PARLEY_LOCAL_SNS:-1}" != 0 ]]; }
sns_ports()       { echo "$SNS_PORT"; }
sns_timeout()     { echo "${PARLEY_INFRA_TIMEOUT:-30}"; }
sns_stop_signal() { echo TERM; }
sns_marker()      { printf '%s/sns/sns-local.jar' "$P_OPT"; }
sns_url()         { printf 'http://127.0.0.1:%s' "$SNS_PORT"; }

# A hash of the stand-in's sources and poms: a change rebuilds the jar on the next install/start.
sns_source_hash() {
  (cd "$REPO_ROOT" && find tools/sns-local/src tools/sns-local/pom.xml pom.xml -type f -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

sns_installed() {
  [[ -f "$(sns_marker)" && "$(cat "$P_OPT/sns/.installed" 2>/dev/null)" == "sns-local $(sns_source_hash)" ]]
}

sns_install() {
  sns_installed && return 0
  command -v mvn >/dev/null 2>&1 || die "sns: Maven (mvn) is not installed; fix: apt-get install -y maven"
  local mlog="$P_LOG/install-sns.log" started; started="$(now)"
  log "building the local SNS stand-in (tools/sns-local) with Maven… log: $mlog"
  if ! (cd "$REPO_ROOT" && mvn -B -q -f tools/sns-local/pom.xml package -DskipTests) >"$mlog" 2>&1; then
    tail_log "$mlog" 20
    die "sns: the build of tools/sns-local failed (see $mlog)"
  fi
  mkdir -p "$P_OPT/sns"
  cp -f "$REPO_ROOT/tools/sns-local/target/sns-local.jar" "$(sns_marker)"
  echo "sns-local $(sns_source_hash)" >"$P_OPT/sns/.installed"
  log "sns stand-in built in $(elapsed_since "$started")s"
}

sns_prepare() {
  [[ -f "$(sns_marker)" ]] || die "sns: $(sns_marker) missing. Fix: scripts/infra install sns"
}

sns_launch() {
  spawn_service sns "$(java_bin)" -Xmx64m -XX:+UseSerialGC -jar "$(sns_marker)" --host 127.0.0.1 --port "$SNS_PORT"
}

sns_ready() {
  curl -sf -m 3 "$(sns_url)/_local/health" >/dev/null 2>&1
}

sns_wipe() { :; }

sns_hint() { :; }
