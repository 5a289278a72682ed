#!/usr/bin/env bash
# The secured test servers, started beside the plaintext ones by `brokers.sh start all` and
# stopped with them. Certificates are made fresh (make-certs.sh); nothing disturbs the shared
# Tansu, noida or mock cluster: each listener below has brokers of its own, advertising the
# outermost port, because a broker advertises one address per listener.
#
#   secure-servers.sh start | start-tls | stop
#   (start-tls: only the certificates and KAFKA_FAST_TLS_TANSU, for `make bench`)
#
#   KAFKA_FAST_TLS_TANSU        localhost:P   stunnel TLS -> Tansu (advertises localhost:P: SNI, DNS SAN)
#   KAFKA_FAST_TLS_WRONGHOST    127.0.0.1:P   the same Tansu behind a certificate for wrong.example.com only
#   KAFKA_FAST_TLS_EXPIRED      127.0.0.1:P   the same Tansu behind an expired certificate
#   KAFKA_FAST_MTLS_MOCK        3 x 127.0.0.1:P  stunnel mTLS (client certificate required) -> a 3-broker mock
#   KAFKA_FAST_MTLS_MOCK_CONTROL                that mock's control channel (mock_cluster.py)
#   KAFKA_FAST_SASL_TANSU       127.0.0.1:P   sasl_front.py (SASL, sessions of 6 s: KIP-368) -> Tansu
#   KAFKA_FAST_SASL_SSL_TANSU   localhost:P   stunnel TLS -> sasl_front.py -> Tansu
#   KAFKA_FAST_SASL_SSL_MOCK    3 x 127.0.0.1:P  stunnel TLS -> sasl_front.py -> each broker of a 3-broker mock
#   KAFKA_FAST_SASL_SSL_MOCK_CONTROL
#   KAFKA_FAST_SCRAM_TANSU      127.0.0.1:P   Tansu --authentication: real SCRAM, every user unknown
#   KAFKA_FAST_OIDC_HTTP, KAFKA_FAST_OIDC_HTTPS  the front's OAuth token endpoint, plain and behind stunnel
#   KAFKA_FAST_CERTS            the certificates (make-certs.sh lists them)
#   KAFKA_FAST_SASL_FRONT_STATS the front's login counters (JSON: "MECHANISM user" -> ok/failed/reauthenticated)
# Users of the front: alice/alice-secret, bob/bob-secret; OAUTHBEARER principals alice and bob;
# OIDC client kfast-client/oidc-secret.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$HARNESS_DIR/processes.sh"
# Eight processes start here (four Tansus, two mocks, the front, stunnel): on a machine busy with
# other builds a Python mock can take longer than the plaintext brokers' 20 s to come up.
READY_TIMEOUT=${KAFKA_FAST_SECURE_TIMEOUT:-60}

SECURE_ENV="$RUN_DIR/secure.env"
PIDS_FILE="$RUN_DIR/secure.pids"
CERTS="$RUN_DIR/certs"
FRONT="$HARNESS_DIR/sasl_front.py"
MOCK="$HARNESS_DIR/mock_cluster.py"
STUNNEL=$(command -v stunnel4 || command -v stunnel || true)
SESSION_LIFETIME_MS=${KAFKA_FAST_SASL_SESSION_MS:-6000}

remember() { echo "$1 $2" >>"$PIDS_FILE"; }   # pid binary, for stop

stop_all() {
    [ -f "$PIDS_FILE" ] || return 0
    local pid binary
    while read -r pid binary; do stop_pid "$pid" "$binary"; done <"$PIDS_FILE"
    rm -f "$PIDS_FILE"
}

# tansu NAME LISTEN_PORT ADVERTISED [EXTRA...]: a private Tansu, ready when it answers ApiVersions.
tansu() {
    local name=$1 port=$2 advertised=$3 log="$RUN_DIR/secure-tansu-$1.log"; shift 3
    spawn "$TANSU_BIN" broker --listener-url "tcp://127.0.0.1:$port" --advertised-listener-url "tcp://$advertised" "$@" \
        </dev/null >"$log" 2>&1
    remember $! "$TANSU_BIN"
    wait_ready "tansu ($name)" "127.0.0.1:$port" $! "$TANSU_BIN" "$log"
}

