#!/usr/bin/env bash
# `make bench`: release build, KafkaBench's micro-benchmarks and the dashboard's (run folder
# .test-run/bench), kfast bench against our librdkafka peer on Tansu, noida and the 3-broker mock
# cluster, a fresh one per run
# (.test-run/bench-produce), then the consumer: kfast consume-bench against
# librdkafka's consumer on fresh brokers (.test-run/bench-consume). A first argument `produce` or
# `consume` runs only that part; the other arguments go to Tests/Bench/produce_bench.py and
# consume_bench.py (--count N, --repeats R, --brokers tansu,noida,mock; the consumer ignores the rest).
# A benchmark that wants a fresh broker per run can call $KAFKA_FAST_HARNESS/brokers.sh itself.
# The producer is also measured over TLS (produce_bench.py --tls: both clients through one stunnel).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

"$HARNESS_DIR/ensure-deps.sh"
swift build -c release
release="$ROOT/.build/release"

# The librdkafka peer: our C program linked against the librdkafka inside the confluent-kafka
# wheel (2.16, the version the tests use); Debian's librdkafka-dev only provides the headers.
rdkafka_lib=$(ls "$VENV"/lib/python3*/site-packages/confluent_kafka.libs/librdkafka-*.so.1 | head -n 1)
cc -O2 -Wall -o "$ROOT/.build/rdkafka_bench" "$ROOT/Tests/Bench/rdkafka_bench.c" \
    -L"$(dirname "$rdkafka_lib")" -l:"$(basename "$rdkafka_lib")" -Wl,-rpath,"$(dirname "$rdkafka_lib")"

mode=all
case "${1:-}" in produce|consume) mode=$1; shift ;; esac

# Micro-benchmarks (CRC32C, record batches per codec, gzip implementations, dashboard frames), the
# dashboard's CPU cost and key latency while our connector produces flat out to Tansu (kfast
# dash-bench: in the same process, then beside a flooding kfast bench in another one), then the
# producer side by side with librdkafka on both brokers, a fresh broker each run.
if [ "$mode" != consume ]; then
    "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run/bench" bash -c '
        "$0/KafkaBench" \
        && echo && "$0/kfast" dash-bench -b "$KAFKA_FAST_TANSU" \
        && echo && "$0/kfast" dash-bench -b "$KAFKA_FAST_TANSU" -t dash-bench-no-tail --no-tail \
        && echo && "$0/kfast" create-topic dash-bench-flood -p 8 -b "$KAFKA_FAST_TANSU" >/dev/null \
        && { "$0/kfast" bench -b "$KAFKA_FAST_TANSU" -t dash-bench-flood -n 50000000 -s 100 >/dev/null 2>&1 & flood=$!; } \
        && "$0/kfast" dash-bench -b "$KAFKA_FAST_TANSU" -t dash-bench-flood --external-load; status=$?
        [ -n "${flood:-}" ] && kill "$flood" 2>/dev/null; exit $status
    ' "$release" "$ROOT"
    # A fresh broker per run (the script starts them): both keep everything in memory.
    "$VENV_PY" "$ROOT/Tests/Bench/produce_bench.py" "$release/kfast" "$ROOT/.build/rdkafka_bench" "$@"
    # The same over TLS: both clients through one stunnel4 front to a fresh Tansu per run.
    "$VENV_PY" "$ROOT/Tests/Bench/produce_bench.py" "$release/kfast" "$ROOT/.build/rdkafka_bench" --tls \
        --codecs "${KAFKA_FAST_TLS_BENCH_CODECS:-none,lz4}" "$@"
fi
# The consumer side by side with librdkafka, on brokers of its own (Tansu keeps everything in
# memory and slows down as it fills).
if [ "$mode" != produce ]; then
    "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run/bench-consume" bash -c '
        "$KAFKA_FAST_PYTHON" "$1/Tests/Bench/consume_bench.py" "$0/kfast" "$1/.build/rdkafka_bench" "${@:2}"
    ' "$release" "$ROOT" "$@"
fi
