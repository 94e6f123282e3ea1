#!/bin/sh
# Run by the `temporal-namespace` service (temporalio/admin-tools) once the server is healthy: creates the
# namespace the apps use when it does not exist. The search attributes are registered by the scheduler
# (`@btc/schedules` ensureSearchAttributes), so this file knows nothing about them.
set -eu
namespace=${TEMPORAL_NAMESPACE:-default}
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do sleep 2; done
temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$namespace" >/dev/null 2>&1 \
  || temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$namespace" --retention 7d
echo "namespace $namespace ready"
