#!/usr/bin/env python3
"""`make bench`, producer part: kfast bench and the librdkafka peer (rdkafka_bench) do the same job
on the same broker in the same run, alternating, and the medians are compared.

    produce_bench.py KFAST RDKAFKA_BENCH [--count N] [--repeats R] [--codecs none,gzip,...] [--acks 1] [--linger 5]

Brokers come from the environment `with-brokers.sh` sets (KAFKA_FAST_TANSU, KAFKA_FAST_NOIDA).
Prints one table per broker: msg/s and client CPU per message for each side, and the ratios.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import uuid


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        sys.exit(f"produce_bench: {' '.join(cmd[:2])} failed: {result.stderr.strip()[-400:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kfast")
    parser.add_argument("rdkafka_bench")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--codecs", default="none,gzip,snappy,lz4,zstd")
    parser.add_argument("--acks", default="1")
    parser.add_argument("--linger", default="5")
    parser.add_argument("--brokers", default="tansu,noida")
    args = parser.parse_args()

    for broker in args.brokers.split(","):
        address = os.environ[f"KAFKA_FAST_{broker.upper()}"]
        print(f"\n{broker} ({address}): {args.count} x 1,001-byte messages, acks={args.acks}, linger.ms={args.linger}, "
              f"8 partitions, medians of {args.repeats} alternating runs")
        print(f"  {'codec':<7} {'kafka-fast msg/s':>17} {'librdkafka msg/s':>17} {'ratio':>6}   "
              f"{'kafka-fast µs CPU/msg':>21} {'librdkafka µs CPU/msg':>21} {'ratio':>6}")
        for codec in args.codecs.split(","):
            ours, theirs = [], []
            for repeat in range(args.repeats):
                for side in ("ours", "theirs") if repeat % 2 == 0 else ("theirs", "ours"):
                    topic = f"bench-{codec}-{uuid.uuid4().hex[:8]}"
                    subprocess.run([args.kfast, "create-topic", topic, "-p", "8", "-b", address],
                                   check=True, capture_output=True, timeout=60)
                    if side == "ours":
                        ours.append(run([args.kfast, "bench", "-b", address, "-t", topic, "-n", str(args.count),
                                         "-z", codec, "--acks", args.acks, "-X", f"linger.ms={args.linger}", "--json"]))
                    else:
                        theirs.append(run([args.rdkafka_bench, address, topic, str(args.count), codec, args.acks, args.linger]))
                    subprocess.run([args.kfast, "delete-topic", topic, "-b", address], capture_output=True, timeout=60)
            rate = lambda runs: statistics.median(r["msgs_per_sec"] for r in runs)
            cpu = lambda runs: statistics.median(r["cpu_seconds"] / r["msgs"] * 1e6 for r in runs)
            print(f"  {codec:<7} {rate(ours):>17,.0f} {rate(theirs):>17,.0f} {rate(ours) / rate(theirs):>5.2f}x   "
                  f"{cpu(ours):>21.2f} {cpu(theirs):>21.2f} {cpu(ours) / cpu(theirs):>5.2f}x", flush=True)


if __name__ == "__main__":
    main()
