#!/usr/bin/env python3
"""Check the peer programs against the running brokers: every client x codec produces a batch,
both clients consume it back, and the bytes must match. Not part of `make test` (about a minute);
run it after changing a peer or a pinned version:

    make brokers && . .test-run/brokers.env && $KAFKA_FAST_PYTHON Tests/Harness/check_peers.py; make stop-brokers

Prints one line per broker x client x codec and the watermarks each broker reports.
"""
import base64
import json
import os
import subprocess
import sys
import time
import uuid

PEERS = os.environ.get("KAFKA_FAST_PEERS") or os.path.join(os.path.dirname(__file__), "..", "Peers")
PYTHON = os.environ.get("KAFKA_FAST_PYTHON", sys.executable)
CLIENTS = ("confluent", "kafka-python")
CODECS = ("none", "gzip", "snappy", "lz4", "zstd")


def peer(script, *args, stdin=None):
    done = subprocess.run([PYTHON, os.path.join(PEERS, script), *args], input=stdin,
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError("%s %s: %s" % (script, " ".join(args), done.stderr.strip()))
    return done.stdout


def sample(n):
    now = int(time.time() * 1000) - 60_000
    b = lambda x: None if x is None else base64.b64encode(x).decode()
    rows = []
    for i in range(n):
        value = bytes((i * 7 + j) % 256 for j in range(i * 100)) if i % 3 else (b"" if i % 2 else None)
        rows.append({"partition": 0, "key_b64": b(b"key-%d" % i), "value_b64": b(value),
                     "headers": [["i", b(str(i).encode())], ["bin", b(bytes([0, 255, i % 256]))]],
                     "timestamp_ms": now + i})
    return rows


def main():
    failures = 0
    for name in ("KAFKA_FAST_TANSU", "KAFKA_FAST_NOIDA"):
        bootstrap = os.environ.get(name)
        if not bootstrap:
            sys.exit("%s is not set: source .test-run/brokers.env first" % name)
        for client in CLIENTS:
            for codec in CODECS:
                topic = "check-%s-%s-%s" % (client, codec, uuid.uuid4().hex[:6])
                peer("peer_admin.py", "create-topic", topic, "--bootstrap", bootstrap)
                rows = sample(20)
                lines = "".join(json.dumps(r) + "\n" for r in rows)
                report = json.loads(peer("peer_produce.py", "--client", client, "--bootstrap", bootstrap,
                                         "--topic", topic, "--codec", codec, "--messages", "-", stdin=lines))
                offsets = [d["offset"] for d in report["delivered"]]
                meta = json.loads(peer("peer_metadata.py", "--bootstrap", bootstrap, "--topic", topic))
                part = meta["topics"][0]["partitions"][0]
                verdicts = []
                for reader in CLIENTS:
                    got = [json.loads(l) for l in peer("peer_consume.py", "--client", reader, "--bootstrap",
                                                       bootstrap, "--topic", topic, "--from-beginning",
                                                       "--count", str(len(rows)), "--timeout", "20").splitlines()]
                    same = [(g["key_b64"], g["value_b64"], g["headers"], g["timestamp_ms"]) for g in got] == \
                           [(r["key_b64"], r["value_b64"], r["headers"], r["timestamp_ms"]) for r in rows]
                    verdicts.append("%s:%s" % (reader, "ok" if same else "MISMATCH"))
                    failures += 0 if same else 1
                ok = offsets == list(range(len(rows)))
                failures += 0 if ok else 1
                print("%-16s %-12s %-6s offsets %s  watermarks %d..%d  read back by %s"
                      % (name[11:].lower() + " " + bootstrap, client, codec, "0..%d" % offsets[-1] if ok else offsets,
                         part["low"], part["high"], " ".join(verdicts)))
                peer("peer_admin.py", "delete-topic", topic, "--bootstrap", bootstrap)
    print("%d failures" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
