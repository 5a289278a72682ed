#!/usr/bin/env python3
"""`make bench`, producer part: kfast bench and the librdkafka peer (rdkafka_bench) do the same job
(N x 1,001-byte messages to 8 partitions, same codec, acks and linger) alternating, each run on a
broker started fresh for it, and the medians are compared.

    produce_bench.py KFAST RDKAFKA_BENCH [--count N] [--repeats R] [--codecs none,gzip,...]
                     [--acks 1] [--linger 5] [--brokers tansu,noida,mock]

A fresh broker per run because every server keeps what it is sent in memory: a million 1 KB
messages grow it by about a gigabyte, which slows the runs after and can exhaust the machine.
Brokers are started with the harness's brokers.sh in .test-run/bench-produce/; `mock` is the
3-broker librdkafka mock cluster, whose topic gets its 8 partitions' leaders spread over the three.

Prints one table per broker: msg/s, client CPU per message and peak RSS for each side, and the
ratios (ours / librdkafka).

With --tls both clients produce to a fresh Tansu through the same stunnel4 TLS front
(secure-servers.sh start-tls), and the table shows the targets beside the ratios.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import uuid

HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Harness")
ROOT = os.path.abspath(os.path.join(HARNESS, "..", ".."))
RUN_DIR = os.path.join(ROOT, ".test-run", "bench-produce")


def fresh_broker(kind):
    """Starts a new broker (or mock cluster) of `kind`; returns (bootstrap, control or None)."""
    env = dict(os.environ, KAFKA_FAST_RUN_DIR=RUN_DIR)
    subprocess.run(["rm", "-rf", os.path.join(RUN_DIR, "noida-data")], check=True)
    subprocess.run([os.path.join(HARNESS, "brokers.sh"), "start", kind], check=True, env=env, timeout=120)
    values = {}
    with open(os.path.join(RUN_DIR, "brokers.env")) as env_file:
        for line in env_file:
            if line.startswith("export "):
                name, _, value = line[len("export "):].strip().partition("=")
                values[name] = value.strip("'\"")
    address = values.get(f"KAFKA_FAST_{kind.upper()}")
    if not address:
        sys.exit(f"produce_bench: no {kind} address in {RUN_DIR}/brokers.env")
    return address, values.get("KAFKA_FAST_MOCK_CONTROL") if kind == "mock" else None


def create_topic(kfast, topic, address, control, options=()):
    """8 partitions: with kfast create-topic, or the mock cluster's control channel (no CreateTopics)."""
    if control:
        subprocess.run([sys.executable, os.path.join(HARNESS, "mock_cluster.py"), "ctl", control, "create_topic",
                        f"topic={topic}", "partitions=8", "replication=3"], check=True, capture_output=True, timeout=60)
    else:
        subprocess.run([kfast, "create-topic", topic, "-p", "8", "-b", address] + list(options),
                       check=True, capture_output=True, timeout=60)


def stop_brokers():
    env = dict(os.environ, KAFKA_FAST_RUN_DIR=RUN_DIR)
    subprocess.run([os.path.join(HARNESS, "brokers.sh"), "stop"], env=env, timeout=120)


def fresh_tls_broker():
    """A new Tansu behind stunnel TLS; returns its address and the client properties for it."""
    env = dict(os.environ, KAFKA_FAST_RUN_DIR=RUN_DIR)
    subprocess.run([os.path.join(HARNESS, "secure-servers.sh"), "start-tls"], check=True, env=env, timeout=120)
    values = {}
    with open(os.path.join(RUN_DIR, "secure.env")) as env_file:
        for line in env_file:
            name, _, value = line.removeprefix("export ").strip().partition("=")
            values[name] = value.strip("'\"")
    properties = {"security.protocol": "ssl", "ssl.ca.location": values["KAFKA_FAST_CERTS"] + "/ca.pem"}
    return values["KAFKA_FAST_TLS_TANSU"], properties


