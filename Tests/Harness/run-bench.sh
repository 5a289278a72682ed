#!/usr/bin/env bash
# `make bench`: release build (the Swift runtime linked in, as kfast ships), then four parts, and
# last one table of every figure with its target and ok/SHORT (Tests/Bench/bench_table.py):
#   dashboard  KafkaBench's micro-benchmarks and the dashboard's (kfast dash-bench) on Tansu
#              (run folder .test-run/bench);
#   produce    kfast bench against our librdkafka peer on Tansu, noida and the 3-broker mock
#              cluster, a fresh one per run (.test-run/bench-produce), then over TLS
#              (produce_bench.py --tls: both clients through one stunnel front to Tansu);
#   consume    kfast consume / the library's tail / the group consumer against librdkafka's, on
#              brokers of their own (.test-run/bench-consume), then
#   latency    produce-to-consume latency at a fixed rate, and kfast against Debian's kcat on noida.
# A first argument names one part (dashboard, produce, consume, latency); the other arguments go to
# the part scripts in Tests/Bench (--count N, --repeats R, --brokers tansu,noida,mock, --codecs
# none,gzip,..., --modes cli,tail,group, --seconds S), e.g. make bench ARGS='consume --brokers tansu'.
# The whole run takes about a quarter of an hour on 2 cores (a first release build adds five to ten minutes);
# the producer part is most of it.
# A benchmark that wants a fresh broker per run can call $KAFKA_FAST_HARNESS/brokers.sh itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

"$HARNESS_DIR/ensure-deps.sh"
swift build -c release --static-swift-stdlib
release="$ROOT/.build/release"

# The librdkafka peer: our C program linked against the librdkafka inside the confluent-kafka
# wheel (2.16, the version the tests use); Debian's librdkafka-dev only provides the headers.
rdkafka_lib=$(ls "$VENV"/lib/python3*/site-packages/confluent_kafka.libs/librdkafka-*.so.1 | head -n 1)
cc -O2 -Wall -o "$ROOT/.build/rdkafka_bench" "$ROOT/Tests/Bench/rdkafka_bench.c" \
    -L"$(dirname "$rdkafka_lib")" -l:"$(basename "$rdkafka_lib")" -Wl,-rpath,"$(dirname "$rdkafka_lib")" -lpthread

part=all
case "${1:-}" in dashboard|produce|consume|latency) part=$1; shift ;; esac
wants() { [ "$part" = all ] || [ "$part" = "$1" ]; }

# Every part appends its figures here; the table at the end reads them. A part that fails is
# named before the table and makes the exit status, but the other parts still run.
failed=()
results="$ROOT/.test-run/bench-results"
rm -rf "$results"
mkdir -p "$results"
export KAFKA_FAST_BENCH_RESULTS="$results/results.jsonl"

# Micro-benchmarks (CRC32C, record batches per codec, gzip implementations, dashboard frames), the
# dashboard's CPU cost and key latency while our connector produces flat out to Tansu (kfast
# dash-bench: in the same process, then beside a flooding kfast bench in another one).
if wants dashboard; then
    "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run/bench" --only tansu bash -c '
        "$0/KafkaBench" \
        && "$0/KafkaBench" --json --only=dashboard > "$1/kafkabench.json" \
        && echo && "$0/kfast" dash-bench -b "$KAFKA_FAST_TANSU" \
        && echo && "$0/kfast" dash-bench -b "$KAFKA_FAST_TANSU" -t dash-bench-no-tail --no-tail \
        && echo && "$0/kfast" create-topic dash-bench-flood -p 8 -b "$KAFKA_FAST_TANSU" >/dev/null \
        && { "$0/kfast" bench -b "$KAFKA_FAST_TANSU" -t dash-bench-flood -n 50000000 -s 100 >/dev/null 2>&1 & flood=$!; } \
        && "$0/kfast" dash-bench -b "$KAFKA_FAST_TANSU" -t dash-bench-flood --external-load --json > "$1/dash-external.json"; status=$?
        [ -n "${flood:-}" ] && kill "$flood" 2>/dev/null
        [ -s "$1/dash-external.json" ] && echo "dashboard beside a flooding producer: $(cat "$1/dash-external.json")"
        exit $status
    ' "$release" "$results" || failed+=(dashboard)
fi
# The producer side by side with librdkafka, a fresh broker each run (the script starts them):
# every server keeps everything in memory.
if wants produce; then
    "$VENV_PY" "$ROOT/Tests/Bench/produce_bench.py" "$release/kfast" "$ROOT/.build/rdkafka_bench" "$@" || failed+=(produce)
    # The same over TLS: both clients through one stunnel4 front to a fresh Tansu per run.
    "$VENV_PY" "$ROOT/Tests/Bench/produce_bench.py" "$release/kfast" "$ROOT/.build/rdkafka_bench" --tls \
        --codecs "${KAFKA_FAST_TLS_BENCH_CODECS:-none,lz4}" "$@" || failed+=("produce over TLS")
fi
# The consumer and the latencies side by side with librdkafka, on brokers of their own (Tansu keeps
# everything in memory and slows down as it fills).
if wants consume || wants latency; then
    "$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run/bench-consume" bash -c '
        release=$0 root=$1 part=$2; shift 2
        status=0
        if [ "$part" = all ] || [ "$part" = consume ]; then
            "$KAFKA_FAST_PYTHON" "$root/Tests/Bench/consume_bench.py" "$release/kfast" "$root/.build/rdkafka_bench" "$@" || status=1
        fi
        if [ "$part" = all ] || [ "$part" = latency ]; then
            "$KAFKA_FAST_PYTHON" "$root/Tests/Bench/latency_bench.py" "$release/kfast" "$root/.build/rdkafka_bench" "$@" || status=1
        fi
        exit $status
    ' "$release" "$ROOT" "$part" "$@" || failed+=("consume or latency")
fi
[ ${#failed[@]} -eq 0 ] || echo "make bench: failed: $(IFS=,; echo "${failed[*]}") (what it measured is below)"
"$VENV_PY" "$ROOT/Tests/Bench/bench_table.py" "$results"
[ ${#failed[@]} -eq 0 ]
