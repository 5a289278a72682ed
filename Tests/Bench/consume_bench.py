#!/usr/bin/env python3
"""`make bench`, consumer part: `kfast consume-bench` and the librdkafka peer (`rdkafka_bench
consume`) read the same topic from the beginning on the same broker in the same run,
alternating, and the medians are compared.

    consume_bench.py KFAST RDKAFKA_BENCH [--count N] [--repeats R] [--brokers tansu,noida]

The topic (8 partitions, N x 1,001-byte messages, uncompressed) is filled once per broker by
librdkafka's producer; every run reads all of it with its own assignment (no group).
Both sides run with receive.message.max.bytes at its maximum: noida ignores the Fetch byte
limits and answers a partition's whole backlog at once, which no client accepts otherwise.
Prints msg/s, client CPU per message and peak RSS for each side, and the ratios.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import uuid

MAX_RESPONSE = "receive.message.max.bytes=2147483647"


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        sys.exit(f"consume_bench: {' '.join(cmd[:3])} failed: {result.stderr.strip()[-400:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kfast")
    parser.add_argument("rdkafka_bench")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--brokers", default="tansu,noida")
    args, _ = parser.parse_known_args()  # the producer bench's options may come along

    for broker in args.brokers.split(","):
        address = os.environ[f"KAFKA_FAST_{broker.upper()}"]
        topic = f"consume-bench-{uuid.uuid4().hex[:8]}"
        subprocess.run([args.kfast, "create-topic", topic, "-p", "8", "-b", address], check=True, capture_output=True, timeout=60)
        filled = run([args.rdkafka_bench, address, topic, str(args.count), "none", "1", "5"])
        print(f"\n{broker} ({address}): read {args.count:,} x 1,001-byte messages from 8 partitions "
              f"(filled at {filled['msgs_per_sec']:,.0f} msg/s), medians of {args.repeats} alternating runs")
        ours, theirs = [], []
        for repeat in range(args.repeats):
            for side in ("ours", "theirs") if repeat % 2 == 0 else ("theirs", "ours"):
                if side == "ours":
                    ours.append(run([args.kfast, "consume-bench", "-b", address, "-t", topic, "-n", str(args.count),
                                     "-X", MAX_RESPONSE, "--json"]))
                else:
                    theirs.append(run([args.rdkafka_bench, "consume", address, topic, str(args.count), MAX_RESPONSE]))
        for runs, name in ((ours, "kafka-fast"), (theirs, "librdkafka")):
            bad = [r["msgs"] for r in runs if r["msgs"] != args.count]
            if bad:
                sys.exit(f"consume_bench: {name} read {bad} messages instead of {args.count}")
        rate = lambda runs: statistics.median(r["msgs_per_sec"] for r in runs)
        cpu = lambda runs: statistics.median(r["cpu_seconds"] / r["msgs"] * 1e6 for r in runs)
        rss = lambda runs: max(r["max_rss_kb"] for r in runs) / 1024
        print(f"  {'':<11} {'msg/s':>12} {'µs CPU/msg':>11} {'peak RSS MB':>12}")
        print(f"  {'kafka-fast':<11} {rate(ours):>12,.0f} {cpu(ours):>11.2f} {rss(ours):>12,.0f}")
        print(f"  {'librdkafka':<11} {rate(theirs):>12,.0f} {cpu(theirs):>11.2f} {rss(theirs):>12,.0f}")
        print(f"  {'ratio':<11} {rate(ours) / rate(theirs):>11.2f}x {cpu(ours) / cpu(theirs):>10.2f}x "
              f"{rss(ours) / rss(theirs):>11.2f}x   (msg/s: higher is better for kafka-fast; CPU, RSS: lower)", flush=True)
        subprocess.run([args.kfast, "delete-topic", topic, "-b", address], capture_output=True, timeout=60)


if __name__ == "__main__":
    main()
