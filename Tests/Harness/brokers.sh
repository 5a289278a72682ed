#!/usr/bin/env bash
# Start and stop the test brokers on free 127.0.0.1 ports:
#   Tansu 0.6.0 (in memory), noida-db (persists to a data dir, so it survives a restart) and a
#   3-broker librdkafka mock cluster (mock_cluster.py: leader moves, brokers down/up, injected errors).
#
#   brokers.sh start [tansu|noida|mock|secure|all]   start (default all); writes the env file, prints nothing else
#                                        (secure: the TLS and SASL servers of secure-servers.sh)
#   brokers.sh stop                      stop every broker the env file names (safe to repeat)
#   brokers.sh noida-stop [--kill]       stop noida only, keep its port and data (--kill: SIGKILL)
#   brokers.sh noida-start               start noida again on the same port and data dir
#   brokers.sh status                    show the env file and whether each pid is alive
#
# Files, under the run folder ($KAFKA_FAST_RUN_DIR, default .test-run/):
#   brokers.env (sourceable: KAFKA_FAST_TANSU, KAFKA_FAST_NOIDA, their pids, binaries, noida's
#   data dir, and the rest of what the tests read: KAFKA_FAST_PYTHON/PEERS/HARNESS/RUN_DIR),
#   tansu.log, noida.log, noida-data/, mock.log, mock.ready. For the mock: KAFKA_FAST_MOCK (its
#   bootstrap list, 127.0.0.1:P1,P2,P3) and KAFKA_FAST_MOCK_CONTROL (its control channel, see mock_cluster.py).
# "start" is not a supervisor: its caller stops the brokers (run-tests.sh does so with a trap).
# If "start" itself fails, it stops whatever it had started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

source "$HARNESS_DIR/processes.sh"

write_env() {
    local tmp="$ENV_FILE.tmp.$$"
    {
        echo "# written by Tests/Harness/brokers.sh; source it"
        echo "export KAFKA_FAST_TANSU=${KAFKA_FAST_TANSU:-}"
        echo "export KAFKA_FAST_TANSU_PID=${KAFKA_FAST_TANSU_PID:-}"
        echo "export KAFKA_FAST_TANSU_BIN='$TANSU_BIN'"
        echo "export KAFKA_FAST_NOIDA=${KAFKA_FAST_NOIDA:-}"
        echo "export KAFKA_FAST_NOIDA_PID=${KAFKA_FAST_NOIDA_PID:-}"
        echo "export KAFKA_FAST_NOIDA_BIN='$NOIDA_BIN'"
        echo "export KAFKA_FAST_NOIDA_DATA='$RUN_DIR/noida-data'"
        echo "export KAFKA_FAST_MOCK=${KAFKA_FAST_MOCK:-}"
        echo "export KAFKA_FAST_MOCK_CONTROL=${KAFKA_FAST_MOCK_CONTROL:-}"
        echo "export KAFKA_FAST_MOCK_PID=${KAFKA_FAST_MOCK_PID:-}"
        # What the Swift tests need besides the brokers, so that sourcing this file is enough
        # to run `swift test` by hand against brokers started with `brokers.sh start`.
        echo "export KAFKA_FAST_PYTHON='$VENV_PY'"
        echo "export KAFKA_FAST_PEERS='$PEERS_DIR'"
        echo "export KAFKA_FAST_HARNESS='$HARNESS_DIR'"
        echo "export KAFKA_FAST_RUN_DIR='$RUN_DIR'"
        # The secured servers (secure-servers.sh), when they run.
        echo "if [ -f '$RUN_DIR/secure.env' ]; then . '$RUN_DIR/secure.env'; fi"
    } >"$tmp"
    mv -f "$tmp" "$ENV_FILE"
}

load_env() {
    KAFKA_FAST_TANSU='' KAFKA_FAST_TANSU_PID='' KAFKA_FAST_NOIDA='' KAFKA_FAST_NOIDA_PID=''
    KAFKA_FAST_MOCK='' KAFKA_FAST_MOCK_CONTROL='' KAFKA_FAST_MOCK_PID=''
    # shellcheck disable=SC1090
    [ -f "$ENV_FILE" ] && source "$ENV_FILE"
    return 0
}

