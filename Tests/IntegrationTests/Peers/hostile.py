#!/usr/bin/env python3
"""Hostile and heavy peers for the bounds tests, written from docs/PROTOCOL.md only (AISC01, AISW01, the feed).
Each prints one JSON line with what it saw.

  hostile.py flood --endpoint E --body FILE --seconds S [--rate R]
      measures synchronous round trips of valid requests alone, then again while another connection sends R
      bodies a second of 15,000 arrays nested 31 deep (0.9 MiB): {"baseline": {...}, "flooded": {...},
      "floods": {"sent": N, "codes": {...}}}
  hostile.py sitting-worker --endpoint E --pack P --version V --digest D [--heartbeat-ms H] --seconds S
      READY (capacity 1), takes tickets and never answers, but keeps heartbeating: {"requests": N,
      "disconnect": reason or null}
  hostile.py throwaway --endpoint E --body FILE --identities N --per K [--service S] [--deadline-ms D]
      N connections (throwaway routing ids) send K requests each and wait for the answers: {"codes": {...}}
  hostile.py reserialise --endpoint E --body FILE
      the same request re-serialised, the id in the body changed, a different request under the same id:
      {"first": ..., "reserialised": ..., "same_bytes": bool, "mismatch": ..., "different": ...}
  hostile.py idle-workers --endpoint E --pack P --version V --digest D --count N --seconds S
      N workers that READY and heartbeat and do nothing else: {"ready": N, "disconnects": K}
  hostile.py non-reader --endpoint E --id ID --count N [--subscribe FEED] --seconds S
      sends N verdict.get for ID and never reads a reply (and, with --subscribe, subscribes to the feed and never
      reads it): {"sent": N}
"""
import argparse
import json
import sys
import threading
import time

import zmq

CLIENT, WORKER = b"AISC01", b"AISW01"


def emit(**members):
    print(json.dumps(members), flush=True)


def body_with_id(template, request_id):
    document = dict(template)
    document["request_id"] = request_id
    return json.dumps(document).encode()


def dealer(context, endpoint, routing_id=None):
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    if routing_id:
        socket.setsockopt(zmq.ROUTING_ID, routing_id)
    socket.connect(endpoint)
    return socket


def request(service, request_id, body, deadline=0):
    return [b"", CLIENT, b"\x01", service.encode(), request_id.encode(), str(deadline).encode(), b"", body]


def reply(frames):
    """(kind, request id, code or body, message)."""
    if len(frames) < 6 or frames[1] != CLIENT:
        return ("?", None, None, None)
    kind = {b"\x02": "partial", b"\x03": "final", b"\x04": "error"}.get(frames[2], "?")
    return (kind, frames[4].decode(), frames[5], frames[6].decode() if len(frames) > 6 else "")


def round_trips(context, endpoint, template, seconds, tag):
    socket = dealer(context, endpoint)
    latencies, codes, n = [], {}, 0
    end = time.time() + seconds
    while time.time() < end:
        n += 1
        request_id = f"{tag}-{n}-{time.time_ns()}"
        start = time.perf_counter()
        socket.send_multipart(request("screen", request_id, body_with_id(template, request_id)))
        while True:
            if not socket.poll(15_000):
                codes["timeout"] = codes.get("timeout", 0) + 1
                break
            kind, rid, payload, _ = reply(socket.recv_multipart())
            if rid != request_id or kind == "partial":
                continue
            latencies.append((time.perf_counter() - start) * 1000)
            key = "final" if kind == "final" else payload.decode()
            codes[key] = codes.get(key, 0) + 1
            break
    socket.close()
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 3) if latencies else None
    return {"round_trips": len(latencies), "codes": codes, "p50_ms": pick(0.5), "p99_ms": pick(0.99)}


def flood(args, context):
    with open(args.body) as handle:
        template = json.load(handle)
    baseline = round_trips(context, args.endpoint, template, args.seconds, "base")
    # 29 deep inside "x" (depth 31 in all): within the old reader limit of 32, so before the fix it cost a whole tree
    deep = "[" * 29 + "]" * 29
    head = {k: template[k] for k in ("schema_version", "screening_date") if k in template}
    floods = {"sent": 0, "codes": {}}
    stop = threading.Event()

    def send_floods():
        socket = dealer(context, args.endpoint)
        n = 0
        next_at = time.time()
        while not stop.is_set():
            n += 1
            request_id = f"flood-{n}"
            prefix = json.dumps(dict(head, request_id=request_id))[:-1]
            body = (prefix + ', "x": [' + ",".join([deep] * 15_000) + "]}").encode()
            socket.send_multipart(request("screen", request_id, body))
            floods["sent"] += 1
            next_at += 1.0 / args.rate
            while time.time() < next_at and not stop.is_set():
                if socket.poll(10):
                    kind, _, payload, _ = reply(socket.recv_multipart())
                    code = payload.decode() if kind == "error" else kind
                    floods["codes"][code] = floods["codes"].get(code, 0) + 1
        end = time.time() + 5
        while sum(floods["codes"].values()) < floods["sent"] and time.time() < end:
            if socket.poll(100):
                kind, _, payload, _ = reply(socket.recv_multipart())
                code = payload.decode() if kind == "error" else kind
                floods["codes"][code] = floods["codes"].get(code, 0) + 1
        socket.close()

    sender = threading.Thread(target=send_floods)
    sender.start()
    time.sleep(0.5)
    flooded = round_trips(context, args.endpoint, template, args.seconds, "during")
    stop.set()
    sender.join()
    emit(baseline=baseline, flooded=flooded, floods=floods, body_bytes=len(body_with_id(template, "x")))


