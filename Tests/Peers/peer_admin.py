#!/usr/bin/env python3
"""Create or delete a topic with librdkafka's AdminClient (confluent-kafka).

    peer_admin.py create-topic NAME --bootstrap B [--partitions N] [--replication R] [--timeout S]
    peer_admin.py delete-topic NAME --bootstrap B [--timeout S]

Prints {"created": NAME, "partitions": N} or {"deleted": NAME}; on failure one line on stderr, exit 1.
"""
import argparse

from confluent_kafka.admin import AdminClient, NewTopic

from peer_common import emit, run


def main():
    parser = argparse.ArgumentParser(description="create or delete a topic (confluent AdminClient)")
    parser.add_argument("action", choices=("create-topic", "delete-topic"))
    parser.add_argument("name")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--partitions", type=int, default=1)
    parser.add_argument("--replication", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()

    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    if args.action == "create-topic":
        futures = admin.create_topics([NewTopic(args.name, args.partitions, args.replication)],
                                      operation_timeout=args.timeout, request_timeout=args.timeout)
        futures[args.name].result(timeout=args.timeout)
        emit({"created": args.name, "partitions": args.partitions})
    else:
        futures = admin.delete_topics([args.name], operation_timeout=args.timeout, request_timeout=args.timeout)
        futures[args.name].result(timeout=args.timeout)
        emit({"deleted": args.name})
    return 0


if __name__ == "__main__":
    run(main)