# Start one Tansu on a fresh free port (retries: a free port can be taken before the broker binds it).
start_tansu() {
    local log="$RUN_DIR/tansu.log" attempt port pid
    [ -x "$TANSU_BIN" ] || die "Tansu binary missing ($TANSU_BIN): run Tests/Harness/ensure-deps.sh"
    : >"$log"
    for attempt in 1 2 3; do
        port=$(free_port)
        spawn "$TANSU_BIN" broker --listener-url "tcp://127.0.0.1:$port" \
            --advertised-listener-url "tcp://127.0.0.1:$port" </dev/null >>"$log" 2>&1
        pid=$!
        KAFKA_FAST_TANSU="127.0.0.1:$port" KAFKA_FAST_TANSU_PID=$pid
        write_env
        if wait_ready tansu "127.0.0.1:$port" "$pid" "$TANSU_BIN" "$log"; then return 0; fi
        stop_pid "$pid" "$TANSU_BIN" KILL
        KAFKA_FAST_TANSU='' KAFKA_FAST_TANSU_PID=''
        write_env
        grep -q AddrInUse "$log" || return 1
        echo "brokers: port $port was taken, trying another" >&2
    done
    return 1
}

# Start noida on PORT with DATA dir (kept across restarts). Returns non-zero if it doesn't come up.
launch_noida() {
    local port=$1 log="$RUN_DIR/noida.log" pid
    [ -x "$NOIDA_BIN" ] || die "noida-db binary missing ($NOIDA_BIN): run Tests/Harness/ensure-deps.sh"
    mkdir -p "$RUN_DIR/noida-data"
    echo "=== $(date -u +%FT%TZ) brokers.sh: starting noida on 127.0.0.1:$port" >>"$log"
    spawn "$NOIDA_BIN" start --only kafka --kafka-port "$port" --data-dir "$RUN_DIR/noida-data" \
        </dev/null >>"$log" 2>&1
    pid=$!
    KAFKA_FAST_NOIDA="127.0.0.1:$port" KAFKA_FAST_NOIDA_PID=$pid
    write_env
    wait_ready noida "127.0.0.1:$port" "$pid" "$NOIDA_BIN" "$log"
}

start_noida() {
    local attempt port
    rm -rf "$RUN_DIR/noida-data" "$RUN_DIR/noida.log"
    for attempt in 1 2 3; do
        port=$(free_port)
        if launch_noida "$port"; then return 0; fi
        stop_pid "$KAFKA_FAST_NOIDA_PID" "$NOIDA_BIN" KILL
        KAFKA_FAST_NOIDA='' KAFKA_FAST_NOIDA_PID=''
        write_env
        grep -q 'already in use' "$RUN_DIR/noida.log" || return 1
        echo "brokers: port $port was taken, trying another" >&2
    done
    return 1
}

