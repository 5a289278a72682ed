#!/usr/bin/env python3
"""Log in to a cluster with librdkafka (confluent-kafka) and list its brokers.

    peer_auth.py --bootstrap B [-X NAME=VALUE ...] [--timeout S]

Prints one JSON object: {"ok": true, "brokers": [[id, "host:port"], ...]} once metadata arrived,
or {"ok": false, "error": "..."} at the first authentication or TLS error librdkafka reports
(or when --timeout, default 15 s, runs out). Exits 0 either way; 1 when the run itself failed.
"""
import argparse
import time

from peer_common import add_property_argument, emit, properties, run


def main():
    parser = argparse.ArgumentParser(description="log in with librdkafka and list the brokers")
    parser.add_argument("--bootstrap", required=True)
    add_property_argument(parser)
    parser.add_argument("--timeout", type=float, default=15.0)
    args = parser.parse_args()

    from confluent_kafka import KafkaError, Producer

    errors = []

    def on_error(error):
        if error.code() in (KafkaError._AUTHENTICATION, KafkaError._SSL, KafkaError.SASL_AUTHENTICATION_FAILED):
            errors.append(error.str())

    producer = Producer({"bootstrap.servers": args.bootstrap, "error_cb": on_error, **properties(args)})
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline and not errors:
        try:
            metadata = producer.list_topics(timeout=0.5)
            brokers = sorted([b.id, "%s:%d" % (b.host, b.port)] for b in metadata.brokers.values())
            emit({"ok": True, "brokers": brokers})
            return 0
        except Exception:  # noqa: BLE001 - not there yet, or refused: errors tells which
            producer.poll(0.1)
    emit({"ok": False, "error": errors[0] if errors else "no metadata within %gs" % args.timeout})
    return 0


if __name__ == "__main__":
    run(main)
