#!/bin/sh
# Run by the `temporal-namespace` service (temporalio/admin-tools) once the server is healthy: creates the
# namespace the apps use (TEMPORAL_NAMESPACE) when it does not exist. The search attributes are registered by the
# scheduler (`@btc/schedules` ensureSearchAttributes), so this file knows nothing about them.
# Every wait is bounded: it gives up after TEMPORAL_NAMESPACE_WAIT_SECONDS (default 120) with a message, and each
# CLI call after 10 s.
set -eu
namespace=${TEMPORAL_NAMESPACE:?set TEMPORAL_NAMESPACE}
address=${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}
retention=${TEMPORAL_NAMESPACE_RETENTION:-7d}
wait_seconds=${TEMPORAL_NAMESPACE_WAIT_SECONDS:-120}
deadline=$(($(date +%s) + wait_seconds))
cli() { temporal "$@" --address "$address" --command-timeout 10s; }

until cli operator cluster health >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "namespace: Temporal at $address was not healthy within ${wait_seconds}s (TEMPORAL_NAMESPACE_WAIT_SECONDS); see \`docker compose logs temporal\`" >&2
    exit 1
  fi
  sleep 2
done
until cli operator namespace describe -n "$namespace" >/dev/null 2>&1 \
  || cli operator namespace create -n "$namespace" --retention "$retention" >/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "namespace: could not create namespace $namespace on $address within ${wait_seconds}s" >&2
    exit 1
  fi
  sleep 2
done
echo "namespace $namespace ready"
