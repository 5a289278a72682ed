#!/usr/bin/env bash
# `make fuzz`: builds KafkaFuzz for libFuzzer (build-fuzz.sh) and runs every target for
# FUZZ_SECONDS seconds (default 60), each from its committed seeds (Tests/Fuzz/Corpus/<target>)
# and what earlier runs found (.build-fuzz/corpus/<target>). Ends with one line:
#     fuzz: T targets, E executions, C crashes
# and exits 1 when any target crashed, hung (-timeout) or ran out of memory; the reproducer is
# kept in .build-fuzz/crashes/ (replay it: .build/debug/KafkaFuzz run TARGET FILE).
#   FUZZ_SECONDS=600 make fuzz            longer
#   FUZZ_TARGETS="frame client-fetch" make fuzz   some targets only
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../Harness/common.sh"
cd "$ROOT"
seconds=${FUZZ_SECONDS:-60}
"$ROOT/Tests/Fuzz/build-fuzz.sh"
binary="$ROOT/.build-fuzz/release/KafkaFuzz"
work="$ROOT/.build-fuzz/runs"
crashes_dir="$ROOT/.build-fuzz/crashes"
mkdir -p "$work" "$crashes_dir"
targets=${FUZZ_TARGETS:-$(KAFKA_FUZZ_TARGET=list "$binary")}

count=0 executions=0 crashes=0
for target in $targets; do
    corpus="$ROOT/.build-fuzz/corpus/$target"
    seeds="$ROOT/Tests/Fuzz/Corpus/$target"
    mkdir -p "$corpus"
    inputs=("$corpus")
    [ -d "$seeds" ] && inputs+=("$seeds")
    log="$work/$target.log"
    set +e
    KAFKA_FUZZ_TARGET=$target "$binary" "${inputs[@]}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 \
        -artifact_prefix="$crashes_dir/$target-" -print_final_stats=1 > "$log" 2>&1
    status=$?
    set -e
    ran=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}' | tail -1)
    # A crash ends before the final stats: the last status line's count then.
    [ -n "$ran" ] || ran=$(grep -o '^#[0-9]*' "$log" | tr -d '#' | tail -1)
    ran=${ran:-0}
    count=$((count + 1))
    executions=$((executions + ran))
    if [ "$status" -ne 0 ]; then
        crashes=$((crashes + 1))
        reproducer=$(ls -t "$crashes_dir/$target-"* 2>/dev/null | head -1)
        say "$target: CRASH after $ran executions (exit $status), reproducer ${reproducer:-none}; log $log"
        grep -m 3 -E 'ERROR|Fatal error|fuzz invariant' "$log" | sed 's/^/    /' || true
    else
        say "$target: $ran executions"
    fi
done
echo "fuzz: $count targets, $executions executions, $crashes crashes"
[ "$crashes" -eq 0 ]
