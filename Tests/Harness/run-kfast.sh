#!/usr/bin/env bash
# `make run`: release build, then the dashboard (`kfast dash`) against BROKERS (host:port[,host:port]) when set,
# else against a Tansu started for the occasion (run folder .test-run/run) with an 8-partition `demo` topic and
# the load generator sending 200 msg/s to it; quitting the dashboard (q) stops that Tansu.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

"$HARNESS_DIR/ensure-deps.sh"
swift build -c release --static-swift-stdlib
kfast="$ROOT/.build/release/kfast"
if [ -n "${BROKERS:-}" ]; then
    exec "$kfast" dash -b "$BROKERS"
fi
# The embedded broker gets the `demo` topic the dashboard opens on (8 partitions), with load so there is something to see.
exec "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run/run" --only tansu \
    bash -c '"$0" create-topic demo -p 8 -b "$KAFKA_FAST_TANSU" && "$0" dash -b "$KAFKA_FAST_TANSU" -t demo --load 200' "$kfast"
