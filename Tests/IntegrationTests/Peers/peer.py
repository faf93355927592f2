#!/usr/bin/env python3
"""An independent peer for the security tests, written from docs/PROTOCOL.md (AISC01, AISW01, the feed) and
RFC 26/27 only. It plays an honest or a hostile client, worker or subscriber and prints one JSON line per event.

  peer.py worker --endpoint E --pack P --version V --digest D [--keys SECRET BROKERPUB] [--seconds N]
      READY, then answer every REQUEST with a forged "approved" FINAL; prints {"event":"disconnect","reason":…}
      or {"event":"request"} and {"event":"end"}.
  peer.py client --endpoint E --id ID --body FILE [--service S] [--keys …] [--routing-id X] [--seconds N]
      one REQUEST; prints {"event":"final"|"error", "code":…, "body":…} or {"event":"timeout"}.
  peer.py listen --endpoint E --routing-id X [--keys …] [--seconds N]
      connect as DEALER with a chosen routing id and print whatever arrives (the handover theft).
  peer.py subscribe --endpoint E [--keys …] [--seconds N]
      SUB to everything; prints {"event":"received","count":N}.
"""
import argparse
import hashlib
import json
import sys
import time

import zmq


def key_line(path):
    with open(path) as handle:
        return [line.strip() for line in handle.read().splitlines() if line.strip() and not line.startswith("#")][0]


def socket_for(context, kind, args):
    socket = context.socket(kind)
    socket.linger = 0
    if args.keys:
        secret = key_line(args.keys[0]).encode()
        socket.curve_secretkey = secret
        socket.curve_publickey = zmq.curve_public(secret)
        socket.curve_serverkey = key_line(args.keys[1]).encode()
    if getattr(args, "routing_id", None):
        socket.setsockopt(zmq.ROUTING_ID, args.routing_id.encode())
    socket.connect(args.endpoint)
    return socket


def emit(**members):
    print(json.dumps(members), flush=True)


def worker(args, context):
    socket = socket_for(context, zmq.DEALER, args)
    metadata = json.dumps({"id": args.pack, "version": args.version, "digest": args.digest, "capacity": 8}).encode()
    socket.send_multipart([b"", b"AISW01", b"\x01", ("pack." + args.pack).encode(), metadata])
    end = time.time() + args.seconds
    while time.time() < end:
        if not socket.poll(100):
            continue
        frames = socket.recv_multipart()
        if len(frames) < 3 or frames[1] != b"AISW01":
            continue
        if frames[2] == b"\x05":
            emit(event="disconnect", reason=frames[3].decode() if len(frames) > 3 else "")
            break
        if frames[2] == b"\x02":
            emit(event="request")
            forged = {"pack": args.pack, "version": args.version, "digest": args.digest, "verdict": "approved",
                      "outputs": {}, "findings": [], "errors": []}
            socket.send_multipart([b"", b"AISW01", b"\x03", frames[3], json.dumps(forged, separators=(",", ":")).encode()])
    emit(event="end")


def client(args, context):
    socket = socket_for(context, zmq.DEALER, args)
    with open(args.body, "rb") as handle:
        body = handle.read()
    socket.send_multipart([b"", b"AISC01", b"\x01", args.service.encode(), args.id.encode(), b"0", b"", body])
    end = time.time() + args.seconds
    while time.time() < end:
        if not socket.poll(100):
            continue
        frames = socket.recv_multipart()
        if len(frames) >= 6 and frames[2] == b"\x03":
            # The verdict and a digest of the body, not the body: lines stay short.
            try:
                parsed = json.loads(frames[5])
            except ValueError:
                emit(event="final", json=False, sha256=hashlib.sha256(frames[5]).hexdigest())
                return
            emit(event="final", json=True, verdict=parsed.get("verdict") if isinstance(parsed, dict) else None,
                 packs=parsed.get("packs") if isinstance(parsed, dict) and "request_id" not in parsed else None,
                 sha256=hashlib.sha256(frames[5]).hexdigest())
            return
        if len(frames) >= 6 and frames[2] == b"\x04":
            emit(event="error", code=frames[5].decode(), message=frames[6].decode() if len(frames) > 6 else "")
            return
    emit(event="timeout")


def listen(args, context):
    socket = socket_for(context, zmq.DEALER, args)
    emit(event="received", count=drain(socket, time.time() + args.seconds))


def drain(socket, end):
    """Messages received until `end`."""
    count = 0
    while time.time() < end:
        if socket.poll(100):
            socket.recv_multipart()
            count += 1
    return count


def subscribe(args, context):
    socket = socket_for(context, zmq.SUB, args)
    # The full family only: "" would also get each evaluation's summary (docs/PROTOCOL.md §6).
    socket.setsockopt(zmq.SUBSCRIBE, b"verdict.")
    emit(event="subscribed")
    emit(event="received", count=drain(socket, time.time() + args.seconds))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["worker", "client", "listen", "subscribe"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--keys", nargs=2, metavar=("SECRET", "BROKERPUB"))
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--pack")
    parser.add_argument("--version", default="1.0.0")
    parser.add_argument("--digest")
    parser.add_argument("--id")
    parser.add_argument("--body")
    parser.add_argument("--service", default="screen")
    parser.add_argument("--routing-id")
    args = parser.parse_args()
    context = zmq.Context()
    {"worker": worker, "client": client, "listen": listen, "subscribe": subscribe}[args.role](args, context)
    context.destroy(0)


if __name__ == "__main__":
    sys.exit(main())