def sitting_worker(args, context):
    socket = dealer(context, args.endpoint)
    metadata = json.dumps({"id": args.pack, "version": args.version, "digest": args.digest, "capacity": 1}).encode()
    socket.send_multipart([b"", WORKER, b"\x01", ("pack." + args.pack).encode(), metadata])
    requests, reason = 0, None
    end = time.time() + args.seconds
    next_beat = time.time()
    while time.time() < end and reason is None:
        if time.time() >= next_beat:
            socket.send_multipart([b"", WORKER, b"\x04"])
            next_beat = time.time() + args.heartbeat_ms / 1000
        if not socket.poll(20):
            continue
        frames = socket.recv_multipart()
        if len(frames) >= 3 and frames[1] == WORKER:
            if frames[2] == b"\x02":
                requests += 1  # and never answered
            elif frames[2] == b"\x05":
                reason = frames[3].decode() if len(frames) > 3 else ""
    emit(requests=requests, disconnect=reason)


def throwaway(args, context):
    with open(args.body) as handle:
        template = json.load(handle)
    sockets = [dealer(context, args.endpoint, f"throwaway-{i}-{time.time_ns()}".encode()) for i in range(args.identities)]
    expected = 0
    for i, socket in enumerate(sockets):
        for k in range(args.per):
            request_id = f"tw-{i}-{k}-{time.time_ns()}"
            socket.send_multipart(request(args.service, request_id, body_with_id(template, request_id), args.deadline_ms))
            expected += 1
    poller = zmq.Poller()
    for socket in sockets:
        poller.register(socket, zmq.POLLIN)
    codes, answered = {}, 0
    end = time.time() + args.deadline_ms / 1000 + 5
    while answered < expected and time.time() < end:
        for socket, _ in poller.poll(100):
            while True:
                try:
                    frames = socket.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                kind, _, payload, _ = reply(frames)
                if kind == "partial":
                    continue
                answered += 1
                code = "final" if kind == "final" else payload.decode()
                codes[code] = codes.get(code, 0) + 1
    for socket in sockets:
        socket.close()
    emit(sent=expected, answered=answered, codes=codes)


def reserialise(args, context):
    with open(args.body, "rb") as handle:
        raw = handle.read()
    document = json.loads(raw)
    request_id = document["request_id"]
    socket = dealer(context, args.endpoint)

    def ask(body, frame_id=request_id):
        socket.send_multipart(request("screen", frame_id, body))
        while socket.poll(15_000):
            kind, rid, payload, message = reply(socket.recv_multipart())
            if rid == frame_id and kind != "partial":
                return {"kind": kind, "payload": payload.decode(), "message": message}
        return {"kind": "timeout"}

    first = ask(raw)
    again = ask(json.dumps(document, sort_keys=True, indent=4, ensure_ascii=True).encode())
    mismatch = ask(raw, frame_id=request_id + "-other")
    changed = dict(document)
    changed["tool"] = dict(changed.get("tool") or {}, name="Another tool")
    different = ask(json.dumps(changed).encode())
    emit(first=first["kind"], reserialised=again["kind"], same_bytes=first.get("payload") == again.get("payload"),
         mismatch={"kind": mismatch["kind"], "code": mismatch.get("payload"), "message": mismatch.get("message")},
         different={"kind": different["kind"], "code": different.get("payload")})


def idle_workers(args, context):
    metadata = json.dumps({"id": args.pack, "version": args.version, "digest": args.digest}).encode()
    sockets = []
    for _ in range(args.count):
        socket = dealer(context, args.endpoint)
        socket.send_multipart([b"", WORKER, b"\x01", ("pack." + args.pack).encode(), metadata])
        sockets.append(socket)
    emit(event="ready", count=len(sockets))
    disconnects = 0
    end = time.time() + args.seconds
    while time.time() < end:
        for socket in sockets:
            socket.send_multipart([b"", WORKER, b"\x04"])
            while True:
                try:
                    frames = socket.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                if len(frames) >= 3 and frames[2] == b"\x05":
                    disconnects += 1
        time.sleep(0.2)
    for socket in sockets:
        socket.close()
    emit(event="end", ready=len(sockets), disconnects=disconnects)


def non_reader(args, context):
    socket = dealer(context, args.endpoint)
    socket.setsockopt(zmq.RCVHWM, 1)  # read nothing, hold as little as possible on this side
    body = json.dumps({"request_id": args.id}).encode()
    sent = 0
    subscriber = None
    if args.subscribe:
        subscriber = context.socket(zmq.SUB)
        subscriber.setsockopt(zmq.RCVHWM, 1)
        subscriber.setsockopt(zmq.SUBSCRIBE, b"")
        subscriber.connect(args.subscribe)
    for n in range(args.count):
        try:
            socket.send_multipart(request("verdict.get", f"get-{n}", body), zmq.NOBLOCK)
            sent += 1
        except zmq.Again:
            time.sleep(0.01)
    emit(event="sent", sent=sent)
    time.sleep(args.seconds)  # never reading
    emit(event="end", sent=sent)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["flood", "sitting-worker", "throwaway", "reserialise", "idle-workers", "non-reader"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--body")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--pack")
    parser.add_argument("--version")
    parser.add_argument("--digest")
    parser.add_argument("--heartbeat-ms", type=int, default=200)
    parser.add_argument("--identities", type=int, default=100)
    parser.add_argument("--per", type=int, default=5)
    parser.add_argument("--service", default="screen")
    parser.add_argument("--deadline-ms", type=int, default=1000)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--id")
    parser.add_argument("--subscribe")
    args = parser.parse_args()
    context = zmq.Context()
    {"flood": flood, "sitting-worker": sitting_worker, "throwaway": throwaway, "reserialise": reserialise,
     "idle-workers": idle_workers, "non-reader": non_reader}[args.role](args, context)
    context.destroy(0)


if __name__ == "__main__":
    sys.exit(main())
