#!/usr/bin/env python3
"""A consumer group as librdkafka sees it (confluent-kafka).

    peer_group.py committed --bootstrap B --group G --topic T [--timeout S]
    peer_group.py member --bootstrap B --group G --topic T --stop-file F --status-file S
                         [--session-timeout-ms MS] [--assignor range|roundrobin]
    peer_group.py describe --bootstrap B --group G
    peer_group.py times --bootstrap B --topic T --timestamp MS
    peer_group.py hold --bootstrap B --group G --topic T --commit P:O[,P:O...] --stop-file F --status-file S
                       [--client-id ID] [--session-timeout-ms MS]

committed: prints {"group","topic","partitions":[{"partition","offset"}]} with offset null where
the group has committed nothing for that partition. Does not join the group (no rebalance).

member: joins the group and consumes (auto.offset.reset=earliest, auto-commit every second)
until F exists, then commits and leaves. While running it keeps S up to date with
{"assignment":[partitions],"consumed":n}; at the end it prints
{"messages":[[partition,offset],...],"assignments":[[partitions],...]}.

describe: prints {"group","state","members":[{"client_id","host","partitions"}]} from
AdminClient.describe_consumer_groups.

times: prints {"topic","partitions":[{"partition","offset"}]}, librdkafka's offsets_for_times (offset
-1: no message that new).

hold: joins the group, commits exactly the given offsets once it is assigned the topic's partitions,
then stays a member (polling, committing nothing more) until F exists, and leaves. S holds
{"assignment":[partitions],"committed":bool,"member_id":id}; at the end it prints {"assignment":[partitions]}.
"""
import argparse
import json
import os
import time

from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

from peer_common import emit, fail, run


def committed(args):
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": args.group,
                         "enable.auto.commit": False})
    try:
        topic = consumer.list_topics(timeout=args.timeout).topics.get(args.topic)
        if topic is None or topic.error is not None:
            fail("topic %s: %s" % (args.topic, "does not exist" if topic is None else topic.error))
        wanted = [TopicPartition(args.topic, p) for p in sorted(topic.partitions)]
        result = consumer.committed(wanted, timeout=args.timeout)
    finally:
        consumer.close()
    partitions = []
    for tp in sorted(result, key=lambda tp: tp.partition):
        if tp.error is not None:
            fail("partition %d: %s" % (tp.partition, tp.error))
        partitions.append({"partition": tp.partition, "offset": tp.offset if tp.offset >= 0 else None})
    emit({"group": args.group, "topic": args.topic, "partitions": partitions})


def member(args):
    assignment = set()
    history = []
    messages = []

    def write_status():
        tmp = args.status_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"assignment": sorted(assignment), "consumed": len(messages)}, f)
        os.replace(tmp, args.status_file)

    def on_assign(consumer, partitions):
        assignment.clear()
        assignment.update(tp.partition for tp in partitions)
        history.append(sorted(assignment))
        write_status()

    def on_revoke(consumer, partitions):
        assignment.difference_update(tp.partition for tp in partitions)
        write_status()

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap, "group.id": args.group, "client.id": "peer-confluent",
        "auto.offset.reset": "earliest", "enable.auto.commit": True, "auto.commit.interval.ms": 1000,
        "session.timeout.ms": args.session_timeout_ms, "heartbeat.interval.ms": max(args.session_timeout_ms // 6, 100),
        "partition.assignment.strategy": args.assignor,
    })
    consumer.subscribe([args.topic], on_assign=on_assign, on_revoke=on_revoke)
    write_status()
    last_status = time.monotonic()
    try:
        while not os.path.exists(args.stop_file):
            message = consumer.poll(0.2)
            if message is not None and message.error() is None:
                messages.append([message.partition(), message.offset()])
            if time.monotonic() - last_status > 0.5:
                write_status()
                last_status = time.monotonic()
        if messages:
            try:
                consumer.commit(asynchronous=False)
            except Exception:  # noqa: BLE001 - nothing new to commit is reported as an error
                pass
    finally:
        consumer.close()
    emit({"messages": messages, "assignments": history})


