#!/usr/bin/env python3
"""The last thing `make bench` prints: every figure of the run in one table, one row a figure,
its target beside it and `ok` or `SHORT`.

    bench_table.py RESULTS_DIR

RESULTS_DIR holds what the parts of the run left there: results.jsonl (one JSON object a line from
produce_bench.py, consume_bench.py and latency_bench.py), kafkabench.json (`KafkaBench --json
--only=dashboard`) and dash-external.json (`kfast dash-bench --external-load --json`). A part that
did not run (ARGS narrowed the run) has no rows. Ratios are ours / librdkafka's (or kcat's) from
the same run; msg/s higher is better, CPU per message, RSS and latency lower.
"""
import json
import os
import sys

# Earlier issues' producer targets (msg/s ratio on both brokers) and issue 14's CPU ones.
PRODUCER_RATE = {"none": 1.5, "gzip": 1.5, "snappy": 1.0, "lz4": 1.0, "zstd": 1.0}
PRODUCER_RATE_TANSU_SNAPPY = 1.5
PRODUCER_CPU = {("tansu", "snappy"): 0.5, ("tansu", "none"): 0.4, ("noida", "none"): 0.4}
# Through a TLS front (the security work's produce comparison, when it runs): both codecs.
PRODUCER_TLS_RATE, PRODUCER_TLS_CPU = 1.5, 0.6
TARGET_BROKERS = ("tansu", "noida")
CONSUMER_RATE, CONSUMER_CPU, CONSUMER_RSS = 1.5, 0.7, 1.0


class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, measured, target, ok):
        self.rows.append((figure, measured, target, "-" if ok is None else ("ok" if ok else "SHORT")))

    def at_least(self, figure, ratio, detail, target):
        self.add(figure, f"{ratio:.2f}x  {detail}", f">= {target:.2f}x", ratio >= target)

    def at_most(self, figure, ratio, detail, target):
        self.add(figure, f"{ratio:.2f}x  {detail}", f"<= {target:.2f}x", ratio <= target)

    def print(self):
        widths = [max(len(row[i]) for row in self.rows + [("figure", "measured", "target", "")]) for i in range(3)]
        print("\n== make bench: every figure of this run (ours / librdkafka's unless said) ==")
        print(f"  {'figure':<{widths[0]}}  {'measured':<{widths[1]}}  {'target':<{widths[2]}}  result")
        for figure, measured, target, verdict in self.rows:
            print(f"  {figure:<{widths[0]}}  {measured:<{widths[1]}}  {target:<{widths[2]}}  {verdict}")
        short = sum(1 for row in self.rows if row[3] == "SHORT")
        print(f"  {len(self.rows)} figures, {short} SHORT")


def producer_rows(table, entries):
    for entry in entries:
        broker, codec, ours, theirs = entry["broker"], entry["codec"], entry["ours"], entry["theirs"]
        rate = ours["msgs_per_sec"] / theirs["msgs_per_sec"]
        cpu = ours["cpu_us_per_msg"] / theirs["cpu_us_per_msg"]
        tls = entry.get("variant") == "tls"
        name = f"producer {codec:<6} {broker + (' TLS' if tls else ''):<5}"
        detail = f"({ours['msgs_per_sec']:,.0f} / {theirs['msgs_per_sec']:,.0f} msg/s)"
        cpu_detail = f"({ours['cpu_us_per_msg']:.2f} / {theirs['cpu_us_per_msg']:.2f} µs)"
        if tls:
            table.at_least(f"{name} msg/s", rate, detail, PRODUCER_TLS_RATE)
            table.at_most(f"{name} CPU/msg", cpu, cpu_detail, PRODUCER_TLS_CPU)
            continue
        target = PRODUCER_RATE_TANSU_SNAPPY if (broker, codec) == ("tansu", "snappy") else PRODUCER_RATE.get(codec)
        if broker in TARGET_BROKERS and target:
            table.at_least(f"{name} msg/s", rate, detail, target)
        else:
            table.add(f"{name} msg/s", f"{rate:.2f}x  {detail}", "(no target)", None)
        if (broker, codec) in PRODUCER_CPU:
            table.at_most(f"{name} CPU/msg", cpu, cpu_detail, PRODUCER_CPU[(broker, codec)])
        else:
            table.add(f"{name} CPU/msg", f"{cpu:.2f}x  {cpu_detail}", "(no target)", None)


