#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server and NERVEMAP_TEST_DATABASE_URL pointing at it.
#   scripts/with_postgres.sh .venv/bin/pytest tests/api tests/store
# PostgreSQL refuses to run as root, so the server runs as the `postgres` user from a data folder
# in /tmp; it listens on 127.0.0.1 only and is stopped (and its folder removed) on exit.
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PGPORT=${PGPORT:-54329}
PGDATA=$(mktemp -d /tmp/nervemap-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PGDATA"
  RUN_AS=(runuser -u postgres --)
fi

stop() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap stop EXIT

"${RUN_AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off" start >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q -c 'CREATE DATABASE nervemap_test;'

export NERVEMAP_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/nervemap_test"
"$@"
