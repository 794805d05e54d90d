# shellcheck shell=bash
# PostgreSQL 15 on 127.0.0.1:5432: database `parley` owned by role `parley`, whose password is
# generated once into $PARLEY_HOME/secrets/pg-password. Runs as the OS user `postgres` (it
# refuses root), so its data directory must be reachable by that user: when $PARLEY_HOME is not
# (e.g. a clone under /root, mode 700), the data lives in /var/lib/parley/<id>/postgres and
# $PARLEY_HOME/data/postgres is a symlink to it.

PG_BIN="${PARLEY_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_PORT=5432
PG_DATABASE=parley
PG_USER=parley
PG_PASSWORD_FILE="$P_SECRETS/pg-password"

postgres_ports()       { echo "$PG_PORT"; }
postgres_timeout()     { echo "${PARLEY_INFRA_TIMEOUT:-60}"; }
# SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every client to leave.
postgres_stop_signal() { echo INT; }
postgres_marker()      { printf 'postgres -D %s' "$(pg_real_dir)"; }

pg_link() { printf '%s/postgres' "$P_DATA"; }

pg_real_dir() {
  local link; link="$(pg_link)"
  if [[ -L "$link" ]]; then readlink -f "$link" || readlink "$link"; else printf '%s' "$link"; fi
}