def describe(args):
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    group = admin.describe_consumer_groups([args.group])[args.group].result(timeout=args.timeout)
    emit({"group": group.group_id, "state": str(group.state).split(".")[-1],
          "members": [{"client_id": m.client_id, "host": m.host,
                       "partitions": sorted(tp.partition for tp in (m.assignment.topic_partitions if m.assignment else []))}
                      for m in group.members]})


def times(args):
    consumer = Consumer({"bootstrap.servers": args.bootstrap, "group.id": "peer-times", "enable.auto.commit": False})
    try:
        topic = consumer.list_topics(args.topic, timeout=args.timeout).topics.get(args.topic)
        if topic is None or topic.error is not None:
            fail("topic %s: %s" % (args.topic, "does not exist" if topic is None else topic.error))
        wanted = [TopicPartition(args.topic, p, args.timestamp) for p in sorted(topic.partitions)]
        found = consumer.offsets_for_times(wanted, timeout=args.timeout)
    finally:
        consumer.close()
    emit({"topic": args.topic, "partitions": [{"partition": tp.partition, "offset": tp.offset}
                                              for tp in sorted(found, key=lambda tp: tp.partition)]})


def hold(args):
    wanted = {}
    for item in args.commit.split(","):
        partition, offset = item.split(":")
        wanted[int(partition)] = int(offset)
    assignment = set()
    state = {"committed": False}

    def write_status():
        tmp = args.status_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"assignment": sorted(assignment), "committed": state["committed"],
                       "member_id": state.get("member_id")}, f)
        os.replace(tmp, args.status_file)

    def on_assign(consumer, partitions):
        assignment.update(tp.partition for tp in partitions)
        write_status()

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap, "group.id": args.group, "client.id": args.client_id,
        "enable.auto.commit": False, "auto.offset.reset": "earliest",
        "session.timeout.ms": args.session_timeout_ms, "heartbeat.interval.ms": max(args.session_timeout_ms // 6, 100),
    })
    consumer.subscribe([args.topic], on_assign=on_assign)
    write_status()
    try:
        while not os.path.exists(args.stop_file):
            consumer.poll(0.2)
            if not state["committed"] and set(wanted) <= assignment:
                consumer.commit(offsets=[TopicPartition(args.topic, p, o) for p, o in sorted(wanted.items())],
                                asynchronous=False)
                state["committed"] = True
                state["member_id"] = consumer.memberid()
                write_status()
    finally:
        consumer.close()
    emit({"assignment": sorted(assignment)})


def main():
    parser = argparse.ArgumentParser(description="a consumer group seen through confluent-kafka")
    parser.add_argument("action", choices=("committed", "member", "describe", "hold", "times"))
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group")
    parser.add_argument("--topic")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--stop-file")
    parser.add_argument("--status-file")
    parser.add_argument("--session-timeout-ms", type=int, default=6000)
    parser.add_argument("--assignor", default="range")
    parser.add_argument("--commit", help="hold: partition:offset pairs to commit")
    parser.add_argument("--client-id", default="peer-confluent")
    parser.add_argument("--timestamp", type=int, help="times: milliseconds since the epoch")
    args = parser.parse_args()
    if args.action != "times" and not args.group:
        fail("%s needs --group" % args.action)
    if args.action == "times":
        if not (args.topic and args.timestamp is not None):
            fail("times needs --topic and --timestamp")
        times(args)
    elif args.action == "committed":
        committed(args)
    elif args.action == "member":
        if not (args.topic and args.stop_file and args.status_file):
            fail("member needs --topic, --stop-file and --status-file")
        member(args)
    elif args.action == "hold":
        if not (args.topic and args.commit and args.stop_file and args.status_file):
            fail("hold needs --topic, --commit, --stop-file and --status-file")
        hold(args)
    else:
        describe(args)
    return 0


if __name__ == "__main__":
    run(main)
