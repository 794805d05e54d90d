# shellcheck shell=bash
# Adobe S3Mock 4.12.4 (the exec jar from Maven Central) as the local S3 of the attachment store (docs/media.md):
# started only when the S3 backend is selected — PARLEY_MEDIA_STORAGE=s3 in the environment of scripts/up,
# scripts/infra and scripts/nodes (the same variable the nodes read for media.storage). PARLEY_LOCAL_S3=0 leaves it
# out (nodes then use the S3 of PARLEY_MEDIA_S3_ENDPOINT, or AWS).
#
# Ports: S3Mock's main connector is turned into plain HTTP and bound to 127.0.0.1:$S3_PORT (9913): the nodes use it.
# S3Mock always opens a second, plain-HTTP connector that has no address setting and so binds EVERY interface; it is
# put on $S3_EXTRA_PORT (9914), which nothing of Parley uses. Whoever can reach that port from another host can read,
# overwrite or delete the stored objects (no credentials are checked). They are attachment ciphertext (file keys
# never reach the server), so nothing readable leaks, but files can be destroyed: run it only on a machine whose
# non-loopback interfaces are not reachable by others (a developer machine or a CI VM), as these are.
# `scripts/infra status` repeats this while it runs. Objects live under $P_DATA/s3 (wiped by `reset s3`).

S3MOCK_VERSION=4.12.4
S3_PORT="${PARLEY_S3MOCK_PORT:-9913}"
S3_EXTRA_PORT="${PARLEY_S3MOCK_EXTRA_PORT:-9914}"
S3_BUCKET="${PARLEY_MEDIA_S3_BUCKET:-parley-media}"

s3_enabled()     { [[ "${PARLEY_MEDIA_STORAGE:-filesystem}" == s3 && "${PARLEY_LOCAL_S3:-1}" != 0 ]]; }
s3_ports()       { echo "$S3_PORT $S3_EXTRA_PORT"; }
s3_timeout()     { echo "${PARLEY_INFRA_TIMEOUT:-90}"; }
s3_stop_signal() { echo TERM; }
s3_marker()      { printf '%s/s3/s3mock-%s-exec.jar' "$P_OPT" "$S3MOCK_VERSION"; }
s3_url()         { printf 'http://127.0.0.1:%s' "$S3_PORT"; }

s3_installed() { [[ -f "$(s3_marker)" ]]; }

s3_install() {
  s3_installed && return 0
  command -v mvn >/dev/null 2>&1 || die "s3: Maven (mvn) is not installed; fix: apt-get install -y maven"
  local mlog="$P_LOG/install-s3.log" started; started="$(now)"
  log "fetching S3Mock $S3MOCK_VERSION (exec jar, ~70 MB) from Maven Central… log: $mlog"
  mkdir -p "$P_OPT/s3"
  if ! mvn -B -q "$MAVEN_DEP_PLUGIN:copy" -Dartifact="com.adobe.testing:s3mock:$S3MOCK_VERSION:jar:exec" \
        -DoutputDirectory="$P_OPT/s3" >"$mlog" 2>&1; then
    tail_log "$mlog" 20
    die "s3: could not fetch com.adobe.testing:s3mock:$S3MOCK_VERSION:exec; check the network to Maven Central, then run scripts/infra install s3 again"
  fi
  [[ -f "$(s3_marker)" ]] || die "s3: Maven did not leave $(s3_marker) (see $mlog)"
  log "S3Mock fetched in $(elapsed_since "$started")s"
}

s3_prepare() {
  [[ -f "$(s3_marker)" ]] || die "s3: $(s3_marker) missing. Fix: scripts/infra install s3"
  mkdir -p "$P_DATA/s3"
}

# The marker (jar path) identifies the process; retainFilesOnExit keeps the objects across restarts, like a real S3.
s3_launch() {
  spawn_service s3 "$(java_bin)" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$(s3_marker)" \
    --server.address=127.0.0.1 --server.port="$S3_PORT" --server.ssl.enabled=false \
    --com.adobe.testing.s3mock.http-port="$S3_EXTRA_PORT" \
    --com.adobe.testing.s3mock.store.root="$P_DATA/s3" \
    --com.adobe.testing.s3mock.store.retain-files-on-exit=true \
    --com.adobe.testing.s3mock.store.initial-buckets="$S3_BUCKET" \
    --logging.level.root=WARN --logging.level.com.adobe.testing.s3mock.S3MockApplication=INFO
}

# Ready: the bucket the nodes use answers a HEAD on the loopback connector.
s3_ready() {
  curl -sf -m 3 -o /dev/null -I "$(s3_url)/$S3_BUCKET"
}

s3_wipe() { rm -rf "${P_DATA:?}/s3"; }

s3_hint() {
  if grep -q 'UnsupportedClassVersionError' "$1" 2>/dev/null; then echo "S3Mock $S3MOCK_VERSION needs Java 17"; fi
}

# What status prints while it runs (the connector it cannot keep off other interfaces).
s3_notice() {
  log "s3: S3Mock's extra HTTP connector listens on every interface, port $S3_EXTRA_PORT (unused by Parley; objects are ciphertext but could be deleted by anyone reaching it): keep non-loopback interfaces firewalled (docs/media.md)"
}

s3_env() {
  emit PARLEY_MEDIA_STORAGE s3
  emit PARLEY_MEDIA_S3_ENDPOINT "$(s3_url)"
  emit PARLEY_MEDIA_S3_PATH_STYLE true
  emit PARLEY_MEDIA_S3_BUCKET "$S3_BUCKET"
  # S3Mock checks no credentials; these only keep the SDK's default chain from looking for real ones.
  emit PARLEY_MEDIA_S3_ACCESS_KEY_ID local-s3mock
  emit PARLEY_MEDIA_S3_SECRET_ACCESS_KEY local-s3mock
}
