#!/usr/bin/env python3
"""Committed offsets of a consumer group, as librdkafka reads them (confluent-kafka).

    peer_group.py committed --bootstrap B --group G --topic T [--timeout S]

Prints {"group","topic","partitions":[{"partition","offset"}]} with offset null where the
group has committed nothing for that partition. Does not join the group (no rebalance).
"""
import argparse

from confluent_kafka import Consumer, TopicPartition

from peer_common import emit, fail, run


def main():
    parser = argparse.ArgumentParser(description="print a group's committed offsets as JSON")
    parser.add_argument("action", choices=("committed",))
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": args.group,
                         "enable.auto.commit": False})
    try:
        topic = consumer.list_topics(timeout=args.timeout).topics.get(args.topic)
        if topic is None or topic.error is not None:
            fail("topic %s: %s" % (args.topic, "does not exist" if topic is None else topic.error))
        wanted = [TopicPartition(args.topic, p) for p in sorted(topic.partitions)]
        committed = consumer.committed(wanted, timeout=args.timeout)
    finally:
        consumer.close()
    partitions = []
    for tp in sorted(committed, key=lambda tp: tp.partition):
        if tp.error is not None:
            fail("partition %d: %s" % (tp.partition, tp.error))
        partitions.append({"partition": tp.partition, "offset": tp.offset if tp.offset >= 0 else None})
    emit({"group": args.group, "topic": args.topic, "partitions": partitions})
    return 0


if __name__ == "__main__":
    run(main)
