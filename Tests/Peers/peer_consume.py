#!/usr/bin/env python3
"""Consume messages with a real client (librdkafka via confluent-kafka, or kafka-python).

    peer_consume.py --client confluent|kafka-python --bootstrap B --topic T [--partition P]
                    [--from-beginning] [--count N] [--timeout S] [--group G]

Prints one JSON line per message, in the order received:
  {"partition","offset","key_b64","value_b64","headers":[[name,value_b64|null]...],
   "timestamp_ms","timestamp_type"}      timestamp_type: "CreateTime" | "LogAppendTime" | null
Starts at each partition's beginning with --from-beginning, else at its end. Stops after
N messages with --count N; without it, once every partition reached the high watermark it
had at start (plus a short idle drain: Tansu's high watermark can sit below the last
offset of a multi-record batch). Without --group the partitions are assigned directly;
with --group G the consumer joins G (subscribe, or assign with --partition) and commits
what it consumed before it exits. Exits 1 with one line on stderr on failure, including
--timeout (default 30 s) running out before --count messages arrived.
"""
import argparse
import time

from peer_common import add_property_argument, properties, CLIENTS, b64, emit, fail, headers_out, run

IDLE_DRAIN_S = 0.5      # after all partitions look done, wait this long for stragglers
TIMESTAMP_TYPES = {0: None, 1: "CreateTime", 2: "LogAppendTime"}  # confluent's numbering


def record(partition, offset, key, value, headers, timestamp_ms, timestamp_type):
    return {"partition": partition, "offset": offset, "key_b64": b64(key), "value_b64": b64(value),
            "headers": headers_out(headers), "timestamp_ms": timestamp_ms, "timestamp_type": timestamp_type}


class Progress:
    """Counts messages and tells when to stop (count reached, or every partition at its end)."""

    def __init__(self, args, ends):
        self.args, self.ends, self.seen = args, dict(ends), 0
        self.deadline = time.monotonic() + args.timeout
        self.done_since = None

    def consumed(self, partition, offset):
        self.seen += 1
        if partition in self.ends and offset + 1 >= self.ends[partition]:
            del self.ends[partition]

    def finished(self):
        if self.args.count is not None:
            return self.seen >= self.args.count
        if self.ends:
            return False
        self.done_since = self.done_since or time.monotonic()
        return time.monotonic() - self.done_since >= IDLE_DRAIN_S

    def check_timeout(self):
        if time.monotonic() < self.deadline:
            return
        if self.args.count is not None:
            fail("timed out after %gs with %d of %d messages" % (self.args.timeout, self.seen, self.args.count))
        fail("timed out after %gs with %d messages; partitions not at their end: %s"
             % (self.args.timeout, self.seen, sorted(self.ends)))


def consume_confluent(args):
    from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, TopicPartition

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group or "kafka-fast-peer-consume",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest" if args.from_beginning else "latest",
        "enable.partition.eof": False,
        # Tansu answers a new group's first JoinGroup only after half the session timeout
        # (22.5 s with librdkafka's default 45 s): keep it at the usual broker minimum.
        "session.timeout.ms": 6000,
        **properties(args),
    })
    try:
        metadata = consumer.list_topics(timeout=args.timeout)
        topic = metadata.topics.get(args.topic)
        if topic is None or topic.error is not None:
            fail("topic %s: %s" % (args.topic, "does not exist" if topic is None else topic.error))
        partitions = [args.partition] if args.partition is not None else sorted(topic.partitions)
        ends = {}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=args.timeout)
            if args.from_beginning and high > low:
                ends[p] = high
        if args.group and args.partition is None:
            consumer.subscribe([args.topic])
        else:
            start = OFFSET_BEGINNING if args.from_beginning else OFFSET_END
            consumer.assign([TopicPartition(args.topic, p, start) for p in partitions])
        progress = Progress(args, ends)
        while not progress.finished():
            progress.check_timeout()
            message = consumer.poll(0.1)
            if message is None:
                continue
            if message.error() is not None:
                fail("consume: %s" % message.error())
            ts_type, ts = message.timestamp()
            emit(record(message.partition(), message.offset(), message.key(), message.value(),
                        message.headers(), ts if ts_type else None, TIMESTAMP_TYPES.get(ts_type)))
            progress.consumed(message.partition(), message.offset())
        if args.group and progress.seen:
            consumer.commit(asynchronous=False)
    finally:
        consumer.close()


def consume_kafka_python(args):
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        consumer_timeout_ms=100,
        allow_auto_create_topics=False,
        session_timeout_ms=6000,  # see the confluent consumer: Tansu's first join waits half of it
    )
    try:
        known = consumer.partitions_for_topic(args.topic)
        if not known:
            fail("topic %s does not exist" % args.topic)
        partitions = [args.partition] if args.partition is not None else sorted(known)
        tps = [TopicPartition(args.topic, p) for p in partitions]
        lows, highs = consumer.beginning_offsets(tps), consumer.end_offsets(tps)
        ends = {tp.partition: highs[tp] for tp in tps if args.from_beginning and highs[tp] > lows[tp]}
        if args.group and args.partition is None:
            consumer.subscribe([args.topic])
        else:
            consumer.assign(tps)
            if args.from_beginning:
                consumer.seek_to_beginning(*tps)
            else:
                consumer.seek_to_end(*tps)
        progress = Progress(args, ends)
        while not progress.finished():
            progress.check_timeout()
            batches = consumer.poll(timeout_ms=100, max_records=1 if args.count else 500)
            for tp in sorted(batches, key=lambda tp: tp.partition):
                for m in batches[tp]:
                    ts_type = None if m.timestamp is None or m.timestamp < 0 else (
                        "LogAppendTime" if m.timestamp_type == 1 else "CreateTime")
                    emit(record(m.partition, m.offset, m.key, m.value, m.headers,
                                m.timestamp if ts_type else None, ts_type))
                    progress.consumed(m.partition, m.offset)
        if args.group and progress.seen:
            consumer.commit()
    finally:
        consumer.close()


def main():
    parser = argparse.ArgumentParser(description="consume messages with a real Kafka client, as JSON lines")
    parser.add_argument("--client", choices=CLIENTS, required=True)
    parser.add_argument("--bootstrap", required=True)
    add_property_argument(parser)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--partition", type=int)
    parser.add_argument("--from-beginning", action="store_true")
    parser.add_argument("--count", type=int)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--group")
    args = parser.parse_args()
    if args.count is None and not args.from_beginning:
        fail("without --from-beginning there is no end to reach: give --count N")
    (consume_confluent if args.client == "confluent" else consume_kafka_python)(args)
    return 0


if __name__ == "__main__":
    run(main)
