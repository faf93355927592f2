#!/usr/bin/env python3
"""Print the verdicts an aiscreen broker publishes, and say when some were missed.

Written from docs/PROTOCOL.md (protocol version 1, §6 "Published verdicts") only, as an example of a
subscriber in another language.

Usage:
    python3 examples/clients/subscribe.py
    python3 examples/clients/subscribe.py --topic verdict.rejected. --json
    python3 examples/clients/subscribe.py --count 3 --timeout 10     # for tests: exit after 3 verdicts

Each message is two frames: the topic `verdict.<verdict>.<department>` and the combined result JSON with
`seq`, `published_at` and `run_id` added. Within one `run_id`, `seq` grows by one per published verdict, so a
jump means messages were lost (PUB drops them for slow subscribers and before the subscription arrives). A new
`run_id` means the broker restarted and `seq` starts again at 1.

Exit status: 0 normally (Ctrl-C, or --count reached); 1 if --timeout passed before --count verdicts arrived.

Needs: pyzmq (python3 -m pip install pyzmq).
"""
import argparse
import json
import sys
import time

import zmq


class GapTracker:
    """Follows seq within a broker run."""

    def __init__(self):
        self.run_id = None
        self.last_seq = None

    def observe(self, run_id, seq):
        """Returns notes to print for this message: gaps, restarts."""
        notes = []
        if self.run_id is not None and run_id != self.run_id:
            notes.append(f"new broker run {run_id}: seq starts again")
            if seq > 1:
                notes.append(f"gap: missed {seq - 1} verdicts (seq 1..{seq - 1})")
        elif self.last_seq is not None and seq > self.last_seq + 1:
            notes.append(f"gap: missed {seq - self.last_seq - 1} verdicts (seq {self.last_seq + 1}..{seq - 1})")
        elif self.last_seq is not None and seq <= self.last_seq:
            notes.append(f"warning: seq went from {self.last_seq} back to {seq} in the same run")
        self.run_id, self.last_seq = run_id, seq
        return notes



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

def main():
    parser = argparse.ArgumentParser(description="Print the verdicts an aiscreen broker publishes.")
    parser.add_argument("--endpoint", default="tcp://127.0.0.1:5557", help="the broker's verdict feed")
    parser.add_argument("--topic", default="verdict.",
                        help="subscription prefix; end a verdict prefix with a dot (verdict.rejected.)")
    parser.add_argument("--count", type=int, default=None, help="exit after this many verdicts")
    parser.add_argument("--timeout", type=float, default=None, help="give up after this many seconds")
    parser.add_argument("--json", action="store_true", help="print each body as one JSON line")
    parser.add_argument("--key", help="secret key file (NAME.key_secret) for a broker with CURVE")
    parser.add_argument("--broker-key", help="the broker's public key file (broker.key)")
    args = parser.parse_args()

    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.SUBSCRIBE, args.topic.encode("utf-8"))
    use_curve(socket, args.key, args.broker_key)
    socket.connect(args.endpoint)
    poller = zmq.Poller()
    poller.register(socket, zmq.POLLIN)

    give_up = time.monotonic() + args.timeout if args.timeout is not None else None
    tracker = GapTracker()
    received = 0
    status = 0
    try:
        while args.count is None or received < args.count:
            wait = None
            if give_up is not None:
                wait = give_up - time.monotonic()
                if wait <= 0:
                    status = 1 if args.count is not None else 0
                    if status:
                        print(f"timeout: {received} of {args.count} verdicts received", file=sys.stderr)
                    break
            if not poller.poll(timeout=None if wait is None else int(wait * 1000) + 1):
                continue
            frames = socket.recv_multipart()
            if len(frames) != 2:
                print(f"warning: ignored a message with {len(frames)} frames", file=sys.stderr)
                continue
            topic = frames[0].decode("utf-8", "replace")
            try:
                body = json.loads(frames[1])
                run_id, seq = body["run_id"], body["seq"]
            except (ValueError, KeyError, TypeError):
                print(f"warning: ignored a message on {topic} without seq and run_id", file=sys.stderr)
                continue
            for note in tracker.observe(run_id, seq):
                print(note, file=sys.stderr)
            if args.json:
                print(json.dumps(body, ensure_ascii=False))
            else:
                print(f"#{seq} {topic} {body.get('request_id', '?')} {body.get('verdict', '?')}")
            sys.stdout.flush()
            received += 1
    except KeyboardInterrupt:
        pass
    finally:
        socket.close()
        context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
