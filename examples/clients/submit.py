#!/usr/bin/env python3
"""Submit screening requests to an aiscreen broker and print the verdicts.

Written from docs/PROTOCOL.md (protocol version 1, AISC01) only, as an example of a client in another language.

Usage:
    python3 examples/clients/submit.py examples/requests/*.json
    python3 examples/clients/submit.py --service pack.gdpr --json FILE...

One DEALER socket sends every file at once (pipelined), each under its own request id, then collects the
replies by request id. A request without an answer after --timeout seconds is sent once more with the same
id and body; the broker never evaluates it twice (PROTOCOL.md §4.4). Files that cannot be read or are not
JSON objects are reported and skipped. The exit status is 1 if any file failed, got an ERROR or timed out.

Needs: pyzmq (python3 -m pip install pyzmq).
"""
import argparse
import json
import sys
import time
import uuid

import zmq

HEADER = b"AISC01"
REQUEST, PARTIAL, FINAL, ERROR = b"\x01", b"\x02", b"\x03", b"\x04"
ATTEMPTS = 2  # the first send and one retry



def read_key(path):
    """The Z85 key line of an aiscreen key file (comment lines start with '#'; PROTOCOL.md §10.3)."""
    with open(path) as handle:
        lines = [line.strip() for line in handle.read().splitlines() if line.strip() and not line.startswith("#")]
    if len(lines) != 1 or len(lines[0]) != 40:
        raise ValueError(f"{path}: not an aiscreen key file (one 40-character Z85 line)")
    return lines[0].encode("ascii")


def use_curve(socket, key, broker_key):
    """Makes the socket a CURVE client of the broker (PROTOCOL.md §10)."""
    if key is None:
        return
    if not zmq.has("curve"):
        raise SystemExit("error: this libzmq has no CURVE support")
    if broker_key is None:
        raise SystemExit("error: --key needs --broker-key (the broker's broker.key)")
    secret = read_key(key)
    socket.curve_secretkey = secret
    socket.curve_publickey = zmq.curve_public(secret)
    socket.curve_serverkey = read_key(broker_key)

def request_frames(service, request_id, deadline_ms, body):
    """A REQUEST as a DEALER sends it (PROTOCOL.md §4.2)."""
    return [
        b"",                             # 0 empty delimiter
        HEADER,                          # 1 protocol header
        REQUEST,                         # 2 command
        service.encode("ascii"),         # 3 service
        request_id.encode("ascii"),      # 4 request id
        str(deadline_ms).encode("ascii"),  # 5 deadline in ms, "0" = the broker's default
        b"",                             # 6 options: none
        body,                            # 7 the screening request, JSON, sent as read
    ]


def valid_request_id(text):
    """1-128 bytes of printable ASCII without space (PROTOCOL.md §3.2)."""
    raw = text.encode("utf-8")
    return 1 <= len(raw) <= 128 and all(0x21 <= b <= 0x7E for b in raw)


def load(path, new_id):
    """Returns (request id, body bytes), or raises ValueError with the reason."""
    try:
        with open(path, "rb") as handle:
            body = handle.read()
    except OSError as error:
        raise ValueError(f"cannot read the file ({error.strerror})")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"not JSON: {error}")
    if not isinstance(document, dict):
        raise ValueError("a request must be a JSON object")
    # The body's request_id is the request's identity; the REQUEST frame carries the same (PROTOCOL.md §4.4).
    if new_id:
        document["request_id"] = str(uuid.uuid4())
        return document["request_id"], json.dumps(document, ensure_ascii=False).encode("utf-8")
    request_id = document.get("request_id")
    if not isinstance(request_id, str) or not valid_request_id(request_id):
        raise ValueError("no valid \"request_id\" string in the file (give --new-id for a fresh one)")
    return request_id, body


