#!/usr/bin/env python3
"""Read a whole topic once with librdkafka (confluent-kafka) and check it against the messages
the producer tests send, printing one JSON summary instead of a line per message.

    peer_verify_produced.py --bootstrap B --topic T --count N [--timeout S]

The messages are i = 0..N-1: value "value-<i>-" + "x" * (i % 50); key "key-<i % 97>" for even i,
null for odd i. Checked: every i exactly once, increasing i within each partition (order kept),
keys as sent, and every keyed message on the partition Java's murmur2 picks (kafka-python's
murmur2, independent of the Swift one). Prints
  {"count","partitions","missing","duplicates","out_of_order","bad_key","bad_value",
   "wrong_partition","problems":[first few, as text]}
Exits 1 with one line on stderr if the topic cannot be read within --timeout (default 60 s).
"""
import argparse
import time

from peer_common import emit, fail, run

KEYS = 97
PAD = 50


def expected_key(i):
    return ("key-%d" % (i % KEYS)).encode() if i % 2 == 0 else None


_partition_of = {}


def java_partition(key, partitions):
    """(murmur2(key) & 0x7fffffff) % partitions, as Java's default partitioner; 97 keys, cached."""
    if (key, partitions) not in _partition_of:
        from kafka.partitioner.default import murmur2
        _partition_of[key, partitions] = (murmur2(key) & 0x7FFFFFFF) % partitions
    return _partition_of[key, partitions]


def read_topic(args):
    """Every message of the topic, partition by partition in offset order, in one pass."""
    from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap, "group.id": "kafka-fast-verify", "enable.auto.commit": False,
        "enable.partition.eof": False, "fetch.max.bytes": 52428800, "queued.min.messages": 200000,
    })
    try:
        metadata = consumer.list_topics(args.topic, timeout=args.timeout)
        topic = metadata.topics.get(args.topic)
        if topic is None or topic.error is not None:
            fail("topic %s: %s" % (args.topic, "does not exist" if topic is None else topic.error))
        partitions = sorted(topic.partitions)
        consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in partitions])
        by_partition = {p: [] for p in partitions}
        seen = 0
        deadline = time.monotonic() + args.timeout
        while seen < args.count:
            if time.monotonic() > deadline:
                fail("timed out after %gs with %d of %d messages" % (args.timeout, seen, args.count))
            for message in consumer.consume(num_messages=10000, timeout=0.2):
                if message.error() is not None:
                    fail("consume: %s" % message.error())
                by_partition[message.partition()].append((message.key(), message.value()))
                seen += 1
        # Anything beyond --count (duplicates) that is already on its way.
        for message in consumer.consume(num_messages=10000, timeout=0.5):
            if message.error() is None:
                by_partition[message.partition()].append((message.key(), message.value()))
        return by_partition
    finally:
        consumer.close()


def verify(by_partition, count):
    partitions = len(by_partition)
    copies = [0] * count
    summary = {"count": 0, "partitions": partitions, "missing": 0, "duplicates": 0, "out_of_order": 0,
               "bad_key": 0, "bad_value": 0, "wrong_partition": 0, "problems": []}

    def problem(kind, text):
        summary[kind] += 1
        if len(summary["problems"]) < 5:
            summary["problems"].append(text)

    for partition, messages in sorted(by_partition.items()):
        last = -1
        for key, value in messages:
            summary["count"] += 1
            try:
                prefix, index, pad = value.decode().split("-", 2)
                i = int(index)
                assert prefix == "value" and pad == "x" * (i % PAD) and 0 <= i < count
            except (AttributeError, ValueError, AssertionError):
                problem("bad_value", "partition %d: unexpected value %r" % (partition, value[:40] if value else value))
                continue
            copies[i] += 1
            if i <= last:
                problem("out_of_order", "partition %d: message %d after %d" % (partition, i, last))
            last = i
            if key != expected_key(i):
                problem("bad_key", "message %d: key %r, expected %r" % (i, key, expected_key(i)))
            elif key is not None and java_partition(key, partitions) != partition:
                problem("wrong_partition", "message %d (key %s) on partition %d, murmur2 says %d"
                        % (i, key.decode(), partition, java_partition(key, partitions)))
    for i, n in enumerate(copies):
        if n == 0:
            problem("missing", "message %d missing" % i)
        elif n > 1:
            problem("duplicates", "message %d %d times" % (i, n))
    return summary


def main():
    parser = argparse.ArgumentParser(description="read a topic once and check it against the test messages")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    emit(verify(read_topic(args), args.count))
    return 0


if __name__ == "__main__":
    run(main)
