# Process helpers for the harness scripts that start servers (brokers.sh, secure-servers.sh);
# sourced after common.sh, not run.

READY_TIMEOUT=${KAFKA_FAST_BROKER_TIMEOUT:-20}
PY=$VENV_PY; [ -x "$PY" ] || PY=python3

# A port nothing listens on now that no earlier call handed out in this run directory: a port is
# handed out a while before its server binds it, and the kernel can give a just-closed port to the
# next bind(0) again (stunnel then found its [oidc] front's port taken, twice in a row).
free_port() {
    mkdir -p "$RUN_DIR"
    "$PY" - "$RUN_DIR/ports-handed-out" <<'PORT'
import socket, sys
path = sys.argv[1]
try:
    with open(path) as file:
        taken = set(file.read().split())
except FileNotFoundError:
    taken = set()
for _ in range(1000):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    if port not in taken:
        break
else:
    sys.exit("free_port: every port offered was handed out already")
with open(path, "a") as file:
    file.write(port + "\n")
print(port)
PORT
}

# Is PID alive and running BINARY (guards against a recycled pid)? BINARY may be argv[0], or a
# later argument while the spawn shim below has not exec'd it yet. A zombie has an empty cmdline;
# a process in the middle of execve (the shim becoming the server) can, for a moment, show none or
# fail the read, so a miss is looked at again 0.1 s later while the process exists. The arguments
# are read whole before grep sees them: in a pipe, grep -q quitting at its match could end tr with
# SIGPIPE, and pipefail would then call a live process dead.
is_ours() {
    local pid=$1 binary=$2 arguments attempt
    [ -n "$pid" ] || return 1
    for attempt in 1 2 3; do
        [ -e "/proc/$pid" ] || return 1
        arguments=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline") 2>/dev/null || arguments=
        grep -qxF "$binary" <<<"$arguments" && return 0
        sleep 0.1
    done
    return 1
}

# Stop PID (if it is still BINARY): SIGNAL, then SIGKILL after 10 s.
stop_pid() {
    local pid=$1 binary=$2 signal=${3:-TERM} i
    is_ours "$pid" "$binary" || return 0
    kill "-$signal" "$pid" 2>/dev/null || return 0
    for i in $(seq 100); do is_ours "$pid" "$binary" || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    for i in $(seq 20); do is_ours "$pid" "$binary" || return 0; sleep 0.1; done
    echo "brokers: pid $pid would not die" >&2
}

# Run a broker in the background with only stdin/stdout/stderr open (an inherited pipe or lock
# held by a long-lived broker would keep its reader waiting), no blocked signals and default
# SIGINT/SIGTERM handling: a child of Swift's Foundation.Process starts with SIGTERM and SIGINT
# blocked, and a background job of a script with SIGINT ignored; noida must see SIGTERM to save its data.
spawn() {
    "$PY" -c 'import os, signal, sys
os.closerange(3, os.sysconf("SC_OPEN_MAX"))
for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
    signal.signal(number, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_SETMASK, [])
os.execv(sys.argv[1], sys.argv[1:])' "$@" &
    disown $!   # no "Killed" job notice from bash when a broker that never came up is killed
}

# Wait until ADDRESS answers ApiVersions; fail early if PID died. On failure show the log tail.
wait_ready() {
    local name=$1 address=$2 pid=$3 binary=$4 log=$5
    local deadline=$((SECONDS + READY_TIMEOUT))
    while :; do
        if "$PY" "$HARNESS_DIR/kafka_ping.py" "$address" --timeout 1 2>/dev/null; then return 0; fi
        if ! is_ours "$pid" "$binary"; then
            echo "brokers: $name exited before answering on $address; last lines of $log:" >&2
            tail -n 20 "$log" >&2; return 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            echo "brokers: $name did not answer a Kafka ApiVersions request on $address within ${READY_TIMEOUT}s;" \
                 "last lines of $log:" >&2
            tail -n 20 "$log" >&2; return 1
        fi
    done
}

