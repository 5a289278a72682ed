#!/usr/bin/env python3
"""Read partitions as `kcat -C -e -o SPEC` does, with librdkafka (confluent-kafka).

    peer_tail.py --bootstrap B --topic T [--partition P] --offset SPEC [--timeout S]

SPEC is kcat's: beginning | end | OFFSET | -N (N before the end, per partition) | s@TIMESTAMP_MS.
Assigns the partitions at that position (librdkafka's logical offsets; the timestamp through
offsets_for_times, the end when no message is that late), reads until every partition reports
end-of-partition, and prints one JSON line per message: {"partition","offset"}.
Exits 1 with one line on stderr on failure or when --timeout (default 30 s) runs out.
"""
import argparse
import time

from peer_common import emit, fail, run

OFFSET_TAIL_BASE = -2000  # librdkafka's RD_KAFKA_OFFSET_TAIL(n) = -2000 - n


def main():
    from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, KafkaError, TopicPartition

    parser = argparse.ArgumentParser(description="kcat -C -e -o SPEC with librdkafka")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--partition", type=int)
    parser.add_argument("--offset", required=True)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "kafka-fast-peer-tail",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    })
    try:
        metadata = consumer.list_topics(args.topic, timeout=args.timeout)
        topic = metadata.topics.get(args.topic)
        if topic is None or topic.error is not None:
            fail("topic %s: %s" % (args.topic, "does not exist" if topic is None else topic.error))
        partitions = [args.partition] if args.partition is not None else sorted(topic.partitions)
        spec = args.offset
        if spec == "beginning":
            starts = {p: OFFSET_BEGINNING for p in partitions}
        elif spec == "end":
            starts = {p: OFFSET_END for p in partitions}
        elif spec.startswith("s@"):
            wanted = [TopicPartition(args.topic, p, int(spec[2:])) for p in partitions]
            found = consumer.offsets_for_times(wanted, timeout=args.timeout)
            starts = {tp.partition: (tp.offset if tp.offset >= 0 else OFFSET_END) for tp in found}
        elif spec.startswith("-"):
            starts = {p: OFFSET_TAIL_BASE - int(spec[1:]) for p in partitions}
        else:
            starts = {p: int(spec) for p in partitions}
        consumer.assign([TopicPartition(args.topic, p, starts[p]) for p in partitions])
        waiting = set(partitions)
        deadline = time.monotonic() + args.timeout
        while waiting:
            if time.monotonic() > deadline:
                fail("timed out after %gs; partitions not at their end: %s" % (args.timeout, sorted(waiting)))
            message = consumer.poll(0.1)
            if message is None:
                continue
            if message.error() is not None:
                if message.error().code() == KafkaError._PARTITION_EOF:
                    waiting.discard(message.partition())
                    continue
                fail("consume: %s" % message.error())
            emit({"partition": message.partition(), "offset": message.offset()})
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    run(main)
