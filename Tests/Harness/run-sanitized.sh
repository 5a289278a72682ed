#!/usr/bin/env bash
# `make test-tsan` / `make test-asan`: the unit and stress suites under ThreadSanitizer or
# AddressSanitizer, built apart in .build-tsan / .build-asan, with the test brokers up.
#
#   run-sanitized.sh thread|address [swift test arguments]
#
# The suites: every unit suite, and the ones that drive threads hard: the producer (sends from
# many tasks, sinks, linger timers, sequence recovery), the fetch engine, the group state, the
# dashboard's loop and its reducer, the spin-then-yield lock, the unretained references. A report
# fails the run (halt_on_error); kfast run by those tests is the sanitized build too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
kind=${1:?usage: run-sanitized.sh thread|address [swift test arguments]}
shift
case "$kind" in
    thread) scratch="$ROOT/.build-tsan" ;;
    address) scratch="$ROOT/.build-asan" ;;
    *) die "unknown sanitizer '$kind': thread or address" ;;
esac
"$HARNESS_DIR/ensure-deps.sh"
started=$SECONDS
swift build --build-tests --sanitize "$kind" --scratch-path "$scratch"
say "build with -sanitize=$kind took $((SECONDS - started))s"

suites='KafkaProtocolTests|KafkaCompressionTests|KafkaDashboardTests'
suites+='|OpenBatchCellTests|UnretainedReferenceTests|KafkaChannelHandlerTests|LatencyHistogramTests|ApiVersionTableTests'
suites+='|ProducerBehaviourTests|SingleProducerTests|ProducerIdempotenceTests|ProducerSequenceRecoveryTests|ProducerFailureTests'
suites+='|ProducerMetricsExportTests|FetchEngineTests|GroupMembershipTests|PartitionAssignorTests|ConsumerProtocolTests'
suites+='|HostileMetadataTests|HostileFetchTests|HostileFrameTests'
[ $# -gt 0 ] || set -- --filter "$suites"

export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="halt_on_error=1 detect_leaks=1 ${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$HARNESS_DIR/lsan.supp print_suppressions=0 ${LSAN_OPTIONS:-}"
export KAFKA_FAST_KFAST="$scratch/debug/kfast"
run_dir="$ROOT/.test-run/sanitize-$kind"
rm -rf "$run_dir/peer-io" "$run_dir"/private-* 
set +e
"$HARNESS_DIR/with-brokers.sh" --run-dir "$run_dir" swift test --skip-build --disable-xctest --scratch-path "$scratch" "$@"
status=$?
set -e
say "exit status $status under -sanitize=$kind; $((SECONDS - started))s in all"
exit $status
