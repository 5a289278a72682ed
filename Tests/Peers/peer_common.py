"""Shared helpers for the peer programs: base64 fields, one-line failures, JSON output."""
import base64
import json
import signal
import sys
import traceback

# A child of Swift's Foundation.Process starts with SIGTERM and SIGINT blocked: unblock them so a
# test's timeout (SIGTERM) ends a peer at once.
signal.pthread_sigmask(signal.SIG_SETMASK, [])

CLIENTS = ("confluent", "kafka-python")
CODECS = ("none", "gzip", "snappy", "lz4", "zstd")


def b64(data):
    """bytes or None -> base64 text or None (so binary survives JSON byte-exact)."""
    return None if data is None else base64.b64encode(bytes(data)).decode("ascii")


def unb64(text):
    """base64 text or None -> bytes or None."""
    return None if text is None else base64.b64decode(text, validate=True)


def headers_out(headers):
    """[(name, bytes|None)] (or None) -> [[name, b64|None]]."""
    return [[name if isinstance(name, str) else name.decode("utf-8", "replace"), b64(value)]
            for name, value in (headers or [])]


def headers_in(headers):
    """[[name, b64|None]] -> [(name, bytes|None)]."""
    return [(str(name), unb64(value)) for name, value in (headers or [])]


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def fail(message, status=1):
    """One line on stderr, non-zero exit."""
    print("%s: %s" % (sys.argv[0].rsplit("/", 1)[-1], " ".join(str(message).split())), file=sys.stderr)
    sys.exit(status)


def run(main):
    """Run main(); turn any exception into a one-line error (full trace with PEER_DEBUG=1)."""
    import os
    try:
        status = main()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BaseException as error:  # noqa: BLE001 - a peer reports every failure the same way
        if os.environ.get("PEER_DEBUG"):
            traceback.print_exc()
        fail("%s: %s" % (type(error).__name__, error))
    sys.exit(status or 0)


def add_property_argument(parser):
    """-X NAME=VALUE (repeatable): librdkafka properties for the confluent client (TLS, SASL, ...)."""
    parser.add_argument("-X", "--property", dest="properties", action="append", default=[], metavar="NAME=VALUE")


def properties(args):
    """The -X properties as a dict; kafka-python takes none (it has other names)."""
    result = {}
    for item in args.properties:
        name, equals, value = item.partition("=")
        if not equals:
            fail("-X %s: expected NAME=VALUE" % item)
        result[name] = value
    if result and getattr(args, "client", "confluent") != "confluent":
        fail("-X properties are for --client confluent only")
    return result