# mock NAME: a 3-broker mock cluster; sets MOCK_BOOTSTRAP and MOCK_CONTROL.
mock() {
    local name=$1 log="$RUN_DIR/secure-mock-$1.log" ready="$RUN_DIR/secure-mock-$1.ready" pid deadline
    rm -f "$ready"
    spawn "$PY" "$MOCK" serve --brokers 3 --ready-file "$ready" </dev/null >"$log" 2>&1
    pid=$!
    remember $pid "$MOCK"
    deadline=$((SECONDS + READY_TIMEOUT))
    until [ -f "$ready" ]; do
        if ! is_ours "$pid" "$MOCK" || [ $SECONDS -ge $deadline ]; then
            echo "secure-servers: mock $name did not write $ready within ${READY_TIMEOUT}s (pid $pid); last lines of $log:" >&2
            tail -n 20 "$log" >&2
            return 1
        fi
        sleep 0.1
    done
    MOCK_BOOTSTRAP=$(sed -n 's/^bootstrap=//p' "$ready")
    MOCK_CONTROL=$(sed -n 's/^control=//p' "$ready")
}

ctl() { "$PY" "$MOCK" ctl "$@" >/dev/null || { echo "secure-servers: mock_cluster ctl $* failed" >&2; return 1; }; }

# wait_port NAME ADDRESS PID BINARY LOG [kafka_ping options]: ApiVersions answered through the fronts.
wait_front() {
    local name=$1 address=$2 pid=$3 binary=$4 log=$5 deadline=$((SECONDS + READY_TIMEOUT)); shift 5
    until "$PY" "$HARNESS_DIR/kafka_ping.py" "$address" --timeout 1 "$@" 2>/dev/null; do
        if ! is_ours "$pid" "$binary" || [ $SECONDS -ge $deadline ]; then
            echo "secure-servers: $name ($address) did not answer ApiVersions; last lines of $log:" >&2
            tail -n 20 "$log" >&2
            return 1
        fi
    done
}

