#!/usr/bin/env python3
"""Read a soak topic back with librdkafka (confluent-kafka) and check it against what was sent.

    peer_soak_verify.py --bootstrap B --topic T --keys K --per-key N [--unacknowledged FILE] [--timeout S]

Every message is key "k<i>" (0 <= i < K) and value "<i>:<seq>" (0 <= seq < N), sent in seq
order per key. Reads every partition from the beginning to the high watermark it had at start.
--unacknowledged names a file of "<i>:<seq>" lines the producer reported failed (those may or may
not be in the log). Prints one JSON object:
  {"read","distinct","acknowledged","missing","duplicated","reordered","unacknowledged_written",
   "missing_examples":[...],"duplicated_examples":[...],"reordered_examples":[...]}
missing: acknowledged messages not in the log; duplicated: extra copies in the log;
reordered: a key whose seq goes down from one message to the next in its partition's log order.
"""
import argparse
import time

from confluent_kafka import Consumer, TopicPartition

from peer_common import emit, fail, run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--keys", type=int, required=True)
    parser.add_argument("--per-key", type=int, required=True)
    parser.add_argument("--unacknowledged")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()

    unacknowledged = set()
    if args.unacknowledged:
        with open(args.unacknowledged) as lines:
            unacknowledged = {line.strip() for line in lines if line.strip()}

    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "kafka-fast-soak-verify",
                         "enable.auto.commit": False, "enable.partition.eof": False,
                         "fetch.max.bytes": 52428800, "queued.max.messages.kbytes": 262144,
                         # noida answers a whole backlog in one frame, past librdkafka's default 100 MB.
                         "receive.message.max.bytes": 1000000000})
    metadata = consumer.list_topics(args.topic, timeout=30)
    partitions = sorted(metadata.topics[args.topic].partitions)
    ends = {}
    for p in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=30)
        ends[p] = high
    consumer.assign([TopicPartition(args.topic, p, 0) for p in partitions])
    seen = bytearray(args.keys * args.per_key)  # copies of each message in the log, capped at 255
    last_seq = [-1] * args.keys
    reordered, reordered_examples, read = 0, [], 0
    pending = {p for p in partitions if ends[p] > 0}
    deadline = time.monotonic() + args.timeout
    while pending:
        if time.monotonic() > deadline:
            fail("timed out with %d read; partitions not at their end: %s" % (read, sorted(pending)))
        for message in consumer.consume(num_messages=10000, timeout=1.0):
            if message.error():
                fail("consume error: %s" % message.error())
            read += 1
            key, seq = (int(x) for x in message.value().split(b":"))
            index = key * args.per_key + seq
            if seen[index] < 255:
                seen[index] += 1
            if seq < last_seq[key]:
                reordered += 1
                if len(reordered_examples) < 5:
                    reordered_examples.append("k%d: %d after %d (partition %d offset %d)" % (key, seq, last_seq[key], message.partition(), message.offset()))
            last_seq[key] = seq
            if message.offset() + 1 >= ends[message.partition()]:
                pending.discard(message.partition())
    consumer.close()

    missing, duplicated, unacked_written, distinct = 0, 0, 0, 0
    missing_examples, duplicated_examples = [], []
    for index, copies in enumerate(seen):
        name = "%d:%d" % (index // args.per_key, index % args.per_key)
        if copies:
            distinct += 1
            duplicated += copies - 1
            if copies > 1 and len(duplicated_examples) < 5:
                duplicated_examples.append("%s x%d" % (name, copies))
            if name in unacknowledged:
                unacked_written += 1
        elif name not in unacknowledged:
            missing += 1
            if len(missing_examples) < 5:
                missing_examples.append(name)
    emit({"read": read, "distinct": distinct, "acknowledged": args.keys * args.per_key - len(unacknowledged),
          "missing": missing, "duplicated": duplicated, "reordered": reordered,
          "unacknowledged_written": unacked_written, "missing_examples": missing_examples,
          "duplicated_examples": duplicated_examples, "reordered_examples": reordered_examples})


if __name__ == "__main__":
    run(main)