def run(cmd):
    """Runs one benchmark; returns the JSON object it printed last."""
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        sys.exit(f"produce_bench: {' '.join(cmd[:4])} failed: {result.stderr.strip()[-400:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measured(cmd):
    """Runs `cmd` under `time -f %M` (GNU time) for its peak RSS in KB."""
    result = run(["/usr/bin/time", "-f", "%M", "-o", os.path.join(RUN_DIR, "rss")] + cmd)
    with open(os.path.join(RUN_DIR, "rss")) as rss:
        result["max_rss_kb"] = int(rss.read().strip().splitlines()[-1])
    return result


def one_run(side, kind, codec, args):
    properties, control = {}, None
    if args.tls:
        address, properties = fresh_tls_broker()
    else:
        address, control = fresh_broker(kind)
    settings = [f"{name}={value}" for name, value in properties.items()]
    options = [word for setting in settings for word in ("-X", setting)]
    try:
        topic = f"bench-{codec}-{uuid.uuid4().hex[:8]}"
        create_topic(args.kfast, topic, address, control, options)
        if side == "ours":
            return measured([args.kfast, "bench", "-b", address, "-t", topic, "-n", str(args.count), "-z", codec,
                             "--acks", args.acks, "-X", f"linger.ms={args.linger}", "--json"] + options)
        return measured([args.rdkafka_bench, address, topic, str(args.count), codec, args.acks, args.linger] + settings)
    finally:
        if args.tls:
            subprocess.run([os.path.join(HARNESS, "secure-servers.sh"), "stop"],
                           env=dict(os.environ, KAFKA_FAST_RUN_DIR=RUN_DIR), timeout=120)
        else:
            stop_brokers()


def record(args, kind, codec, ours, theirs):
    """Appends one codec's medians to --results (JSON lines) for bench_table.py."""
    if not args.results:
        return
    entry = {"section": "producer", "broker": kind, "codec": codec, "variant": "tls" if args.tls else "plain",
             "ours": ours, "theirs": theirs}
    with open(args.results, "a") as results:
        results.write(json.dumps(entry) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kfast")
    parser.add_argument("rdkafka_bench")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--codecs", default="none,gzip,snappy,lz4,zstd")
    parser.add_argument("--acks", default="1")
    parser.add_argument("--linger", default="5")
    parser.add_argument("--brokers", default="tansu,noida,mock")
    parser.add_argument("--tls", action="store_true", help="through a stunnel TLS front to Tansu (one table)")
    parser.add_argument("--results", default=os.environ.get("KAFKA_FAST_BENCH_RESULTS"))
    args, _ = parser.parse_known_args()  # the consumer and latency benches' options may come along
    os.makedirs(RUN_DIR, exist_ok=True)
    if args.tls:
        args.brokers = "tansu"

    for kind in args.brokers.split(","):
        where = f"{kind} through stunnel TLS (security.protocol=ssl, both clients)" if args.tls else kind
        print(f"\n{where}: {args.count:,} x 1,001-byte messages, acks={args.acks}, linger.ms={args.linger}, "
              f"8 partitions, a fresh broker per run, medians of {args.repeats} alternating runs"
              + ("; targets: msg/s ratio >= 1.5x, CPU/msg ratio <= 0.6x" if args.tls else ""))
        print(f"  {'codec':<7} {'kafka-fast msg/s':>17} {'librdkafka msg/s':>17} {'ratio':>6}   "
              f"{'µs CPU/msg ours':>15} {'librdkafka':>10} {'ratio':>6}   {'RSS MB ours':>11} {'librdkafka':>10}")
        for codec in args.codecs.split(","):
            ours, theirs = [], []
            for repeat in range(args.repeats):
                for side in ("ours", "theirs") if repeat % 2 == 0 else ("theirs", "ours"):
                    (ours if side == "ours" else theirs).append(one_run(side, kind, codec, args))
            rate = lambda runs: statistics.median(r["msgs_per_sec"] for r in runs)
            cpu = lambda runs: statistics.median(r["cpu_seconds"] / r["msgs"] * 1e6 for r in runs)
            rss = lambda runs: statistics.median(r["max_rss_kb"] for r in runs) / 1024
            print(f"  {codec:<7} {rate(ours):>17,.0f} {rate(theirs):>17,.0f} {rate(ours) / rate(theirs):>5.2f}x   "
                  f"{cpu(ours):>15.2f} {cpu(theirs):>10.2f} {cpu(ours) / cpu(theirs):>5.2f}x   "
                  f"{rss(ours):>11.0f} {rss(theirs):>10.0f}"
                  + (f"   target msg/s >= 1.5x: {'met' if rate(ours) / rate(theirs) >= 1.5 else 'NOT met'},"
                     f" CPU/msg <= 0.6x: {'met' if cpu(ours) / cpu(theirs) <= 0.6 else 'NOT met'}" if args.tls else ""),
                  flush=True)
            summary = lambda runs: {"msgs_per_sec": rate(runs), "cpu_us_per_msg": cpu(runs), "rss_mb": rss(runs)}
            record(args, kind, codec, summary(ours), summary(theirs))


if __name__ == "__main__":
    main()
