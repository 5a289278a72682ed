#!/usr/bin/env bash
# Run one command with test brokers up, then stop them (on success, failure, Ctrl-C or TERM).
#
#   with-brokers.sh [--run-dir DIR] [--only tansu|noida|mock|secure] COMMAND [ARGS...]
#
# Exports for COMMAND everything in the run folder's brokers.env: KAFKA_FAST_TANSU, KAFKA_FAST_NOIDA
# (127.0.0.1:PORT), KAFKA_FAST_MOCK (the 3-broker mock cluster's bootstrap list), KAFKA_FAST_MOCK_CONTROL, KAFKA_FAST_TANSU_BIN, KAFKA_FAST_NOIDA_BIN, KAFKA_FAST_NOIDA_DATA, the pids,
# KAFKA_FAST_PYTHON, KAFKA_FAST_PEERS, KAFKA_FAST_HARNESS, KAFKA_FAST_RUN_DIR, and the secured
# servers' KAFKA_FAST_TLS_*, KAFKA_FAST_MTLS_*, KAFKA_FAST_SASL_*, ... (secure-servers.sh lists them).
# Exits with COMMAND's status.
set -euo pipefail

only=all
while [ $# -gt 0 ]; do
    case "$1" in
        --run-dir) export KAFKA_FAST_RUN_DIR=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
        --only) only=$2; shift 2 ;;
        --) shift; break ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--run-dir DIR] [--only tansu|noida|mock|secure] COMMAND [ARGS...]" >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export KAFKA_FAST_RUN_DIR=$RUN_DIR
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ beside the peer programs

trap '"$HARNESS_DIR/brokers.sh" stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$HARNESS_DIR/brokers.sh" start "$only"
# shellcheck disable=SC1090
source "$ENV_FILE"
say "brokers up: tansu ${KAFKA_FAST_TANSU:-(none)}, noida ${KAFKA_FAST_NOIDA:-(none)}," \
    "mock ${KAFKA_FAST_MOCK:-(none)} (control ${KAFKA_FAST_MOCK_CONTROL:-none});" \
    "logs in ${RUN_DIR#"$ROOT/"}/"

set +e
"$@"
status=$?
set -e
exit $status
