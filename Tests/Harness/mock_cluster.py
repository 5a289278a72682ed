#!/usr/bin/env python3
"""A librdkafka mock cluster of N brokers on 127.0.0.1, with a control channel.

    mock_cluster.py serve [--brokers 3] [--ready-file FILE]
        Creates the cluster inside the confluent-kafka wheel's librdkafka (its exported
        rd_kafka_mock_* functions, through ctypes), then serves a control channel on a free
        127.0.0.1 port until SIGTERM/SIGINT. Once both listen it writes, to --ready-file (or stdout):
            bootstrap=127.0.0.1:P1,127.0.0.1:P2,...
            control=127.0.0.1:PORT
        The brokers live exactly as long as this process.

    mock_cluster.py ctl HOST:PORT COMMAND [ARG=VALUE ...]
        Sends one command to a running cluster's control channel, prints the JSON answer,
        exits 0 when it says ok, 1 otherwise. Values that look like integers are sent as integers;
        "codes=1,6,6" becomes a list.

The control channel speaks one JSON object per line each way: {"command": NAME, ...arguments}
in, {"ok": true, ...} or {"ok": false, "error": "..."} out. Commands (ids are broker ids, 1..N):
    ping                                   -> bootstrap, brokers
    create_topic topic partitions [replication=1]
    delete_topic topic
    set_leader topic partition broker      (broker -1: no leader)
    broker_down broker | broker_up broker  (-1: every broker; does not move leaders)
    set_rtt broker ms                      (added round-trip time)
    push_errors api_key codes              (the cluster's next requests of that API fail with codes, in order)
    broker_push_errors broker api_key codes [rtt_ms=0]
    clear_errors api_key
    set_coordinator key broker [key_type=group]
    set_host_port broker host port         (what Metadata advertises for it: a TLS front's port)
    topic_set_error topic code             (Metadata answers that error for the topic)
    set_apiversion api_key min max         (-1 -1 removes the API)
Standard library only.
"""
import ctypes
import glob
import json
import os
import signal
import socket
import socketserver
import sys
import threading

RD_KAFKA_PRODUCER = 0


def find_librdkafka() -> str:
    """The wheel's librdkafka, beside the confluent_kafka package in this interpreter's site-packages."""
    import confluent_kafka  # noqa: F401  (locates site-packages; also proves the wheel is installed)
    site = os.path.dirname(os.path.dirname(confluent_kafka.__file__))
    found = sorted(glob.glob(os.path.join(site, "confluent_kafka.libs", "librdkafka-*.so*")))
    if not found:
        raise SystemExit("mock_cluster: no librdkafka shared library in %s/confluent_kafka.libs" % site)
    return found[0]


