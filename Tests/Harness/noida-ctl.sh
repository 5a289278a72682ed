#!/usr/bin/env bash
# Stop or start the test run's noida broker on the same port and data dir, for loss tests.
#
#   noida-ctl.sh stop [--kill]   graceful stop (SIGTERM: noida saves its data), or SIGKILL
#   noida-ctl.sh start           start it again; returns once it answers ApiVersions
#   noida-ctl.sh restart         stop, then start
#
# Reads the env file of the run folder ($KAFKA_FAST_RUN_DIR, set for the tests by run-tests.sh).
# Calls are serialised with a lock, so tests running in parallel cannot interleave them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ -f "$ENV_FILE" ] || die "no broker env file at $ENV_FILE: start the brokers first (make test)"

exec 9>"$RUN_DIR/noida-ctl.lock"
flock -w 60 9 || die "timed out waiting for another noida-ctl.sh"

# The lock's fd is closed for brokers.sh (9>&-): a noida it starts must not inherit and hold the lock.
case "${1:-}" in
    stop) "$HARNESS_DIR/brokers.sh" noida-stop "${2:-}" 9>&- ;;
    start) "$HARNESS_DIR/brokers.sh" noida-start 9>&- ;;
    restart) "$HARNESS_DIR/brokers.sh" noida-stop "${2:-}" 9>&- && "$HARNESS_DIR/brokers.sh" noida-start 9>&- ;;
    *) echo "usage: $0 stop [--kill] | start | restart [--kill]" >&2; exit 2 ;;
esac
