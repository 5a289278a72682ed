#!/usr/bin/env bash
# `make run`: release build, then `kfast topics` (after creating `demo`) against BROKERS (host:port[,host:port]) when set,
# else against a Tansu started for the occasion (run folder .test-run/run) and stopped afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

"$HARNESS_DIR/ensure-deps.sh"
swift build -c release
kfast="$ROOT/.build/release/kfast"
if [ -n "${BROKERS:-}" ]; then
    exec "$kfast" topics -b "$BROKERS"
fi
# The embedded broker gets the `demo` topic the dashboard will open on (8 partitions).
exec "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run/run" --only tansu \
    bash -c '"$0" create-topic demo -p 8 -b "$KAFKA_FAST_TANSU" && "$0" topics -b "$KAFKA_FAST_TANSU"' "$kfast"
