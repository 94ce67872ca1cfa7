#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1:$PGPORT as the postgres user, in a temporary directory.
# Prints the connection URL on its last line. Usage: source-free; `url=$(bash .ci/postgres.sh | tail -1)`.
set -euo pipefail
PGPORT="${PGPORT:-54329}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/cairn-ci.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/cairn-pg.XXXXXX)
chown postgres:postgres "$DIR"
echo cairn > "$DIR/pwfile"
chown postgres:postgres "$DIR/pwfile"
runuser -u postgres -- "$BIN/initdb" -D "$DIR/data" -U cairn --pwfile="$DIR/pwfile" --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >&2
runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -o "-p $PGPORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=500" -w start >&2
runuser -u postgres -- "$BIN/createdb" -h "$DIR" -p "$PGPORT" -U cairn cairn >&2
# Check the credentials with psql first: PostgresNIO hides a wrong password behind a minute of retries.
PGPASSWORD=cairn psql -h 127.0.0.1 -p "$PGPORT" -U cairn -d cairn -tAc "select 'postgres ready: ' || version()" >&2
echo "$DIR" > /tmp/cairn-pg-dir
echo "postgres://cairn:cairn@127.0.0.1:$PGPORT/cairn?sslmode=disable"
