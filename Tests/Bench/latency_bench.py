#!/usr/bin/env python3
"""`make bench`, latency part.

1. Produce-to-consume latency at a fixed rate: `kfast latency-bench` (our producer and consumer in
   one process) against `rdkafka_bench latency` (librdkafka's producer and consumer in one process),
   RATE messages a second of 1,000 bytes for SECONDS after a warm-up second, for acks 1 and all and
   linger.ms 0 and 5, alternating, on each broker: p50 and p99 of the time from handing a message
   to the producer to the consumer having it.
   Each run gets a new topic, read from its beginning. A run that fails (a measured message
   that never arrived) is a row of its own in the table and the script's exit status, not the end.
2. On noida, against Debian's kcat (librdkafka 2.0, which cannot talk to Tansu): the time from
   starting `kfast consume -o beginning -c 1` to its first line of output, and the wall time of
   `kfast topics`, each beside kcat's equivalent (`kcat -C ... -c 1`, `kcat -L`), medians of 5.

    latency_bench.py KFAST RDKAFKA_BENCH [--rate 10000] [--seconds 5] [--repeats 1]
                     [--brokers tansu,noida,mock] [--results FILE]

The brokers are the running ones of with-brokers.sh. Results are also appended to --results as
JSON lines for bench_table.py.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Harness")


def create_topic(kfast, broker, address, topic):
    if broker == "mock":
        subprocess.run([sys.executable, os.path.join(HARNESS, "mock_cluster.py"), "ctl", os.environ["KAFKA_FAST_MOCK_CONTROL"],
                        "create_topic", f"topic={topic}", "partitions=8", "replication=3"], check=True, capture_output=True, timeout=60)
    else:
        subprocess.run([kfast, "create-topic", topic, "-p", "8", "-b", address], check=True, capture_output=True, timeout=60)


class RunFailed(Exception):
    pass


def run_json(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RunFailed(f"{os.path.basename(cmd[0])} {cmd[1]}: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f'exit {result.returncode}'}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def delete_topic(kfast, broker, address, topic):
    if broker != "mock":
        subprocess.run([kfast, "delete-topic", topic, "-b", address], capture_output=True, timeout=60)


def record(args, entry):
    if args.results:
        with open(args.results, "a") as results:
            results.write(json.dumps(entry) + "\n")


def latencies(args, broker, address):
    """Each run reads a new topic from its beginning: both consumers then see every measured
    message, however long looking up a partition's start takes."""
    print(f"\n{broker} ({address}): produce-to-consume latency, {args.rate:,} msg/s of 1,000 bytes for {args.seconds:g} s "
          f"after a 1 s warm-up, 8 partitions, a new topic per run, medians of {args.repeats}")
    print(f"  {'acks':<4} {'linger':>6}   {'p50 ms ours':>11} {'librdkafka':>10}   {'p99 ms ours':>11} {'librdkafka':>10} {'ratio':>6}")
    failures = 0
    for acks in ("1", "all"):
        for linger in ("0", "5"):
            runs = {"ours": [], "theirs": []}
            try:
                for repeat in range(args.repeats):
                    for side in ("ours", "theirs") if repeat % 2 == 0 else ("theirs", "ours"):
                        topic = f"latency-bench-{uuid.uuid4().hex[:8]}"
                        create_topic(args.kfast, broker, address, topic)
                        if side == "ours":
                            cmd = [args.kfast, "latency-bench", "-b", address, "-t", topic, "--rate", str(args.rate), "--seconds",
                                   str(args.seconds), "-X", f"acks={acks}", "-X", f"linger.ms={linger}", "--json"]
                        else:
                            cmd = [args.rdkafka_bench, "latency", address, topic, str(args.rate), str(args.seconds), acks, linger]
                        try:
                            runs[side].append(run_json(cmd))
                        finally:
                            delete_topic(args.kfast, broker, address, topic)
            except RunFailed as failure:
                failures += 1
                print(f"  {acks:<4} {linger:>6}   failed: {failure}", flush=True)
                record(args, {"section": "latency", "broker": broker, "acks": acks, "linger": linger, "error": str(failure)})
                continue
            summary = {side: {"p50_ms": statistics.median(r["p50_ms"] for r in results),
                              "p99_ms": statistics.median(r["p99_ms"] for r in results),
                              "received": min(r["received"] for r in results)} for side, results in runs.items()}
            ours, theirs = summary["ours"], summary["theirs"]
            print(f"  {acks:<4} {linger:>6}   {ours['p50_ms']:>11.2f} {theirs['p50_ms']:>10.2f}   "
                  f"{ours['p99_ms']:>11.2f} {theirs['p99_ms']:>10.2f} {ours['p99_ms'] / max(theirs['p99_ms'], 1e-9):>5.2f}x", flush=True)
            record(args, {"section": "latency", "broker": broker, "acks": acks, "linger": linger, "ours": ours, "theirs": theirs})
    return failures