pg_socket_dir() {
  local d; d="$(dirname "$(pg_real_dir)")/postgres-socket"
  # A Unix socket path is limited to 107 bytes: fall back to /tmp for deep checkouts.
  if (( ${#d} > 90 )); then d="/tmp/parley-pg-$(home_id)"; fi
  printf '%s' "$d"
}

ensure_pg_password() {
  ensure_dirs
  if [[ ! -s "$PG_PASSWORD_FILE" ]]; then
    (umask 077 && random_secret >"$PG_PASSWORD_FILE.tmp")
    mv -f "$PG_PASSWORD_FILE.tmp" "$PG_PASSWORD_FILE"
  fi
  chmod 600 "$PG_PASSWORD_FILE"
}

pg_password() { tr -d '\n' <"$PG_PASSWORD_FILE"; }

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# Where the data directory goes: inside $PARLEY_HOME if the postgres user can traverse it.
pg_place_datadir() {
  local link; link="$(pg_link)"
  if [[ -L "$link" ]]; then
    mkdir -p "$(readlink "$link")"
  elif [[ ! -e "$link" ]]; then
    if as_postgres test -x "$P_DATA" && as_postgres test -r "$P_DATA"; then
      mkdir -p "$link"
    else
      local base; base="/var/lib/parley/$(home_id)"
      info "postgres: $P_DATA is not reachable by the OS user postgres; data goes to $base/postgres (symlinked)"
      mkdir -p "$base/postgres"
      chmod 755 /var/lib/parley "$base"
      printf '%s\n' "$PARLEY_HOME" >"$base/owner"
      ln -sfn "$base/postgres" "$link"
    fi
  elif ! as_postgres test -x "$link"; then
    die "postgres: data dir $link exists but the OS user postgres cannot reach it (was the checkout moved?). Fix: scripts/infra reset postgres"
  fi
}

postgres_prepare() {
  id postgres >/dev/null 2>&1 || die "postgres: the OS user 'postgres' does not exist. Fix: scripts/infra install postgres (apt-get install postgresql-15)"
  [[ -x "$PG_BIN/initdb" ]] || die "postgres: $PG_BIN/initdb not found. Fix: scripts/infra install postgres (apt-get install postgresql-15)"
  ensure_pg_password
  pg_place_datadir
  local real sock log
  real="$(pg_real_dir)"; sock="$(pg_socket_dir)"; log="$(log_file postgres)"
  chown postgres:postgres "$real"; chmod 700 "$real"
  mkdir -p "$sock"; chown postgres:postgres "$sock"; chmod 755 "$sock"
  if [[ ! -f "$real/PG_VERSION" ]]; then
    info "postgres: initialising a new cluster in $real"
    find "$real" -mindepth 1 -delete
    as_postgres "$PG_BIN/initdb" -D "$real" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >>"$log" 2>&1 \
      || die "postgres: initdb failed (see $log)"
    printf "\n# Parley: local settings, rewritten by scripts/infra on every start\ninclude_if_exists = 'parley.conf'\n" \
      >>"$real/postgresql.conf"
  fi
  render_template "$INFRA_CONF_DIR/postgresql.conf" "$real/parley.conf" "PG_SOCKET_DIR=$sock"
  cp -f "$INFRA_CONF_DIR/pg_hba.conf" "$real/pg_hba.conf"
  chown postgres:postgres "$real/parley.conf" "$real/pg_hba.conf"
  chmod 600 "$real/parley.conf" "$real/pg_hba.conf"
}

# pg_ctl forks the postmaster into a session of its own and returns; the postmaster writes its
# PID into postmaster.pid, which becomes ours.
postgres_launch() {
  local real log pidf
  real="$(pg_real_dir)"; log="$(log_file postgres)"; pidf="$(pid_file postgres)"
  rm -f "$pidf"
  (cd / && setsid runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$real" -W start) </dev/null >>"$log" 2>&1 9>&- \
    || return 1
  local _ pid
  for _ in $(seq 1 100); do
    pid="$(head -n1 "$real/postmaster.pid" 2>/dev/null | tr -dc '0-9' || true)"
    if [[ -n "$pid" ]] && pid_matches "$pid" "$(postgres_marker)"; then
      echo "$pid" >"$pidf"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

pg_provision() {
  local pw; pw="$(pg_password)"
  as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(pg_socket_dir)" -p "$PG_PORT" -U postgres -d postgres \
    >>"$(log_file postgres)" 2>&1 <<SQL
SELECT 'CREATE ROLE $PG_USER LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER')\gexec
ALTER ROLE $PG_USER WITH LOGIN PASSWORD '$pw';
SELECT 'CREATE DATABASE $PG_DATABASE OWNER $PG_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DATABASE')\gexec
SQL
}

# Ready = accepts TCP connections and the parley role can log in to the parley database with
# the generated password.
postgres_ready() {
  [[ -s "$PG_PASSWORD_FILE" ]] || return 1
  "$PG_BIN/pg_isready" -q -t 2 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" || return 1
  local out
  out="$(PGPASSWORD="$(pg_password)" PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -X -A -t -q \
          -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" -c 'select 1' 2>/dev/null)" || return 1
  [[ "$out" == 1 ]]
}

# During start: once the server answers on its socket, create/refresh the role and database.
PG_PROVISIONED=""
postgres_start_check() {
  if [[ -z "$PG_PROVISIONED" ]]; then
    as_postgres "$PG_BIN/pg_isready" -q -t 2 -h "$(pg_socket_dir)" -p "$PG_PORT" -U postgres -d postgres || return 1
    pg_provision || return 1
    PG_PROVISIONED=1
  fi
  postgres_ready
}

postgres_wipe() {
  local link real
  link="$(pg_link)"; real="$(pg_real_dir)"
  rm -rf "$link"
  if [[ "$real" == /var/lib/parley/*/postgres ]]; then
    rm -rf "$(dirname "$real")"   # data, socket dir and owner note of this PARLEY_HOME
  else
    rm -rf "$real"
  fi
}

postgres_hint() {
  local log="$1"
  if grep -q 'lock file .* already exists' "$log" 2>/dev/null; then
    echo "another PostgreSQL uses this data dir or the socket; stop it (ps -ef | grep postgres) and retry"
  fi
  if grep -q 'database files are incompatible' "$log" 2>/dev/null; then
    echo "the data dir was made by another PostgreSQL version: scripts/infra reset postgres"
  fi
  if grep -q 'could not create shared memory segment' "$log" 2>/dev/null; then
    echo "not enough shared memory: free memory, or lower shared_buffers in conf/infra/postgresql.conf"
  fi
}
