#!/usr/bin/env python3
"""An independent peer for the detail levels, written from docs/PROTOCOL.md (§4.2, §6, §7.1, §7.5) only.

  detail.py --client E --publish E FILE...

For each request file (under a fresh request id): a REQUEST with options `detail=summary`, then the same id with no
options. Checks that the summary FINAL is the summary §7.5 derives from the full FINAL (member order included), that
a `summary.` subscriber gets the same summary with the same `seq` as a `verdict.` subscriber gets the full result, and
that each subscriber gets only its topic family. Prints one JSON line: {"ok": bool, "checked": N, "problems": […]}.
"""
import argparse
import json
import sys
import time
import uuid

import zmq

STAMP = ("seq", "published_at", "run_id")


def pairs(text):
    """JSON with member order kept: objects become lists of (key, value) pairs."""
    return json.loads(text, object_pairs_hook=lambda items: [(k, v) for k, v in items])


def member(obj, key):
    for k, v in obj:
        if k == key:
            return v
    raise KeyError(key)


def has(obj, key):
    return any(k == key for k, _ in obj)


def derive_summary(full):
    """§7.5 from §7.1: member by member."""
    packs = []
    for pack_id, pack in member(full, "packs"):
        packs.append((pack_id, [
            ("version", member(pack, "version")), ("digest", member(pack, "digest")), ("verdict", member(pack, "verdict")),
            ("outputs", member(pack, "outputs")), ("rules", [member(f, "rule") for f in member(pack, "findings")]),
            ("errors", member(pack, "errors")),
        ]))
    conditions = []
    for condition in member(full, "conditions"):
        entry = [("packs", member(condition, "packs"))]
        if has(condition, "key"):
            entry.append(("key", member(condition, "key")))
        else:
            entry += [("da", member(condition, "da")), ("en", member(condition, "en"))]
        entry += [("applies_from", member(condition, "applies_from")), ("status", member(condition, "status"))]
        conditions.append(entry)
    steps = member(full, "next_steps")
    return [
        ("request_id", member(full, "request_id")), ("detail", "summary"), ("verdict", member(full, "verdict")),
        ("packs", packs), ("conditions", conditions),
        ("next_steps", [("options", member(steps, "options")), ("duties", [member(d, "field") for d in member(steps, "duties")]),
                        ("blockers", member(steps, "blockers"))]),
        ("errors", member(full, "errors")),
    ]


def unstamped(body):
    return [(k, v) for k, v in body if k not in STAMP]


def request(socket, request_id, body, options):
    socket.send_multipart([b"", b"AISC01", b"\x01", b"screen", request_id.encode(), b"0", options, body])
    while True:
        if not socket.poll(30_000):
            raise TimeoutError("no reply for " + request_id)
        frames = socket.recv_multipart()
        if frames[2] == b"\x03" and frames[4].decode() == request_id:
            return frames[5]
        if frames[2] == b"\x04":
            raise RuntimeError("ERROR %s: %s" % (frames[5].decode(), frames[6].decode()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", required=True)
    parser.add_argument("--publish", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    context = zmq.Context()
    client = context.socket(zmq.DEALER)
    client.linger = 0
    client.connect(args.client)
    feeds = {}
    for family in ("summary.", "verdict."):
        sub = context.socket(zmq.SUB)
        sub.linger = 0
        sub.setsockopt(zmq.SUBSCRIBE, family.encode())
        sub.connect(args.publish)
        feeds[family] = sub
    bodies = [json.load(open(path, encoding="utf-8")) for path in args.files]
    problems = []

    def drain(wait):
        got = {family: {} for family in feeds}
        end = time.time() + wait
        while time.time() < end:
            for family, sub in feeds.items():
                while sub.poll(10):
                    topic, body = sub.recv_multipart()
                    if not topic.decode().startswith(family):
                        problems.append("a %s subscriber got %s" % (family, topic.decode()))
                    parsed = pairs(body)
                    got[family][member(parsed, "request_id")] = (topic.decode(), parsed)
        return got

    # The feed drops what is published before a subscription arrives: probe until both families see one.
    for probe in range(100):
        probe_id = "detail-probe-%d-%s" % (probe, uuid.uuid4().hex[:8])
        body = dict(bodies[0], request_id=probe_id)
        request(client, probe_id, json.dumps(body).encode(), b"")
        got = drain(0.2)
        if all(probe_id in got[family] for family in feeds):
            break
    else:
        problems.append("the subscriptions never took effect")

    ids = []
    for index, body in enumerate(bodies):
        request_id = "detail-%d-%s" % (index, uuid.uuid4().hex[:8])
        ids.append(request_id)
        data = json.dumps(dict(body, request_id=request_id), ensure_ascii=False).encode()
        summary_bytes = request(client, request_id, data, b"detail=summary")
        full_bytes = request(client, request_id, data, b"")
        summary, full = pairs(summary_bytes), pairs(full_bytes)
        if has(full, "detail"):
            problems.append("%s: the full result has a 'detail' member" % request_id)
        if summary != derive_summary(full):
            problems.append("%s: the summary FINAL is not the summary of the full FINAL: %s" % (request_id, summary_bytes[:300]))
        if len(summary_bytes) * 4 > len(full_bytes):
            problems.append("%s: summary %d bytes, full %d bytes" % (request_id, len(summary_bytes), len(full_bytes)))
    got = drain(2.0)
    for request_id in ids:
        published = {family: got[family].get(request_id) for family in feeds}
        if None in published.values():
            problems.append("%s: not published on %s" % (request_id, [f for f, v in published.items() if v is None]))
            continue
        (summary_topic, summary), (full_topic, full) = published["summary."], published["verdict."]
        if member(summary, "seq") != member(full, "seq") or member(summary, "run_id") != member(full, "run_id"):
            problems.append("%s: seq %s (summary) and %s (full) differ" % (request_id, member(summary, "seq"), member(full, "seq")))
        if summary_topic.split(".", 1)[1] != full_topic.split(".", 1)[1]:
            problems.append("%s: topics %s and %s differ beyond the family" % (request_id, summary_topic, full_topic))
        if unstamped(summary) != derive_summary(unstamped(full)):
            problems.append("%s: the published summary is not the summary of the published result" % request_id)
    print(json.dumps({"ok": not problems, "checked": len(ids), "problems": problems[:20]}), flush=True)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
