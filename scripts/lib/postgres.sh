# A throw-away PostgreSQL server for the storage tests, sourced by scripts/test (and .ci/run through
# it). Its own data folder (a fresh temporary directory) and its own port, listening on 127.0.0.1
# only, trust authentication for one role; stopped and deleted by injmap_postgres_stop (scripts/test
# calls it on exit, success or not). Never touches a PostgreSQL the machine already runs.
#
# injmap_postgres_start exports INJMAP_TEST_DATABASE_URL (postgresql://injmap@127.0.0.1:PORT/injmap)
# for the tests; where no server can be started it prints why and leaves the variable unset, and
# the PostgreSQL tests skip with that message.

INJMAP_PG_DIR=""
INJMAP_PG_RUN_AS=()

injmap_postgres_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  return 1
}

injmap_postgres_start() {
  local bin port
  unset INJMAP_TEST_DATABASE_URL
  if ! bin=$(injmap_postgres_bin); then
    echo "injmap: PostgreSQL server binaries not found (Debian package postgresql); PostgreSQL tests will skip" >&2
    return 0
  fi
  INJMAP_PG_DIR=$(mktemp -d /tmp/injmap-pg.XXXXXX)
  # initdb refuses to run as root: the server then runs as the postgres system user.
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "injmap: running as root and no 'postgres' user to run a server as; PostgreSQL tests will skip" >&2
      rm -rf "$INJMAP_PG_DIR"
      INJMAP_PG_DIR=""
      return 0
    fi
    chown postgres: "$INJMAP_PG_DIR"
    INJMAP_PG_RUN_AS=(runuser -u postgres --)
  fi
  # A free port above the usual ones, found by asking the kernel.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if ! "${INJMAP_PG_RUN_AS[@]}" "$bin/initdb" -D "$INJMAP_PG_DIR/data" -U injmap --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$INJMAP_PG_DIR/initdb.log" 2>&1; then
    echo "injmap: initdb failed (see below); PostgreSQL tests will skip" >&2
    tail -5 "$INJMAP_PG_DIR/initdb.log" >&2
    injmap_postgres_stop
    return 0
  fi
  if ! "${INJMAP_PG_RUN_AS[@]}" "$bin/pg_ctl" -D "$INJMAP_PG_DIR/data" -w -t 30 \
      -l "$INJMAP_PG_DIR/server.log" \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$INJMAP_PG_DIR -c fsync=off" \
      start >/dev/null 2>&1; then
    echo "injmap: the PostgreSQL server did not start (see below); PostgreSQL tests will skip" >&2
    tail -5 "$INJMAP_PG_DIR/server.log" >&2
    injmap_postgres_stop
    return 0
  fi
  if ! "${INJMAP_PG_RUN_AS[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U injmap injmap 2>&1; then
    echo "injmap: createdb failed; PostgreSQL tests will skip" >&2
    injmap_postgres_stop
    return 0
  fi
  export INJMAP_TEST_DATABASE_URL="postgresql://injmap@127.0.0.1:$port/injmap"
  echo "injmap: throw-away PostgreSQL server on port $port (data in $INJMAP_PG_DIR)" >&2
}

injmap_postgres_stop() {
  [ -n "$INJMAP_PG_DIR" ] || return 0
  local bin
  if [ -f "$INJMAP_PG_DIR/data/postmaster.pid" ] && bin=$(injmap_postgres_bin); then
    "${INJMAP_PG_RUN_AS[@]}" "$bin/pg_ctl" -D "$INJMAP_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$INJMAP_PG_DIR"
  INJMAP_PG_DIR=""
}
