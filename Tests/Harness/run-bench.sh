#!/usr/bin/env bash
# `make bench`: release build, then .build/release/KafkaBench (if the package has it) with both
# brokers up, as for the tests (run folder .test-run/bench). Arguments go to KafkaBench.
# A benchmark that wants a fresh broker per run can call $KAFKA_FAST_HARNESS/brokers.sh itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

"$HARNESS_DIR/ensure-deps.sh"
swift build -c release
bench="$ROOT/.build/release/KafkaBench"
if [ ! -x "$bench" ]; then
    say "no KafkaBench product in the package yet: nothing to run"
    exit 0
fi
exec "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run/bench" "$bench" "$@"
