#!/usr/bin/env python3
"""Produce messages with a real client (librdkafka via confluent-kafka, or kafka-python).

    peer_produce.py --client confluent|kafka-python --bootstrap B --topic T
                    [--codec none|gzip|snappy|lz4|zstd] [--acks 0|1|all] [--linger-ms MS]
                    [--timeout S] [--flush-each] --messages FILE_OR_-

Input: JSON lines, one message each (every field optional, null = absent):
  {"partition":int|null,"key_b64":str|null,"value_b64":str|null,
   "headers":[[name, value_b64|null],...],"timestamp_ms":int|null}
Produces them in input order (with --flush-each, confluent only: each in a request of its own, so
Tansu's high watermark counts every one), waits for every delivery, prints one JSON object:
  {"delivered":[{"index","partition","offset"}...],"errors":[{"index","error"}...]}
(delivered in input order; with --acks 0 the offsets are -1). kafka-python cannot send
a null header value, nor a message whose key and value are both null: such input is
an error for that client, found before anything is sent. Exit 0 when all were
delivered, 2 when some failed (the JSON is still printed), 1 with one line on stderr
when the run itself failed.
"""
import argparse
import json
import sys

from peer_common import add_property_argument, properties, CLIENTS, CODECS, emit, fail, headers_in, run, unb64


def read_messages(source):
    stream = sys.stdin if source == "-" else open(source, "r", encoding="utf-8")
    messages = []
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                m = json.loads(line)
                messages.append({
                    "partition": m.get("partition"),
                    "key": unb64(m.get("key_b64")),
                    "value": unb64(m.get("value_b64")),
                    "headers": headers_in(m.get("headers")),
                    "timestamp_ms": m.get("timestamp_ms"),
                })
            except (ValueError, TypeError, AttributeError) as error:
                fail("line %d of the messages: %s" % (number, error))
    return messages


def produce_confluent(args, messages):
    from confluent_kafka import Producer

    producer = Producer({
        "bootstrap.servers": args.bootstrap,
        "compression.codec": args.codec,
        "linger.ms": args.linger_ms,
        "acks": args.acks,
        "enable.idempotence": False,
        "max.in.flight.requests.per.connection": 1,  # keep input order within a partition
        "message.timeout.ms": int(args.timeout * 1000),
        **properties(args),
    })
    results = [None] * len(messages)

    def callback(index):
        def on_delivery(error, message):
            results[index] = (error, message)
        return on_delivery

    for index, m in enumerate(messages):
        kwargs = {"value": m["value"], "key": m["key"], "headers": m["headers"] or None,
                  "on_delivery": callback(index)}
        if m["partition"] is not None:
            kwargs["partition"] = m["partition"]
        if m["timestamp_ms"] is not None:
            kwargs["timestamp"] = m["timestamp_ms"]
        while True:
            try:
                producer.produce(args.topic, **kwargs)
                break
            except BufferError:  # local queue full: let deliveries drain
                producer.poll(0.1)
        producer.poll(0)
        if args.flush_each:
            producer.flush(args.timeout)
    remaining = producer.flush(args.timeout)
    if remaining:
        fail("%d messages still undelivered after %gs" % (remaining, args.timeout))

    delivered, errors = [], []
    for index, (error, message) in enumerate(results):
        if error is not None:
            errors.append({"index": index, "error": str(error)})
        else:
            offset = message.offset()
            delivered.append({"index": index, "partition": message.partition(),
                              "offset": -1 if args.acks == "0" or offset is None else offset})
    return delivered, errors


def produce_kafka_python(args, messages):
    from kafka import KafkaProducer

    producer = KafkaProducer(
        bootstrap_servers=args.bootstrap,
        compression_type=None if args.codec == "none" else args.codec,
        acks=args.acks if args.acks == "all" else int(args.acks),
        linger_ms=args.linger_ms,
        max_in_flight_requests_per_connection=1,
        enable_idempotence=False,
        request_timeout_ms=int(args.timeout * 1000),
    )
    # Refuse what kafka-python cannot send before anything is sent.
    for index, m in enumerate(messages):
        if any(value is None for _, value in m["headers"]):
            fail("message %d: kafka-python cannot send a null header value (use --client confluent)" % index)
        if m["key"] is None and m["value"] is None:
            fail("message %d: kafka-python cannot send a message whose key and value are both null" % index)
    futures = []
    try:
        for m in messages:
            futures.append(producer.send(
                args.topic, value=m["value"], key=m["key"], partition=m["partition"],
                timestamp_ms=m["timestamp_ms"], headers=m["headers"] or None))
        producer.flush(timeout=args.timeout)
        delivered, errors = [], []
        for index, future in enumerate(futures):
            try:
                record = future.get(timeout=args.timeout)
                # With acks=0 there is no offset (kafka-python makes one up).
                delivered.append({"index": index, "partition": record.partition,
                                  "offset": -1 if args.acks == "0" else record.offset})
            except Exception as error:  # noqa: BLE001 - reported per message
                errors.append({"index": index, "error": "%s: %s" % (type(error).__name__, error)})
        return delivered, errors
    finally:
        producer.close(timeout=5)


def main():
    parser = argparse.ArgumentParser(description="produce JSON-described messages with a real Kafka client")
    parser.add_argument("--client", choices=CLIENTS, required=True)
    parser.add_argument("--bootstrap", required=True)
    add_property_argument(parser)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--codec", choices=CODECS, default="none")
    parser.add_argument("--acks", choices=("0", "1", "all"), default="all")
    parser.add_argument("--linger-ms", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--flush-each", action="store_true", help="confluent: one message per request")
    parser.add_argument("--messages", required=True, help="JSON-lines file, or - for stdin")
    args = parser.parse_args()

    messages = read_messages(args.messages)
    produce = produce_confluent if args.client == "confluent" else produce_kafka_python
    delivered, errors = produce(args, messages)
    emit({"delivered": delivered, "errors": errors})
    if errors:
        print("peer_produce.py: %d of %d messages failed, first: %s"
              % (len(errors), len(messages), errors[0]["error"]), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    run(main)
