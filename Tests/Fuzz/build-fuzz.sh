#!/usr/bin/env bash
# Builds KafkaFuzz for libFuzzer into .build-fuzz: release, AddressSanitizer, libFuzzer's main and
# coverage counters in every Swift module (SwiftPM's --sanitize fuzzer links libFuzzer but adds no
# counters by itself), -DFUZZING (which drops the smoke runner's own main).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../Harness/common.sh"
cd "$ROOT"
# SwiftPM keeps the sanitizers in a Set and writes them into every command in its iteration
# order, which is seeded anew in each process: half the runs saw "-sanitize=address
# -sanitize=fuzzer" where the last had the reverse, and rebuilt everything (5 minutes). A fixed
# hash seed keeps the order, so an unchanged tree builds in seconds.
SWIFT_DETERMINISTIC_HASHING=1 swift build -c release --scratch-path "$ROOT/.build-fuzz" --product KafkaFuzz \
    --sanitize fuzzer --sanitize address \
    -Xswiftc -DFUZZING -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
