#!/usr/bin/env python3
"""`make bench`, consumer part: our consumer and librdkafka's read the same topic from the beginning
on the same broker in the same run, alternating, and the medians are compared. Three ways each:

  cli    `kfast consume -o beginning -e -f '%o\\n'` against `rdkafka_bench consume --print-offsets`
         (a C consumer printing the same through stdio, as kcat does), standard output to /dev/null,
         whole processes: msg/s over the process's wall time.
  tail   the library's partition consumer (`kfast consume-bench`: `KafkaConsumer.tail`, one message
         at a time, no printing) against `rdkafka_bench consume` (assign, poll): msg/s over the
         client's own time from its creation to the last message.
  group  the group consumer (`kfast consume-bench --group`: `KafkaGroupConsumer.messages`) against
         `rdkafka_bench consume --subscribe`, each the only member of a new group: msg/s from the
         first message on (joining takes seconds: Tansu holds a JoinGroup).

CPU (user + system) and peak RSS are the whole process's, from wait4, for every way.

    consume_bench.py KFAST RDKAFKA_BENCH [--count N] [--mock-count N] [--repeats R]
                     [--brokers tansu,noida,mock] [--modes cli,tail,group] [--results FILE]

The brokers are the running ones of with-brokers.sh (KAFKA_FAST_TANSU, _NOIDA, _MOCK and
_MOCK_CONTROL). A topic of 8 partitions gets N x 1,001-byte uncompressed messages (300,000); the
mock cluster keeps only about 5 MB a partition, so it gets --mock-count (32,000), written partition
by partition. noida ignores the fetch byte limits and answers the whole backlog in one frame
(300 MB), which neither client accepts by default: both run with receive.message.max.bytes at its
maximum there, and a run with the default checks that ours refuses it in one line naming the property.
Each result is also appended to --results as one JSON object a line, for bench_table.py.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Harness")
MAX_RESPONSE = "receive.message.max.bytes=2147483647"
DEFAULT_RECEIVE_MAX = 100_000_000  # receive.message.max.bytes' default, ours and librdkafka's
GROUP_SESSION = "session.timeout.ms=6000"  # Tansu holds a JoinGroup for about half of it
PAYLOAD = ",".join(str(i) for i in range(278))


class RunFailed(Exception):
    pass


def run_measured(cmd):
    """Runs one client, standard output to /dev/null when it prints offsets; its wall time, its own
    CPU and peak RSS (wait4), the JSON object it printed last (stdout or stderr) and its stderr."""
    to_null = "--print-offsets" in cmd or os.path.basename(cmd[0]) == "kfast" and cmd[1] == "consume"
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL if to_null else subprocess.PIPE, stderr=subprocess.PIPE)
    out = process.stdout.read() if process.stdout else b""
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        raise RunFailed(f"{os.path.basename(cmd[0])} {cmd[1]}: {lines[-1] if lines else f'exit status {status}'}")
    text = (out or b"").decode(errors="replace") + "\n" + err.decode(errors="replace")
    objects = [line for line in text.splitlines() if line.startswith("{")]
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss,
            "json": json.loads(objects[-1]) if objects else {}, "stderr": err.decode(errors="replace")}


def commands(mode, kfast, rdkafka, address, topic, count, extra):
    """(ours, theirs) for one way of reading."""
    ours_x = [word for setting in extra for word in ("-X", setting)]
    if mode == "cli":
        return ([kfast, "consume", "-b", address, "-t", topic, "-o", "beginning", "-e", "-f", "%o\\n"] + ours_x,
                [rdkafka, "consume", address, topic, str(count), "--print-offsets"] + extra)
    if mode == "tail":
        return ([kfast, "consume-bench", "-b", address, "-t", topic, "-n", str(count), "--json"] + ours_x,
                [rdkafka, "consume", address, topic, str(count)] + extra)
    group = extra + [GROUP_SESSION]
    return ([kfast, "consume-bench", "-b", address, "-t", topic, "-n", str(count), "--json", "--group"]
            + [word for setting in group for word in ("-X", setting)],
            [rdkafka, "consume", address, topic, str(count), "--subscribe"] + group)


def messages_read(mode, side, result):
    if side == "ours" and mode == "cli":
        found = re.search(r"consumed (\d+) message", result["stderr"])
        return int(found.group(1)) if found else -1
    return int(result["json"].get("msgs", -1))


def rate(mode, result, count):
    if mode == "cli":
        return count / result["wall"]
    seconds = float(result["json"]["seconds"])
    if mode == "group":
        seconds -= float(result["json"].get("first_message_seconds", 0))
    return count / seconds


def fill(args, broker, address, topic, count):
    if broker == "mock":
        control = os.environ["KAFKA_FAST_MOCK_CONTROL"]
        subprocess.run([sys.executable, os.path.join(HARNESS, "mock_cluster.py"), "ctl", control, "create_topic",
                        f"topic={topic}", "partitions=8", "replication=3"], check=True, capture_output=True, timeout=60)
        # Partition by partition: librdkafka's sticky partitioner piles a short run onto a few.
        lines = ("\n".join([PAYLOAD] * (count // 8)) + "\n").encode()
        for partition in range(8):
            subprocess.run([args.kfast, "produce", "-b", address, "-t", topic, "-p", str(partition)], input=lines,
                           check=True, capture_output=True, timeout=300)
        return
    subprocess.run([args.kfast, "create-topic", topic, "-p", "8", "-b", address], check=True, capture_output=True, timeout=60)
    subprocess.run([args.rdkafka_bench, address, topic, str(count), "none", "1", "5"], check=True, capture_output=True, timeout=600)


def record(args, entry):
    if args.results:
        with open(args.results, "a") as results:
            results.write(json.dumps(entry) + "\n")


def refuses_oversized_frame(args, address, topic, count):
    """noida's 300 MB answer with the default receive.message.max.bytes: one line naming it, exit 1.
    Only when the backlog is over that limit (--count 300000): a smaller one comes in one frame that fits."""
    if count * 1_001 <= DEFAULT_RECEIVE_MAX:
        print(f"  default receive.message.max.bytes: not checked, the backlog ({count * 1_001 / 1e6:.0f} MB) fits under it")
        return
    result = subprocess.run([args.kfast, "consume", "-b", address, "-t", topic, "-o", "beginning", "-e", "-f", "%o\\n"],
                            capture_output=True, timeout=300)
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    ok = result.returncode == 1 and len(lines) == 1 and "receive.message.max.bytes" in lines[0]
    print(f"  default receive.message.max.bytes: exit {result.returncode}, stderr: {lines[-1] if lines else ''!r}")
    record(args, {"section": "consumer", "broker": "noida", "mode": "oversized-frame-error", "ok": ok,
                  "stderr": lines[-1] if lines else ""})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kfast")
    parser.add_argument("rdkafka_bench")
    parser.add_argument("--count", type=int, default=300_000)
    parser.add_argument("--mock-count", type=int, default=32_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--brokers", default="tansu,noida,mock")
    parser.add_argument("--modes", default="cli,tail,group")
    parser.add_argument("--results", default=os.environ.get("KAFKA_FAST_BENCH_RESULTS"))
    args, _ = parser.parse_known_args()  # the producer bench's options may come along

    failures = 0
    for broker in args.brokers.split(","):
        address = os.environ[f"KAFKA_FAST_{broker.upper()}"]
        count = args.mock_count if broker == "mock" else args.count
        topic = f"consume-bench-{uuid.uuid4().hex[:8]}"
        fill(args, broker, address, topic, count)
        extra = [MAX_RESPONSE] if broker == "noida" else []
        print(f"\n{broker} ({address}): read {count:,} x 1,001-byte messages from 8 partitions, medians of "
              f"{args.repeats} alternating runs{' (receive.message.max.bytes=2147483647 for both)' if extra else ''}")
        print(f"  {'':<6} {'kafka-fast msg/s':>17} {'librdkafka msg/s':>17} {'ratio':>6}   "
              f"{'µs CPU/msg ours':>15} {'librdkafka':>10} {'ratio':>6}   {'RSS MB ours':>11} {'librdkafka':>10} {'ratio':>6}")
        for mode in args.modes.split(","):
            ours_cmd, theirs_cmd = commands(mode, args.kfast, args.rdkafka_bench, address, topic, count, extra)
            runs = {"ours": [], "theirs": []}
            try:
                for repeat in range(args.repeats):
                    for side in ("ours", "theirs") if repeat % 2 == 0 else ("theirs", "ours"):
                        result = run_measured(ours_cmd if side == "ours" else theirs_cmd)
                        read = messages_read(mode, side, result)
                        if read != count:
                            raise RunFailed(f"{side} read {read} messages instead of {count}")
                        runs[side].append(result)
            except RunFailed as failure:
                # One row of its own in the table and the exit status; the other ways still run.
                failures += 1
                print(f"  {mode:<6} failed: {failure}", flush=True)
                record(args, {"section": "consumer", "broker": broker, "mode": mode, "error": str(failure)})
                continue
            summary = {}
            for side, results in runs.items():
                summary[side] = {
                    "msgs_per_sec": statistics.median(rate(mode, r, count) for r in results),
                    "cpu_us_per_msg": statistics.median(r["cpu"] / count * 1e6 for r in results),
                    "rss_mb": max(r["rss_kb"] for r in results) / 1024,
                }
            ours, theirs = summary["ours"], summary["theirs"]
            print(f"  {mode:<6} {ours['msgs_per_sec']:>17,.0f} {theirs['msgs_per_sec']:>17,.0f} "
                  f"{ours['msgs_per_sec'] / theirs['msgs_per_sec']:>5.2f}x   "
                  f"{ours['cpu_us_per_msg']:>15.2f} {theirs['cpu_us_per_msg']:>10.2f} "
                  f"{ours['cpu_us_per_msg'] / theirs['cpu_us_per_msg']:>5.2f}x   "
                  f"{ours['rss_mb']:>11.0f} {theirs['rss_mb']:>10.0f} {ours['rss_mb'] / theirs['rss_mb']:>5.2f}x", flush=True)
            record(args, {"section": "consumer", "broker": broker, "mode": mode, "count": count, "ours": ours, "theirs": theirs})
        if broker == "noida":
            refuses_oversized_frame(args, address, topic, count)
        if broker != "mock":
            subprocess.run([args.kfast, "delete-topic", topic, "-b", address], capture_output=True, timeout=60)
    if failures:
        sys.exit(f"consume_bench: {failures} way{'s' if failures > 1 else ''} of reading failed (in the table)")


if __name__ == "__main__":
    main()
