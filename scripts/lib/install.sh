# shellcheck shell=bash
# Installation of the local services: Debian packages through apt, Kafka and Cassandra jars from
# Maven Central through the small poms in conf/infra. Idempotent and cached: only what is
# missing is installed. Needs common.sh.

KAFKA_VERSION=4.1.1
CASSANDRA_VERSION=5.0.6
MAVEN_DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

# Debian packages a service needs.
apt_packages_for() {
  case "$1" in
    postgres)  echo postgresql-15 postgresql-client-15 ;;
    redis)     echo redis-server redis-tools ;;
    etcd)      echo etcd-server etcd-client ;;
    kafka|cassandra) ;;
  esac
}

dpkg_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing_apt_packages() {
  local svc pkg
  local -a want=()
  for svc in "$@"; do
    for pkg in $(apt_packages_for "$svc"); do want+=("$pkg"); done
  done
  command -v ss >/dev/null 2>&1 || want+=(iproute2)
  command -v setsid >/dev/null 2>&1 && command -v runuser >/dev/null 2>&1 || want+=(util-linux)
  for pkg in "${want[@]}"; do
    dpkg_installed "$pkg" || echo "$pkg"
  done | sort -u
}

install_apt() {
  local -a pkgs=("$@")
  (( ${#pkgs[@]} )) || return 0
  local alog="$P_LOG/install-apt.log"
  if (( EUID != 0 )); then
    die "apt packages missing: ${pkgs[*]}. Run as root, or install them first: sudo apt-get install -y --no-install-recommends ${pkgs[*]}"
  fi
  local started; started="$(now)"
  log "installing Debian packages: ${pkgs[*]} (apt-get update + install, ~30 s)… log: $alog"
  # Debian starts a freshly installed daemon unless a policy-rc.d says no; ours must not race
  # the distro's redis/etcd/postgres for the same ports, so forbid it for the duration.
  local own_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}"
  } >"$alog" 2>&1 || rc=$?
  if [[ -n "$own_policy" ]]; then rm -f /usr/sbin/policy-rc.d; fi
  if (( rc != 0 )); then
    log "apt-get failed (exit $rc); last lines of $alog:"
    tail_log "$alog" 20
    if grep -q 'Could not get lock' "$alog"; then
      die "apt is locked by another apt/dpkg process: wait for it to finish, then run scripts/infra install again"
    fi
    die "could not install ${pkgs[*]}: check the network to the Debian mirror, then run scripts/infra install again"
  fi
  log "Debian packages installed in $(elapsed_since "$started")s"
}

# ---------------------------------------------------------------------------------------------
# Jars from Maven Central. $P_OPT/<svc>/libs holds them; $P_OPT/<svc>/.installed records the
# version and a hash of the pom, so editing the pom triggers a fresh fetch.

jar_pom()     { printf '%s/%s-pom.xml' "$INFRA_CONF_DIR" "$1"; }
jar_version() { case "$1" in kafka) echo "$KAFKA_VERSION" ;; cassandra) echo "$CASSANDRA_VERSION" ;; esac; }
jar_libs()    { printf '%s/%s/libs' "$P_OPT" "$1"; }

jar_marker_expected() {
  local pom; pom="$(jar_pom "$1")"
  printf '%s %s pom-sha256=%s\n' "$1" "$(jar_version "$1")" "$(sha256sum "$pom" | cut -c1-16)"
}

jars_installed() {
  # The SNS stand-in is built from this repository's sources, not fetched (svc-sns.sh).
  if [[ "$1" == sns ]]; then sns_installed; return; fi
  if [[ "$1" == s3 ]]; then s3_installed; return; fi
  local svc="$1" marker="$P_OPT/$1/.installed"
  [[ -f "$marker" ]] || return 1
  [[ "$(cat "$marker")" == "$(jar_marker_expected "$svc")" ]] || return 1
  compgen -G "$(jar_libs "$svc")/*.jar" >/dev/null
}

# Fetches the jars of one service. Runs in the background while apt works (no shared state).
install_jars() {
  local svc="$1"
  if [[ "$svc" == sns ]]; then sns_install; return; fi
  if [[ "$svc" == s3 ]]; then s3_install; return; fi
  jars_installed "$svc" && return 0
  command -v mvn >/dev/null 2>&1 || die "$svc: Maven (mvn) is not installed; fix: apt-get install -y maven"
  local major; major="$(java_major || true)"
  [[ -n "$major" && "$major" -ge 17 ]] || die "$svc: needs Java 17 or newer (found '${major:-none}'); fix: apt-get install -y openjdk-17-jdk-headless, or set JAVA_HOME"
  local version pom mlog started
  version="$(jar_version "$svc")"; pom="$(jar_pom "$svc")"; mlog="$P_LOG/install-$svc.log"
  started="$(now)"
  log "installing $svc $version jars from Maven Central (first time on a machine: ~1 min; later: ~10 s)… log: $mlog"
  local stage="$P_OPT/$svc.staging"
  rm -rf "$stage"; mkdir -p "$stage/libs"
  if ! mvn -B -q -f "$pom" "$MAVEN_DEP_PLUGIN:copy-dependencies" \
        -DoutputDirectory="$stage/libs" -DincludeScope=runtime \
        -Dparley.build.dir="$P_TMP/mvn-$svc" >"$mlog" 2>&1; then
    log "$svc: Maven failed; last lines of $mlog:"
    tail_log "$mlog" 20
    rm -rf "$stage"
    die "$svc: could not fetch the jars of $pom. Check the network to Maven Central (or ~/.m2/settings.xml), then run scripts/infra install $svc again"
  fi
  rm -rf "${P_OPT:?}/$svc"
  mv "$stage" "$P_OPT/$svc"
  jar_marker_expected "$svc" >"$P_OPT/$svc/.installed"
  log "$svc $version jars installed ($(find "$(jar_libs "$svc")" -name '*.jar' | wc -l) jars, $(du -sh "$(jar_libs "$svc")" | cut -f1)) in $(elapsed_since "$started")s"
}

# Installs what the given services need and is missing: apt packages and jars in parallel.
install_services() {
  local -a svcs=("$@")
  local -a pkgs jar_svcs=()
  mapfile -t pkgs < <(missing_apt_packages "${svcs[@]}")
  local s
  local pid
  for s in "${svcs[@]}"; do
    case "$s" in
      kafka|cassandra|sns|s3)
        jars_installed "$s" && continue
        # Never swap the jars under a running JVM (it loads classes lazily and would crash).
        if pid="$(read_pid "$s")" && pid_matches "$pid" "$("${s}_marker")"; then
          warn "$s: $(jar_pom "$s") changed but $s is running (pid $pid); to use the new jars: scripts/infra stop $s && scripts/infra start $s"
          continue
        fi
        jar_svcs+=("$s") ;;
    esac
  done
  if (( ${#pkgs[@]} == 0 && ${#jar_svcs[@]} == 0 )); then
    return 0
  fi
  local started; started="$(now)"
  local jar_pid=""
  if (( ${#jar_svcs[@]} )); then
    # One Maven at a time: concurrent runs may write the same artifact into ~/.m2 at once.
    ( for s in "${jar_svcs[@]}"; do install_jars "$s"; done ) &
    jar_pid=$!
  fi
  local apt_rc=0 jar_rc=0
  ( install_apt "${pkgs[@]}" ) || apt_rc=$?
  if [[ -n "$jar_pid" ]]; then wait "$jar_pid" || jar_rc=$?; fi
  (( apt_rc == 0 && jar_rc == 0 )) || die "install failed (see the messages above)"
  log "install finished in $(elapsed_since "$started")s"
}