def time_to_first_line(cmd):
    """Seconds from starting `cmd` to its first line on standard output; the process is then ended."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = process.stdout.readline()
    elapsed = time.perf_counter() - start
    process.kill()
    process.wait()
    if not line:
        sys.exit(f"latency_bench: {' '.join(cmd[:3])} printed nothing")
    return elapsed


def wall(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    return time.perf_counter() - start


def against_kcat(args, address):
    kcat = shutil.which("kcat")
    if not kcat:
        sys.exit("latency_bench: kcat is missing (Debian package kcat; Tests/Harness/ensure-deps.sh installs it)")
    topic = f"first-message-{uuid.uuid4().hex[:8]}"
    create_topic(args.kfast, "noida", address, topic)
    lines = ("\n".join(["x" * 1000] * 1000) + "\n").encode()
    subprocess.run([args.kfast, "produce", "-b", address, "-t", topic], input=lines, check=True, capture_output=True, timeout=120)
    figures = {
        "first-message": ([args.kfast, "consume", "-b", address, "-t", topic, "-o", "beginning", "-c", "1", "-f", "%o\\n"],
                          [kcat, "-b", address, "-C", "-t", topic, "-o", "beginning", "-c", "1", "-f", "%o\\n"], time_to_first_line),
        "topics": ([args.kfast, "topics", "-b", address], [kcat, "-b", address, "-L"], wall),
    }
    print(f"\nnoida ({address}): against Debian's kcat, medians of 5 alternating runs")
    for name, (ours_cmd, theirs_cmd, measure) in figures.items():
        runs = {"ours": [], "theirs": []}
        for repeat in range(5):
            for side in ("ours", "theirs") if repeat % 2 == 0 else ("theirs", "ours"):
                runs[side].append(measure(ours_cmd if side == "ours" else theirs_cmd))
        ours, theirs = statistics.median(runs["ours"]) * 1e3, statistics.median(runs["theirs"]) * 1e3
        label = "kfast consume -c 1: start to first message" if name == "first-message" else "kfast topics: wall time"
        print(f"  {label:<45} {ours:>8.1f} ms   kcat {theirs:>8.1f} ms   ratio {ours / theirs:.2f}x", flush=True)
        record(args, {"section": "kcat", "figure": name, "ours_ms": ours, "theirs_ms": theirs})
    subprocess.run([args.kfast, "delete-topic", topic, "-b", address], capture_output=True, timeout=60)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kfast")
    parser.add_argument("rdkafka_bench")
    parser.add_argument("--rate", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--brokers", default="tansu,noida,mock")
    parser.add_argument("--results", default=os.environ.get("KAFKA_FAST_BENCH_RESULTS"))
    args, _ = parser.parse_known_args()
    failures = 0
    for broker in args.brokers.split(","):
        failures += latencies(args, broker, os.environ[f"KAFKA_FAST_{broker.upper()}"])
    if "noida" in args.brokers.split(","):
        against_kcat(args, os.environ["KAFKA_FAST_NOIDA"])
    if failures:
        sys.exit(f"latency_bench: {failures} configuration{'s' if failures > 1 else ''} failed (in the table)")


if __name__ == "__main__":
    main()
