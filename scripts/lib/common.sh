# shellcheck shell=bash
# Shared helpers of the scripts under scripts/: logging with an "[infra]" prefix, paths under
# $PARLEY_HOME, PID files, port checks, waiting with a timeout, template rendering.
# Source it; it defines functions and variables only and runs nothing.

INFRA_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$INFRA_LIB_DIR/../.." && pwd)"
# shellcheck disable=SC2034  # used by the service files
INFRA_CONF_DIR="$REPO_ROOT/conf/infra"

# Everything the local services write (jars, data, logs, pids, generated configs, secrets) lives
# below this one git-ignored folder.
PARLEY_HOME="${PARLEY_HOME:-$REPO_ROOT/.parley}"
case "$PARLEY_HOME" in
  /*) ;;
  *) PARLEY_HOME="$(pwd)/$PARLEY_HOME" ;;
esac
P_OPT="$PARLEY_HOME/opt"
P_DATA="$PARLEY_HOME/data"
P_LOG="$PARLEY_HOME/log"
P_RUN="$PARLEY_HOME/run"
P_CONF="$PARLEY_HOME/conf"
P_SECRETS="$PARLEY_HOME/secrets"
P_TMP="$PARLEY_HOME/tmp"

# ---------------------------------------------------------------------------------------------
# Output. Everything human-readable goes to stderr so that stdout stays clean for `env`.

log()  { printf '[infra] %s\n' "$*" >&2; }
info() { log "$@"; }
warn() { printf '[infra] WARNING: %s\n' "$*" >&2; }
# In a service's start job (DIE_RESULT_FILE set) the message becomes the job's result, which the
# parent prints with the diagnostics; elsewhere it is printed at once.
die() {
  if [[ -n "${DIE_RESULT_FILE:-}" ]]; then
    printf 'fail %s\n' "$*" >"$DIE_RESULT_FILE"
  else
    printf '[infra] ERROR: %s\n' "$*" >&2
  fi
  exit 1
}

# Seconds since the epoch with one decimal, and elapsed time since such a stamp.
now() { date +%s.%N | cut -c1-12; }
elapsed_since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

ensure_dirs() {
  mkdir -p "$P_OPT" "$P_DATA" "$P_LOG" "$P_RUN" "$P_CONF" "$P_TMP"
  mkdir -p "$P_SECRETS"
  chmod 700 "$P_SECRETS"
}

# Serialises the commands that change state (install/start/stop/reset) between concurrent
# invocations. fd 9 must not leak into the services (see spawn_service), or they would hold it.
acquire_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$P_RUN/infra.lock"
  if ! flock -n 9; then
    log "another scripts/infra command is running; waiting for it (up to 10 min)…"
    flock -w 600 9 || die "could not get $P_RUN/infra.lock after 10 min: is a 'scripts/infra' command stuck? (see: ps -ef | grep scripts/infra)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Files of a service.

log_file()    { printf '%s/%s.log' "$P_LOG" "$1"; }
pid_file()    { printf '%s/%s.pid' "$P_RUN" "$1"; }
result_file() { printf '%s/%s.start-result' "$P_RUN" "$1"; }

# Keeps the previous log as <svc>.log.prev, so that a fresh start has a log of its own (ready
# checks grep the log and must not see lines of an earlier run).
rotate_log() {
  local f="$1"
  if [[ -s "$f" ]]; then mv -f "$f" "$f.prev"; fi
  : >"$f"
}

tail_log() {
  local f="$1" n="${2:-20}"
  if [[ -s "$f" ]]; then
    tail -n "$n" "$f" | cut -c1-300 | sed 's/^/    | /' >&2
  else
    log "    (log $f is empty or missing)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Processes. A PID is only "ours" if the process is alive, not a zombie, and its command line
# contains the service's marker (guards against PID reuse after a reboot or kill -9).

read_pid() {
  local f; f="$(pid_file "$1")"
  [[ -s "$f" ]] || return 1
  local pid; pid="$(head -n1 "$f" | tr -dc '0-9')"
  [[ -n "$pid" ]] || return 1
  printf '%s' "$pid"
}

pid_matches() {
  local pid="$1" marker="$2"
  [[ -d "/proc/$pid" ]] || return 1
  local state; state="$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z && "$state" != X ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

# Starts "$@" in its own session (so it survives this shell and owns a process group), with
# stdin from /dev/null and stdout+stderr appended to the log. The PID written is the service's
# own PID: the wrapper shell writes $$ and then execs the command.
spawn_service() {
  local svc="$1"; shift
  local log pidf
  log="$(log_file "$svc")"; pidf="$(pid_file "$svc")"
  rm -f "$pidf"
  # shellcheck disable=SC2016  # expanded by the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$log" 2>&1 9>&- &
  local _
  for _ in $(seq 1 50); do
    [[ -s "$pidf" ]] && return 0
    sleep 0.1
  done
  return 1
}

# Sends $2 to $1, waits up to $3 s for it to exit, then SIGKILLs its process group.
terminate_pid() {
  local pid="$1" sig="$2" timeout="$3" marker="$4"
  kill "-$sig" "$pid" 2>/dev/null || true
  local deadline=$(( $(date +%s) + timeout ))
  while pid_matches "$pid" "$marker"; do
    if (( $(date +%s) >= deadline )); then
      warn "pid $pid did not exit within ${timeout}s after SIG$sig; sending SIGKILL"
      local pgid; pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)"
      if [[ "$pgid" == "$pid" ]]; then kill -KILL -- "-$pid" 2>/dev/null || true; fi
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      break
    fi
    sleep 0.3
  done
  ! pid_matches "$pid" "$marker"
}

# ---------------------------------------------------------------------------------------------
# Ports (TCP, any local address).

port_listening() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# What holds a port, for error messages.
port_holder() {
  local port="$1"
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$port" 2>/dev/null || true
  fi
}

# ---------------------------------------------------------------------------------------------
# Waiting. wait_for TIMEOUT_S DESCRIPTION CMD... polls CMD every 0.5 s until it succeeds.

wait_for() {
  local timeout="$1" desc="$2"; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      warn "timed out after ${timeout}s waiting for $desc"
      return 1
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------------------------------------
# Templates: render SRC DST NAME=VALUE... replaces every @NAME@ in SRC by VALUE.

render_template() {
  local src="$1" dst="$2"; shift 2
  [[ -r "$src" ]] || die "template $src is missing (is the checkout complete?)"
  local content; content="$(<"$src")"
  local kv name value
  for kv in "$@"; do
    name="${kv%%=*}"; value="${kv#*=}"
    content="${content//@${name}@/$value}"
  done
  if [[ "$content" =~ @[A-Z_]+@ ]]; then
    die "template $src has an unreplaced placeholder ${BASH_REMATCH[0]}"
  fi
  printf '%s\n' "$content" >"$dst.tmp"
  mv -f "$dst.tmp" "$dst"
}

# Short stable id of this PARLEY_HOME (for paths outside it, e.g. /var/lib/parley/<id>).
home_id() { printf '%s' "$PARLEY_HOME" | sha256sum | cut -c1-12; }

# Random secret: hex, so it is safe in URLs, SQL literals and shell without quoting.
random_secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s' "$JAVA_HOME/bin/java"
  else
    command -v java || return 1
  fi
}

java_major() {
  local j; j="$(java_bin)" || return 1
  "$j" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}