class MockCluster:
    """The rd_kafka_mock_* calls this harness uses, typed for ctypes."""

    def __init__(self, brokers: int):
        lib = ctypes.CDLL(find_librdkafka())
        self.lib = lib
        vp, i16, i32, i64, cp = ctypes.c_void_p, ctypes.c_int16, ctypes.c_int32, ctypes.c_int64, ctypes.c_char_p
        signatures = {
            "rd_kafka_conf_new": ([], vp),
            "rd_kafka_conf_set": ([vp, cp, cp, cp, ctypes.c_size_t], ctypes.c_int),
            "rd_kafka_new": ([ctypes.c_int, vp, cp, ctypes.c_size_t], vp),
            "rd_kafka_mock_cluster_new": ([vp, ctypes.c_int], vp),
            "rd_kafka_mock_cluster_bootstraps": ([vp], cp),
            "rd_kafka_mock_topic_create": ([vp, cp, ctypes.c_int, ctypes.c_int], ctypes.c_int),
            "rd_kafka_mock_topic_delete": ([vp, cp], ctypes.c_int),
            "rd_kafka_mock_partition_set_leader": ([vp, cp, i32, i32], ctypes.c_int),
            "rd_kafka_mock_broker_set_down": ([vp, i32], ctypes.c_int),
            "rd_kafka_mock_broker_set_up": ([vp, i32], ctypes.c_int),
            "rd_kafka_mock_broker_set_rtt": ([vp, i32, ctypes.c_int], ctypes.c_int),
            "rd_kafka_mock_push_request_errors_array": ([vp, i16, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int)], None),
            "rd_kafka_mock_clear_request_errors": ([vp, i16], None),
            "rd_kafka_mock_coordinator_set": ([vp, cp, cp, i32], ctypes.c_int),
            "rd_kafka_mock_broker_set_host_port": ([vp, i32, cp, ctypes.c_uint16], ctypes.c_int),
            "rd_kafka_mock_topic_set_error": ([vp, cp, ctypes.c_int], None),
            "rd_kafka_mock_set_apiversion": ([vp, i16, i16, i16], ctypes.c_int),
            "rd_kafka_err2name": ([ctypes.c_int], cp),
        }
        for name, (arguments, result) in signatures.items():
            function = getattr(lib, name)
            function.argtypes = arguments
            function.restype = result
        del i64

        conf = lib.rd_kafka_conf_new()
        errstr = ctypes.create_string_buffer(512)
        # The handle only hosts the cluster; it never connects anywhere itself.
        lib.rd_kafka_conf_set(conf, b"bootstrap.servers", b"", errstr, len(errstr))
        self.handle = lib.rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, len(errstr))
        if not self.handle:
            raise SystemExit("mock_cluster: rd_kafka_new failed: %s" % errstr.value.decode())
        self.cluster = lib.rd_kafka_mock_cluster_new(self.handle, brokers)
        if not self.cluster:
            raise SystemExit("mock_cluster: rd_kafka_mock_cluster_new(%d) failed" % brokers)
        self.brokers = brokers
        self.bootstrap = lib.rd_kafka_mock_cluster_bootstraps(self.cluster).decode()
        self.lock = threading.Lock()

    def check(self, code: int, what: str) -> dict:
        if code != 0:
            name = self.lib.rd_kafka_err2name(code).decode()
            raise ValueError("%s failed: %s (%d)" % (what, name, code))
        return {}

    def run(self, request: dict) -> dict:
        command = request.get("command")
        lib, mc = self.lib, self.cluster

        def text(name):
            value = request.get(name)
            if not isinstance(value, str) or not value:
                raise ValueError("%s needs a non-empty string '%s'" % (command, name))
            return value.encode()

        def number(name, default=None):
            value = request.get(name, default)
            if not isinstance(value, int):
                raise ValueError("%s needs an integer '%s'" % (command, name))
            return value

        def codes():
            value = request.get("codes")
            if isinstance(value, int):
                value = [value]
            if not isinstance(value, list) or not value or not all(isinstance(c, int) for c in value):
                raise ValueError("%s needs 'codes', a list of error codes" % command)
            return value

        with self.lock:
            if command == "ping":
                return {"bootstrap": self.bootstrap, "brokers": self.brokers}
            if command == "create_topic":
                return self.check(lib.rd_kafka_mock_topic_create(
                    mc, text("topic"), number("partitions"), number("replication", 1)), "create_topic")
            if command == "delete_topic":
                return self.check(lib.rd_kafka_mock_topic_delete(mc, text("topic")), "delete_topic")
            if command == "set_leader":
                return self.check(lib.rd_kafka_mock_partition_set_leader(
                    mc, text("topic"), number("partition"), number("broker")), "set_leader")
            if command == "broker_down":
                return self.check(lib.rd_kafka_mock_broker_set_down(mc, number("broker")), "broker_down")
            if command == "broker_up":
                return self.check(lib.rd_kafka_mock_broker_set_up(mc, number("broker")), "broker_up")
            if command == "set_rtt":
                return self.check(lib.rd_kafka_mock_broker_set_rtt(mc, number("broker"), number("ms")), "set_rtt")
            if command == "push_errors":
                values = codes()
                array = (ctypes.c_int * len(values))(*values)
                lib.rd_kafka_mock_push_request_errors_array(mc, number("api_key"), len(values), array)
                return {}
            if command == "broker_push_errors":
                values, rtt = codes(), number("rtt_ms", 0)
                # The variadic call takes (error, rtt) pairs after the count.
                pairs = []
                for code in values:
                    pairs += [ctypes.c_int(code), ctypes.c_int(rtt)]
                function = lib.rd_kafka_mock_broker_push_request_error_rtts
                function.restype = ctypes.c_int
                return self.check(function(ctypes.c_void_p(mc), ctypes.c_int32(number("broker")), ctypes.c_int16(number("api_key")),
                                           ctypes.c_size_t(len(values)), *pairs), "broker_push_errors")
            if command == "clear_errors":
                lib.rd_kafka_mock_clear_request_errors(mc, number("api_key"))
                return {}
            if command == "set_coordinator":
                key_type = request.get("key_type", "group").encode()
                return self.check(lib.rd_kafka_mock_coordinator_set(
                    mc, key_type, text("key"), number("broker")), "set_coordinator")
            if command == "set_host_port":
                return self.check(lib.rd_kafka_mock_broker_set_host_port(
                    mc, number("broker"), text("host"), number("port")), "set_host_port")
            if command == "topic_set_error":
                lib.rd_kafka_mock_topic_set_error(mc, text("topic"), number("code"))
                return {}
            if command == "set_apiversion":
                return self.check(lib.rd_kafka_mock_set_apiversion(
                    mc, number("api_key"), number("min"), number("max")), "set_apiversion")
        raise ValueError("unknown command %r" % (command,))


