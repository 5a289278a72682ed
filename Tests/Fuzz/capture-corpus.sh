#!/usr/bin/env bash
# Captures the fuzz targets' seed corpora (Tests/Fuzz/Corpus/<target>/) from real brokers: every
# answer at every version from Tansu, noida and the mock cluster, record batches of every codec,
# the consumer protocol's payloads and `kfast consume -J` lines (FuzzCorpusCapture.swift).
# Run by hand when the codecs or the brokers change; commit what it writes (small files).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../Harness/common.sh"
cd "$ROOT"
out="$ROOT/Tests/Fuzz/Corpus"
swift build --build-tests
"$HARNESS_DIR/with-brokers.sh" --run-dir "$ROOT/.test-run" \
    env KAFKA_FAST_FUZZ_CORPUS_OUT="$out" swift test --skip-build --disable-xctest --filter FuzzCorpusCapture
# Hand-written seeds for the inputs no broker answers.
mkdir -p "$out/delimited-input"
printf '\x00\nline one\nline two\n' > "$out/delimited-input/lines"
printf '\x03\xde\xad\xbe\xefkey\x00value\xde\xad\xbe\xef' > "$out/delimited-input/multibyte"
say "corpus: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1)"
