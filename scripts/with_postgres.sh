#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL 15 server.
#
#   scripts/with_postgres.sh CMD [ARGS...]
#
# Creates a temporary cluster (trust auth, UTF-8), listening on a unix socket in
# the temp dir and on 127.0.0.1:<free port>, and the two roles of a production
# installation (docs/operations.md):
#   shidian_owner  owns database "shidian" and its tables; runs migrations (and,
#                  having CREATEDB, lets the test runner create its test database)
#   shidian_app    what the application connects as: DML on every table, but only
#                  SELECT and INSERT on the audit trail (granted by migrate)
# It exports
#   SHIDIAN_DATABASE_URL=postgresql://shidian_owner@127.0.0.1:<port>/shidian
#   SHIDIAN_APP_DATABASE_URL=postgresql://shidian_app@127.0.0.1:<port>/shidian
#   SHIDIAN_DATABASE_APP_ROLE=shidian_app
# (plus PGHOST/PGPORT/PGUSER/PGDATABASE for psql, as the superuser "postgres"),
# runs CMD, then stops the server and deletes the cluster. Exits with CMD's exit code.
#
# With PG_STANDBY=1 it also starts a hot standby of that server (pg_basebackup -R, streaming on loopback,
# its own free port) and exports
#   SHIDIAN_REPLICA_DATABASE_URL=postgresql://shidian_owner@127.0.0.1:<standby port>/shidian
# Streaming replicates the whole cluster, so the standby also holds every test database the test runner
# creates on the primary (core/db_router.py, docs/scaling.md).
#
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin), PG_PORT (default: a free port), PG_STANDBY.
# As root the server runs as the "postgres" OS user (initdb refuses root);
# otherwise as the current user. CMD always runs as the calling user, in the
# foreground (so it keeps the terminal, and Ctrl-C reaches it); the server is
# stopped once CMD has exited, whether it succeeded, failed or was interrupted.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x "$PG_BIN/initdb" ]]; then
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    PG_BIN=$(pg_config --bindir)
  else
    echo "with_postgres: initdb not found in $PG_BIN (apt-get install postgresql-15)" >&2
    exit 1
  fi
fi

if [[ $(id -u) -eq 0 ]]; then
  PG_OS_USER=postgres
  if ! id "$PG_OS_USER" >/dev/null 2>&1; then
    echo "with_postgres: running as root but there is no '$PG_OS_USER' OS user" >&2
    exit 1
  fi
else
  PG_OS_USER=$(id -un)
fi

PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/shidian-pg.XXXXXX")
chmod 0755 "$PG_TMP"
mkdir -p "$PG_TMP/data" "$PG_TMP/sock"
if [[ $(id -u) -eq 0 ]]; then
  chown -R "$PG_OS_USER:" "$PG_TMP"
fi

# Run a PostgreSQL binary as the server's OS user, from a directory it can read.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd "$PG_TMP" && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd "$PG_TMP" && "$@")
  fi
}

stop_cluster() {
  local dir=$1 pid
  if [[ -f "$dir/postmaster.pid" ]]; then
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null 2>&1; then
      pid=$(head -n 1 "$dir/postmaster.pid" 2>/dev/null || true)
      if [[ -n "$pid" ]]; then
        kill -QUIT "$pid" 2>/dev/null || true
        sleep 1
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
}

cleanup() {
  stop_cluster "$PG_TMP/standby"
  stop_cluster "$PG_TMP/data"
  rm -rf "$PG_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_TMP/initdb.log" 2>&1 || {
  cat "$PG_TMP/initdb.log" >&2
  echo "with_postgres: initdb failed" >&2
  exit 1
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port=54329
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port"
}

# A port picked as free can be taken before the server binds it: retry a few times.
started=0
for _attempt in 1 2 3 4 5; do
  PG_PORT_USED=${PG_PORT:-$(free_port)}
  # Test-only server: durability switched off for speed.
  if as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT_USED -k $PG_TMP/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null; then
    started=1
    break
  fi
  [[ -n "${PG_PORT:-}" ]] && break
done
if [[ $started -ne 1 ]]; then
  cat "$PG_TMP/server.log" >&2 || true
  echo "with_postgres: server did not start" >&2
  exit 1
fi

for _i in $(seq 1 60); do
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT_USED" -U postgres; then
    break
  fi
  sleep 0.5
done
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT_USED" -U postgres || {
  cat "$PG_TMP/server.log" >&2
  echo "with_postgres: server is not accepting connections" >&2
  exit 1
}

"$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT_USED" -U postgres -d postgres \
  -c "CREATE ROLE shidian_owner LOGIN CREATEDB" \
  -c "CREATE ROLE shidian_app LOGIN NOCREATEDB NOCREATEROLE"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT_USED" -U postgres -E UTF8 -O shidian_owner shidian

if [[ "${PG_STANDBY:-0}" == 1 ]]; then
  # The initdb defaults allow replication connections from loopback (trust) and wal_level=replica.
  as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT_USED" -U postgres -D "$PG_TMP/standby" -R \
    -X stream --checkpoint=fast >"$PG_TMP/basebackup.log" 2>&1 || {
    cat "$PG_TMP/basebackup.log" >&2
    echo "with_postgres: pg_basebackup failed" >&2
    exit 1
  }
  mkdir -p "$PG_TMP/standby-sock"
  [[ $(id -u) -eq 0 ]] && chown "$PG_OS_USER:" "$PG_TMP/standby-sock"
  standby=0
  for _attempt in 1 2 3 4 5; do
    PG_STANDBY_PORT=$(free_port)
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_TMP/standby" -l "$PG_TMP/standby.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_STANDBY_PORT -k $PG_TMP/standby-sock -c hot_standby=on -c fsync=off" \
      start >/dev/null; then
      standby=1
      break
    fi
  done
  if [[ $standby -ne 1 ]]; then
    cat "$PG_TMP/standby.log" >&2 || true
    echo "with_postgres: hot standby did not start" >&2
    exit 1
  fi
  export SHIDIAN_REPLICA_DATABASE_URL="postgresql://shidian_owner@127.0.0.1:$PG_STANDBY_PORT/shidian"
  echo "with_postgres: hot standby ready at $SHIDIAN_REPLICA_DATABASE_URL" >&2
fi

export SHIDIAN_DATABASE_URL="postgresql://shidian_owner@127.0.0.1:$PG_PORT_USED/shidian"
export SHIDIAN_APP_DATABASE_URL="postgresql://shidian_app@127.0.0.1:$PG_PORT_USED/shidian"
export SHIDIAN_DATABASE_APP_ROLE=shidian_app
export PGHOST=127.0.0.1 PGPORT=$PG_PORT_USED PGUSER=postgres PGDATABASE=shidian
echo "with_postgres: PostgreSQL ready at $SHIDIAN_DATABASE_URL" >&2

set +e
"$@"
rc=$?
set -e
exit "$rc"
