#!/usr/bin/env bash
# `make test`: dependencies -> build (with tests) -> both brokers -> swift test -> brokers stopped.
# Arguments go to `swift test` (make test ARGS='--filter Produce'). Exits with swift test's status.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

started=$SECONDS
step() {   # step NAME COMMAND...: run it, then say how long it took
    local name=$1 t0=$SECONDS; shift
    "$@"
    say "$name took $((SECONDS - t0))s"
}

step "dependencies" "$HARNESS_DIR/ensure-deps.sh"
step "swift build --build-tests" swift build --build-tests

# Left by earlier runs: Peer.swift's capture files (an interrupted run) and the private brokers'
# data, logs and captures (PrivateBroker.swift, TsharkDissectionTests), kept after a run for a post-mortem.
rm -rf "$ROOT/.test-run/peer-io" "$ROOT"/.test-run/private-* "$ROOT"/.test-run/tshark-*
set +e
# Swift Testing starts every test at once by default; on two cores hundreds of tests with broker
# round trips and peer processes then measure the machine, not the client. A bounded width keeps
# their deadlines meaningful (KAFKA_FAST_TEST_WIDTH overrides it).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=${KAFKA_FAST_TEST_WIDTH:-12}
if [ $# -eq 0 ]; then
    # The 100,000-message delivery matrix (30 producers at once) saturates both cores for minutes:
    # it runs in a process of its own after the rest, so the other suites' deadlines measure the
    # client, not a machine busy with the matrix.
    "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run" bash -c '
        swift test --skip-build --disable-xctest --skip ProducerDeliveryTests; first=$?
        swift test --skip-build --disable-xctest --filter ProducerDeliveryTests; second=$?
        [ $first -eq 0 ] && [ $second -eq 0 ]'
else
    "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run" swift test --disable-xctest "$@"
fi
status=$?
set -e
say "exit status $status (swift test's, or 1 if the brokers did not start); $((SECONDS - started))s in all"
exit $status