def consumer_rows(table, entries):
    for entry in entries:
        broker, mode = entry["broker"], entry["mode"]
        if "error" in entry:
            table.add(f"consumer {mode:<5} {broker:<5}", f"failed: {entry['error'][:90]}", "a run that completes", False)
            continue
        if mode == "oversized-frame-error":
            table.add("consumer noida whole backlog in one frame, default limit", f"one line: {entry['stderr'][:60]}...",
                      "1 line naming receive.message.max.bytes", entry["ok"])
            continue
        ours, theirs = entry["ours"], entry["theirs"]
        name = f"consumer {mode:<5} {broker:<5}"
        table.at_least(f"{name} msg/s", ours["msgs_per_sec"] / theirs["msgs_per_sec"],
                       f"({ours['msgs_per_sec']:,.0f} / {theirs['msgs_per_sec']:,.0f})", CONSUMER_RATE)
        table.at_most(f"{name} CPU/msg", ours["cpu_us_per_msg"] / theirs["cpu_us_per_msg"],
                      f"({ours['cpu_us_per_msg']:.2f} / {theirs['cpu_us_per_msg']:.2f} µs)", CONSUMER_CPU)
        rss = ours["rss_mb"] / theirs["rss_mb"]
        rss_detail = f"({ours['rss_mb']:.0f} / {theirs['rss_mb']:.0f} MB)"
        if broker in TARGET_BROKERS:
            table.at_most(f"{name} peak RSS", rss, rss_detail, CONSUMER_RSS)
        else:
            table.add(f"{name} peak RSS", f"{rss:.2f}x  {rss_detail}", "(no target)", None)


def latency_rows(table, entries):
    for entry in entries:
        name = f"latency {entry['broker']:<5} acks={entry['acks']:<3} linger={entry['linger']} p99"
        if "error" in entry:
            table.add(name, f"failed: {entry['error'][:90]}", "<= 1.00x", False)
            continue
        ours, theirs = entry["ours"], entry["theirs"]
        detail = f"({ours['p99_ms']:.1f} / {theirs['p99_ms']:.1f} ms; p50 {ours['p50_ms']:.1f} / {theirs['p50_ms']:.1f})"
        table.at_most(name, ours["p99_ms"] / max(theirs["p99_ms"], 1e-9), detail, 1.0)


def kcat_rows(table, entries):
    names = {"first-message": "kfast consume -c 1 start to first message, noida", "topics": "kfast topics wall time, noida"}
    for entry in entries:
        table.at_most(f"{names[entry['figure']]} (/ kcat)", entry["ours_ms"] / entry["theirs_ms"],
                      f"({entry['ours_ms']:.1f} / {entry['theirs_ms']:.1f} ms)", 1.0)


def dashboard_rows(table, directory):
    path = os.path.join(directory, "kafkabench.json")
    if os.path.exists(path):
        with open(path) as file:
            for name, entry in json.load(file).get("dashboard", {}).items():
                if "goal <" in entry:
                    goal = entry["goal <"]
                    table.add(f"dashboard {name}", f"{entry['value']:.2f} {entry['unit']}", f"< {goal:g} {entry['unit']}",
                              entry["value"] < goal)
    path = os.path.join(directory, "dash-external.json")
    if os.path.exists(path):
        with open(path) as file:
            dash = json.load(file)
        table.add("dashboard cost beside a flooding producer", f"{dash['dashboard_core_percent']:.2f}% of a core", "< 5%",
                  dash["dashboard_core_percent"] < 5)
        latency = dash["key_latency_ms"]
        table.add("dashboard key to screen p99", f"{latency['p99']:.1f} ms (p50 {latency['p50']:.1f})",
                  f"< {dash['refresh_ms']} ms (a refresh)", latency["p99"] < dash["refresh_ms"])


def main():
    directory = sys.argv[1]
    entries = []
    path = os.path.join(directory, "results.jsonl")
    if os.path.exists(path):
        with open(path) as file:
            entries = [json.loads(line) for line in file if line.strip()]
    table = Table()
    producer_rows(table, [e for e in entries if e["section"] == "producer"])
    consumer_rows(table, [e for e in entries if e["section"] == "consumer"])
    latency_rows(table, [e for e in entries if e["section"] == "latency"])
    kcat_rows(table, [e for e in entries if e["section"] == "kcat"])
    dashboard_rows(table, directory)
    if table.rows:
        table.print()


if __name__ == "__main__":
    main()
