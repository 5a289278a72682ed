#!/usr/bin/env python3
"""Wait until a Kafka broker answers a real ApiVersions v0 request.

    kafka_ping.py HOST:PORT [--timeout SECONDS] [--list] [--tls CA_FILE [--cert PEM --key KEY]]

Exits 0 once the broker answered with the right correlation id and error code 0
(with --list, prints the advertised "api_key min-max" ranges). With --tls the
request goes through TLS, trusting CA_FILE (and with --cert/--key as that client). Exits 1 with a
one-line reason when the timeout runs out. Standard library only.
"""
import argparse
import socket
import struct
import sys
import time

API_VERSIONS = 18
CORRELATION_ID = 0x6B667374  # "kfst"
CLIENT_ID = b"kafka-fast-ping"


def request_frame() -> bytes:
    body = struct.pack(">hhih", API_VERSIONS, 0, CORRELATION_ID, len(CLIENT_ID)) + CLIENT_ID
    return struct.pack(">i", len(body)) + body


def read_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def ping(host: str, port: int, timeout: float, tls=None):
    """One ApiVersions round trip; returns [(api_key, min, max)] or raises."""
    with socket.create_connection((host, port), timeout=timeout) as raw:
        sock = tls.wrap_socket(raw, server_hostname=host) if tls else raw
        sock.settimeout(timeout)
        sock.sendall(request_frame())
        (size,) = struct.unpack(">i", read_exact(sock, 4))
        if size < 6 or size > 1 << 20:
            raise ValueError("implausible response size %d" % size)
        body = read_exact(sock, size)
    correlation_id, error_code = struct.unpack_from(">ih", body, 0)
    if correlation_id != CORRELATION_ID:
        raise ValueError("correlation id %d, expected %d" % (correlation_id, CORRELATION_ID))
    if error_code != 0:
        raise ValueError("ApiVersions error code %d" % error_code)
    (count,) = struct.unpack_from(">i", body, 6)
    return [struct.unpack_from(">hhh", body, 10 + 6 * i) for i in range(max(count, 0))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="HOST:PORT")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds to keep trying (default 20)")
    parser.add_argument("--list", action="store_true", help="print the advertised API version ranges")
    parser.add_argument("--tls", metavar="CA_FILE", help="speak TLS, trusting this CA")
    parser.add_argument("--cert", help="client certificate (PEM) for --tls")
    parser.add_argument("--key", help="client key (PEM) for --tls")
    args = parser.parse_args()
    tls = None
    if args.tls:
        import ssl
        tls = ssl.create_default_context(cafile=args.tls)
        if args.cert:
            tls.load_cert_chain(args.cert, args.key)
    host, _, port = args.address.rpartition(":")
    deadline = time.monotonic() + args.timeout
    last = "no attempt made"
    while True:
        try:
            versions = ping(host or "127.0.0.1", int(port), timeout=2.0, tls=tls)
            if args.list:
                for key, lo, hi in versions:
                    print("%d %d-%d" % (key, lo, hi))
            return 0
        except (OSError, ValueError, struct.error) as error:
            last = "%s: %s" % (type(error).__name__, error)
        if time.monotonic() >= deadline:
            print("%s did not answer ApiVersions within %gs (last: %s)" % (args.address, args.timeout, last),
                  file=sys.stderr)
            return 1
        time.sleep(0.1)


if __name__ == "__main__":
    sys.exit(main())
