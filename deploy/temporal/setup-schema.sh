#!/bin/sh
# Run once per deploy by the `temporal-schema` service (temporalio/admin-tools): creates the Temporal
# databases in PostgreSQL if needed and brings both schemas to the version this admin-tools image ships.
# Replaces what the deprecated temporalio/auto-setup image did at server start.
set -eu
sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }  # password: SQL_PASSWORD
schemas=/etc/temporal/schema/postgresql/v12

for db in temporal temporal_visibility; do
  dir=temporal
  [ "$db" = temporal_visibility ] && dir=visibility
  echo "schema: $db"
  sql --db "$db" create || echo "schema: $db exists"
  sql --db "$db" setup-schema -v 0.0
  sql --db "$db" update-schema -d "$schemas/$dir/versioned"
done