start() {
    [ -n "$STUNNEL" ] || die "stunnel4 is not installed: run Tests/Harness/ensure-deps.sh"
    stop_all
    rm -f "$SECURE_ENV"
    "$HARNESS_DIR/make-certs.sh" "$CERTS"

    local tls=$(free_port) wronghost=$(free_port) expired=$(free_port) sasl=$(free_port) sasl_ssl=$(free_port)
    local sasl_ssl_front=$(free_port) oidc=$(free_port) oidc_tls=$(free_port)
    local tls_backend=$(free_port) sasl_backend=$(free_port) sasl_ssl_backend=$(free_port) scram=$(free_port)
    # (Each step returns on failure: `start || ...` turns off set -e inside.)
    tansu tls "$tls_backend" "localhost:$tls" || return 1
    tansu sasl "$sasl_backend" "127.0.0.1:$sasl" || return 1
    tansu sasl-ssl "$sasl_ssl_backend" "localhost:$sasl_ssl" || return 1
    tansu scram "$scram" "127.0.0.1:$scram" --authentication || return 1

    mock mtls || return 1
    local mtls_bootstrap=$MOCK_BOOTSTRAP mtls_control=$MOCK_CONTROL
    mock sasl-ssl || return 1
    local ssl_mock_bootstrap=$MOCK_BOOTSTRAP ssl_mock_control=$MOCK_CONTROL

    # The SASL front: one listener per broker it fronts.
    local listeners="{\"port\": $sasl, \"backend\": \"127.0.0.1:$sasl_backend\", \"session_lifetime_ms\": $SESSION_LIFETIME_MS},"
    listeners+="{\"port\": $sasl_ssl_front, \"backend\": \"127.0.0.1:$sasl_ssl_backend\"}"
    local -a mock_fronts=() mock_tls=() mtls_ports=() i=0 broker
    for broker in ${ssl_mock_bootstrap//,/ }; do
        mock_fronts[i]=$(free_port); mock_tls[i]=$(free_port)
        listeners+=",{\"port\": ${mock_fronts[i]}, \"backend\": \"$broker\"}"
        i=$((i + 1))
    done
    cat >"$RUN_DIR/sasl-front.json" <<EOF
{"listeners": [$listeners],
 "users": {"alice": "alice-secret", "bob": "bob-secret"},
 "oauth_principals": ["alice", "bob"],
 "oidc": {"port": $oidc, "clients": {"kfast-client": "oidc-secret"}, "lifetime_s": 3600},
 "stats_file": "$RUN_DIR/sasl-front-stats.json"}
EOF
    rm -f "$RUN_DIR/sasl-front.ready" "$RUN_DIR/sasl-front-stats.json"
    spawn "$PY" "$FRONT" serve --config "$RUN_DIR/sasl-front.json" --ready-file "$RUN_DIR/sasl-front.ready" \
        </dev/null >"$RUN_DIR/sasl-front.log" 2>&1
    local front_pid=$!
    remember $front_pid "$FRONT"

    # stunnel: every TLS front in one process.
    local conf="$RUN_DIR/stunnel.conf"
    {
        echo "foreground = yes"
        echo "pid ="
        echo "output = $RUN_DIR/stunnel.log"
        echo "debug = 4"
        service() {   # service NAME ACCEPT CONNECT CERT [mtls]
            echo "[$1]"; echo "accept = 127.0.0.1:$2"; echo "connect = $3"
            echo "cert = $CERTS/$4.pem"; echo "key = $CERTS/$4.key"
            if [ "${5:-}" = mtls ]; then echo "CAfile = $CERTS/ca.pem"; echo "requireCert = yes"; echo "verifyChain = yes"; fi
        }
        service tls-tansu "$tls" "127.0.0.1:$tls_backend" server
        service wronghost "$wronghost" "127.0.0.1:$tls_backend" wronghost
        service expired "$expired" "127.0.0.1:$tls_backend" expired-server
        service sasl-ssl-tansu "$sasl_ssl" "127.0.0.1:$sasl_ssl_front" server
        service oidc "$oidc_tls" "127.0.0.1:$oidc" server
        i=0
        for broker in ${mtls_bootstrap//,/ }; do
            mtls_ports[i]=$(free_port)
            service "mtls-mock-$((i + 1))" "${mtls_ports[i]}" "$broker" server mtls
            i=$((i + 1))
        done
        for i in 0 1 2; do service "sasl-ssl-mock-$((i + 1))" "${mock_tls[i]}" "127.0.0.1:${mock_fronts[i]}" server; done
    } >"$conf"
    spawn "$STUNNEL" "$conf" </dev/null >"$RUN_DIR/stunnel.out" 2>&1
    local stunnel_pid=$!
    remember $stunnel_pid "$STUNNEL"

    # The mocks advertise their fronts.
    local mtls_list="" ssl_mock_list=""
    for i in 0 1 2; do
        ctl "$mtls_control" set_host_port broker=$((i + 1)) host=127.0.0.1 port="${mtls_ports[i]}" || return 1
        ctl "$ssl_mock_control" set_host_port broker=$((i + 1)) host=127.0.0.1 port="${mock_tls[i]}" || return 1
        mtls_list+="${mtls_list:+,}127.0.0.1:${mtls_ports[i]}"
        ssl_mock_list+="${ssl_mock_list:+,}127.0.0.1:${mock_tls[i]}"
    done

    local ca="$CERTS/ca.pem" client=(--cert "$CERTS/client.pem" --key "$CERTS/client.key")
    wait_front "sasl front" "127.0.0.1:$sasl" $front_pid "$FRONT" "$RUN_DIR/sasl-front.log" || return 1
    wait_front "stunnel tls" "localhost:$tls" $stunnel_pid "$STUNNEL" "$RUN_DIR/stunnel.log" --tls "$ca" || return 1
    wait_front "stunnel sasl_ssl" "localhost:$sasl_ssl" $stunnel_pid "$STUNNEL" "$RUN_DIR/stunnel.log" --tls "$ca" || return 1
    for i in 0 1 2; do
        wait_front "stunnel mtls mock" "127.0.0.1:${mtls_ports[i]}" $stunnel_pid "$STUNNEL" "$RUN_DIR/stunnel.log" \
            --tls "$ca" "${client[@]}" || return 1
        wait_front "stunnel sasl_ssl mock" "127.0.0.1:${mock_tls[i]}" $stunnel_pid "$STUNNEL" "$RUN_DIR/stunnel.log" \
            --tls "$ca" || return 1
    done

    cat >"$SECURE_ENV.tmp" <<EOF
# written by Tests/Harness/secure-servers.sh; source it
export KAFKA_FAST_CERTS='$CERTS'
export KAFKA_FAST_TLS_TANSU=localhost:$tls
export KAFKA_FAST_TLS_WRONGHOST=127.0.0.1:$wronghost
export KAFKA_FAST_TLS_EXPIRED=127.0.0.1:$expired
export KAFKA_FAST_MTLS_MOCK=$mtls_list
export KAFKA_FAST_MTLS_MOCK_CONTROL=$mtls_control
export KAFKA_FAST_SASL_TANSU=127.0.0.1:$sasl
export KAFKA_FAST_SASL_SESSION_MS=$SESSION_LIFETIME_MS
export KAFKA_FAST_SASL_SSL_TANSU=localhost:$sasl_ssl
export KAFKA_FAST_SASL_SSL_MOCK=$ssl_mock_list
export KAFKA_FAST_SASL_SSL_MOCK_CONTROL=$ssl_mock_control
export KAFKA_FAST_SCRAM_TANSU=127.0.0.1:$scram
export KAFKA_FAST_OIDC_HTTP=http://127.0.0.1:$oidc/token
export KAFKA_FAST_OIDC_HTTPS=https://localhost:$oidc_tls/token
export KAFKA_FAST_SASL_FRONT_STATS='$RUN_DIR/sasl-front-stats.json'
EOF
    mv -f "$SECURE_ENV.tmp" "$SECURE_ENV"
}

# Only a Tansu behind stunnel TLS (the produce benchmark over TLS: both clients through it).
start_tls() {
    [ -n "$STUNNEL" ] || die "stunnel4 is not installed: run Tests/Harness/ensure-deps.sh"
    stop_all
    rm -f "$SECURE_ENV"
    "$HARNESS_DIR/make-certs.sh" "$CERTS"
    local tls=$(free_port) backend=$(free_port)
    tansu tls "$backend" "localhost:$tls"
    printf 'foreground = yes\npid =\noutput = %s\n[tls-tansu]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\ncert = %s\nkey = %s\n' \
        "$RUN_DIR/stunnel.log" "$tls" "$backend" "$CERTS/server.pem" "$CERTS/server.key" >"$RUN_DIR/stunnel.conf"
    spawn "$STUNNEL" "$RUN_DIR/stunnel.conf" </dev/null >"$RUN_DIR/stunnel.out" 2>&1
    local stunnel_pid=$!
    remember $stunnel_pid "$STUNNEL"
    wait_front "stunnel tls" "localhost:$tls" $stunnel_pid "$STUNNEL" "$RUN_DIR/stunnel.log" --tls "$CERTS/ca.pem"
    printf "export KAFKA_FAST_CERTS='%s'\nexport KAFKA_FAST_TLS_TANSU=localhost:%s\n" "$CERTS" "$tls" >"$SECURE_ENV"
}

case "${1:-}" in
    start|start-tls)
        mkdir -p "$RUN_DIR"
        trap 'stop_all; exit 130' INT TERM
        if [ "$1" = start ]; then start || { stop_all; exit 1; }; else start_tls || { stop_all; exit 1; }; fi
        ;;
    stop) stop_all; rm -f "$SECURE_ENV" ;;
    *) echo "usage: $0 start | start-tls | stop" >&2; exit 2 ;;
esac