def summary(path, result):
    """One readable block per combined result (PROTOCOL.md §7.1)."""
    lines = [f"{path}: {result.get('verdict', '?')}  (request {result.get('request_id', '?')})"]
    for pack, pack_result in sorted(result.get("packs", {}).items()):
        lines.append(f"  {pack}: {pack_result.get('verdict', '?')}")
    for condition in result.get("conditions", []):
        text = condition.get("text") or condition.get("en") or json.dumps(condition, ensure_ascii=False)
        lines.append(f"  condition: {text}")
    for error in result.get("errors", []):
        if isinstance(error, dict):
            error = f"{error.get('pack', '?')}: [{error.get('code', '?')}] {error.get('message', '')}"
        lines.append(f"  error: {error}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description="Submit screening requests to an aiscreen broker.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="request files (JSON)")
    parser.add_argument("--endpoint", default="tcp://127.0.0.1:5555", help="the broker's client endpoint")
    parser.add_argument("--service", default="screen", help="screen (every pack) or pack.<id> (one pack)")
    parser.add_argument("--deadline-ms", type=int, default=0, help="deadline for the broker; 0 = its default")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds to wait before retrying once (default: deadline, or 30 s, + 2 s)")
    parser.add_argument("--new-id", action="store_true", help="give each file a fresh UUID (written into the body)")
    parser.add_argument("--id-from-request", action="store_true", help=argparse.SUPPRESS)  # the default now
    parser.add_argument("--json", action="store_true", help="print each FINAL body as one JSON line")
    parser.add_argument("--key", help="secret key file (NAME.key_secret) for a broker with CURVE")
    parser.add_argument("--broker-key", help="the broker's public key file (broker.key)")
    args = parser.parse_args()
    timeout = args.timeout or ((args.deadline_ms or 10_000) + 2_000) / 1000

    failed = False
    pending = {}  # request id -> [path, frames, attempts, give-up time]
    for path in args.files:
        try:
            request_id, body = load(path, args.new_id)
        except ValueError as error:
            print(f"{path}: error: {error}", file=sys.stderr)
            failed = True
            continue
        if request_id in pending:
            print(f"{path}: error: request id {request_id} is used twice", file=sys.stderr)
            failed = True
            continue
        pending[request_id] = [path, request_frames(args.service, request_id, args.deadline_ms, body), 1, 0.0]

    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    use_curve(socket, args.key, args.broker_key)
    socket.connect(args.endpoint)
    def send(frames):
        # Never block: with no completed connection (a broker that is down, or a refused CURVE key) a DEALER's
        # send would wait forever; an unsent request is simply retried, or counted unanswered.
        try:
            socket.send_multipart(frames, flags=zmq.NOBLOCK)
        except zmq.Again:
            pass

    for entry in pending.values():  # pipelined: everything goes out before any reply is read
        send(entry[1])
        entry[3] = time.monotonic() + timeout

    poller = zmq.Poller()
    poller.register(socket, zmq.POLLIN)
    try:
        while pending:
            wait = max(0.0, min(entry[3] for entry in pending.values()) - time.monotonic())
            if poller.poll(timeout=int(wait * 1000) + 1):
                frames = socket.recv_multipart()
                # A reply is "" AISC01 command service request-id …; anything else is not for us.
                if len(frames) < 6 or frames[0] != b"" or frames[1] != HEADER:
                    continue
                command, request_id = frames[2], frames[4].decode("ascii", "replace")
                entry = pending.get(request_id)
                if entry is None or command == PARTIAL:  # a late duplicate, or a partial we did not ask for
                    continue
                path = entry[0]
                if command == FINAL and len(frames) == 6:
                    del pending[request_id]
                    if args.json:
                        print(json.dumps(json.loads(frames[5]), ensure_ascii=False))
                    else:
                        print(summary(path, json.loads(frames[5])))
                elif command == ERROR and len(frames) == 7:
                    del pending[request_id]
                    code, message = frames[5].decode("ascii", "replace"), frames[6].decode("utf-8", "replace")
                    print(f"{path}: error: [{code}] {message}", file=sys.stderr)
                    failed = True
                sys.stdout.flush()
            now = time.monotonic()
            for request_id, entry in list(pending.items()):
                if entry[3] > now:
                    continue
                if entry[2] < ATTEMPTS:  # retry with the same id and body: never a second evaluation
                    entry[2] += 1
                    entry[3] = now + timeout
                    send(entry[1])
                else:
                    del pending[request_id]
                    print(f"{entry[0]}: error: no answer for request {request_id} (sent {ATTEMPTS} times)",
                          file=sys.stderr)
                    failed = True
    except KeyboardInterrupt:
        failed = True
    finally:
        socket.close()
        context.term()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
