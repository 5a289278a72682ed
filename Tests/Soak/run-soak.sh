#!/usr/bin/env bash
# `make soak` (not part of make test): brokers of its own (.test-run/soak), then
#   1. SoakTests: 5 million messages (KAFKA_FAST_SOAK_MESSAGES) through faults, read back;
#   2. the corrupting-proxy sweep: CorruptedAnswerTests with KAFKA_FAST_CORRUPTION_RUNS runs (300).
# Each prints its numbers; the soak's report is also left in .test-run/soak/soak-*/report.txt.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../Harness/common.sh"
cd "$ROOT"
"$HARNESS_DIR/ensure-deps.sh"
swift build --build-tests
export KAFKA_FAST_SOAK=1
export KAFKA_FAST_CORRUPTION_RUNS=${KAFKA_FAST_CORRUPTION_RUNS:-300}
started=$SECONDS
"$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run/soak" bash -c '
    swift test --skip-build --disable-xctest --filter SoakTests; soak=$?
    swift test --skip-build --disable-xctest --filter CorruptedAnswerTests; sweep=$?
    [ $soak -eq 0 ] && [ $sweep -eq 0 ]'
status=$?
say "exit status $status; $((SECONDS - started))s in all"
exit $status