class ControlHandler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            try:
                request = json.loads(line)
                if not isinstance(request, dict):
                    raise ValueError("a request is a JSON object")
                answer = {"ok": True}
                answer.update(self.server.cluster.run(request))
            except (ValueError, TypeError) as error:
                answer = {"ok": False, "error": str(error)}
            self.wfile.write((json.dumps(answer) + "\n").encode())
            self.wfile.flush()


class ControlServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(arguments):
    brokers, ready_file = 3, None
    while arguments:
        flag = arguments.pop(0)
        if flag == "--brokers":
            brokers = int(arguments.pop(0))
        elif flag == "--ready-file":
            ready_file = arguments.pop(0)
        else:
            raise SystemExit("mock_cluster serve: unknown flag %s" % flag)
    cluster = MockCluster(brokers)
    server = ControlServer(("127.0.0.1", 0), ControlHandler)
    server.cluster = cluster
    host, port = server.server_address
    ready = "bootstrap=%s\ncontrol=%s:%d\n" % (cluster.bootstrap, host, port)
    if ready_file:
        with open(ready_file + ".tmp", "w") as out:
            out.write(ready)
        os.replace(ready_file + ".tmp", ready_file)
    else:
        sys.stdout.write(ready)
        sys.stdout.flush()

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    # The brokers end with the process; no destroy call, which can block on open client connections.
    os._exit(0)


def parse_value(text: str):
    if "," in text:
        return [parse_value(part) for part in text.split(",") if part]
    try:
        return int(text)
    except ValueError:
        return text


def ctl(arguments):
    if len(arguments) < 2:
        raise SystemExit("usage: mock_cluster.py ctl HOST:PORT COMMAND [ARG=VALUE ...]")
    address, command = arguments[0], arguments[1]
    request = {"command": command}
    for pair in arguments[2:]:
        name, _, value = pair.partition("=")
        request[name] = parse_value(value)
    host, _, port = address.rpartition(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall((json.dumps(request) + "\n").encode())
        answer = sock.makefile().readline()
    if not answer:
        print("mock_cluster ctl: %s closed the control connection without an answer" % address, file=sys.stderr)
        return 1
    print(answer.strip())
    return 0 if json.loads(answer).get("ok") else 1


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("serve", "ctl"):
        raise SystemExit(__doc__)
    if sys.argv[1] == "serve":
        serve(sys.argv[2:])
        return 0
    return ctl(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
