#!/usr/bin/env python3
"""Cluster metadata and watermarks as librdkafka sees them (confluent-kafka).

    peer_metadata.py --bootstrap B [--topic T] [--timeout S]

Prints one JSON object, the shape `kfast topics --json` prints:
  {"brokers":[{"id","host","port"}],
   "topics":[{"name","partitions":[{"partition","leader","replicas","isr","low","high"}]}]}
Brokers sorted by id, topics by name, partitions by number. A --topic that does not
exist is an error (exit 1), not an empty list (and is not auto-created).
"""
import argparse

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

from peer_common import emit, fail, run


def main():
    parser = argparse.ArgumentParser(description="print cluster metadata and watermarks as JSON")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    # Ask for every topic and filter here: a Metadata request naming an unknown topic
    # makes both Tansu and noida auto-create it.
    metadata = admin.list_topics(timeout=args.timeout)
    names = sorted(metadata.topics)
    if args.topic is not None:
        if args.topic not in metadata.topics:
            fail("topic %s does not exist" % args.topic)
        names = [args.topic]
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "kafka-fast-peer-metadata",
                         "enable.auto.commit": False})
    try:
        topics = []
        for name in names:
            topic = metadata.topics[name]
            if topic.error is not None:
                fail("topic %s: %s" % (name, topic.error))
            partitions = []
            for number in sorted(topic.partitions):
                p = topic.partitions[number]
                low, high = consumer.get_watermark_offsets(TopicPartition(name, number), timeout=args.timeout)
                partitions.append({"partition": number, "leader": p.leader, "replicas": list(p.replicas),
                                   "isr": list(p.isrs), "low": low, "high": high})
            topics.append({"name": name, "partitions": partitions})
    finally:
        consumer.close()
    brokers = [{"id": b.id, "host": b.host, "port": b.port}
               for b in sorted(metadata.brokers.values(), key=lambda b: b.id)]
    emit({"brokers": brokers, "topics": topics})
    return 0


if __name__ == "__main__":
    run(main)