# The mock cluster: mock_cluster.py hosts the brokers in the wheel's librdkafka and writes its
# bootstrap list and control address to mock.ready once both listen; each broker must then answer ApiVersions.
MOCK_SCRIPT="$HARNESS_DIR/mock_cluster.py"
start_mock() {
    local log="$RUN_DIR/mock.log" ready="$RUN_DIR/mock.ready" pid deadline address
    rm -f "$ready"
    : >"$log"
    spawn "$PY" "$MOCK_SCRIPT" serve --brokers "${KAFKA_FAST_MOCK_BROKERS:-3}" --ready-file "$ready" \
        </dev/null >>"$log" 2>&1
    pid=$!
    KAFKA_FAST_MOCK_PID=$pid
    write_env
    deadline=$((SECONDS + READY_TIMEOUT))
    until [ -f "$ready" ]; do
        if ! is_ours "$pid" "$MOCK_SCRIPT"; then
            echo "brokers: the mock cluster exited before it was ready; last lines of $log:" >&2
            tail -n 20 "$log" >&2; return 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            echo "brokers: the mock cluster was not ready within ${READY_TIMEOUT}s; last lines of $log:" >&2
            tail -n 20 "$log" >&2; return 1
        fi
        sleep 0.1
    done
    KAFKA_FAST_MOCK=$(sed -n 's/^bootstrap=//p' "$ready")
    KAFKA_FAST_MOCK_CONTROL=$(sed -n 's/^control=//p' "$ready")
    write_env
    for address in ${KAFKA_FAST_MOCK//,/ }; do
        wait_ready "mock broker" "$address" "$pid" "$MOCK_SCRIPT" "$log" || return 1
    done
}

stop_all() {
    load_env
    stop_pid "$KAFKA_FAST_TANSU_PID" "$TANSU_BIN"
    stop_pid "$KAFKA_FAST_NOIDA_PID" "$NOIDA_BIN"
    stop_pid "$KAFKA_FAST_MOCK_PID" "$MOCK_SCRIPT"
    "$HARNESS_DIR/secure-servers.sh" stop
    KAFKA_FAST_TANSU_PID='' KAFKA_FAST_NOIDA_PID='' KAFKA_FAST_MOCK_PID=''
    [ -f "$ENV_FILE" ] && write_env
    return 0
}

command=${1:-}
case "$command" in
    start)
        which=${2:-all}
        mkdir -p "$RUN_DIR"
        stop_all   # leftovers of an interrupted run in this run folder
        rm -f "$RUN_DIR/ports-handed-out"   # free_port's list: a new run starts a new one
        KAFKA_FAST_TANSU='' KAFKA_FAST_TANSU_PID='' KAFKA_FAST_NOIDA='' KAFKA_FAST_NOIDA_PID=''
        KAFKA_FAST_MOCK='' KAFKA_FAST_MOCK_CONTROL='' KAFKA_FAST_MOCK_PID=''
        write_env
        trap 'stop_all; exit 130' INT TERM
        case "$which" in
            tansu) start_tansu ;;
            noida) start_noida ;;
            mock) start_mock ;;
            secure) "$HARNESS_DIR/secure-servers.sh" start ;;
            all) start_tansu && start_noida && start_mock && "$HARNESS_DIR/secure-servers.sh" start ;;
            *) die "start what? tansu, noida, mock, secure or all (got '$which')" ;;
        esac || { stop_all; exit 1; }
        trap - INT TERM
        ;;
    stop)
        stop_all
        ;;
    noida-stop)
        load_env
        [ -n "$KAFKA_FAST_NOIDA" ] || die "no noida in $ENV_FILE"
        signal=TERM; [ "${2:-}" = --kill ] && signal=KILL
        stop_pid "$KAFKA_FAST_NOIDA_PID" "$NOIDA_BIN" "$signal"
        KAFKA_FAST_NOIDA_PID=''
        write_env
        ;;
    noida-start)
        load_env
        [ -n "$KAFKA_FAST_NOIDA" ] || die "no noida in $ENV_FILE"
        if is_ours "$KAFKA_FAST_NOIDA_PID" "$NOIDA_BIN"; then exit 0; fi   # already running
        port=${KAFKA_FAST_NOIDA##*:}
        # The old socket may take a moment to be released: retry a few times on "already in use".
        for attempt in 1 2 3 4 5; do
            if launch_noida "$port"; then exit 0; fi
            stop_pid "$KAFKA_FAST_NOIDA_PID" "$NOIDA_BIN" KILL
            KAFKA_FAST_NOIDA_PID=''
            write_env
            tail -n 3 "$RUN_DIR/noida.log" | grep -q 'already in use' || exit 1
            sleep 1
        done
        exit 1
        ;;
    status)
        load_env
        [ -f "$ENV_FILE" ] && grep -v '^#' "$ENV_FILE"
        is_ours "$KAFKA_FAST_TANSU_PID" "$TANSU_BIN" && echo "tansu: running" || echo "tansu: not running"
        is_ours "$KAFKA_FAST_NOIDA_PID" "$NOIDA_BIN" && echo "noida: running" || echo "noida: not running"
        is_ours "$KAFKA_FAST_MOCK_PID" "$MOCK_SCRIPT" && echo "mock: running" || echo "mock: not running"
        ;;
    *)
        echo "usage: $0 start [tansu|noida|mock|secure|all] | stop | noida-stop [--kill] | noida-start | status" >&2
        exit 2
        ;;
esac
