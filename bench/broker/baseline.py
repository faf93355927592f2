#!/usr/bin/env python3
"""Reference round trips with pyzmq on this machine, measured in the same run as the broker (bench/broker/run.sh).

raw:   one ROUTER and one DEALER process, synchronous round trips (libzmq's own floor here);
relay: client DEALER -> ROUTER/ROUTER relay process -> DEALER worker process, synchronous: the same three
       processes and hops as client -> broker -> worker, with no work done at any hop.
Both send the given body (default: examples/minimal/required-fields-only.json). Prints one line each.
Usage: bench/broker/baseline.py [seconds] [body-file]
"""
import os
import sys
import time

import zmq

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 5
BODY = open(sys.argv[2] if len(sys.argv) > 2 else "examples/minimal/required-fields-only.json", "rb").read()


def report(name, latencies, seconds):
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1e6
    p99 = latencies[int(len(latencies) * 0.99)] * 1e6
    print(f"{name}: {len(latencies) / seconds:,.0f} round trips/s; p50 {p50:.0f} µs, p99 {p99:.0f} µs")


def child(run):
    pid = os.fork()
    if pid == 0:
        try:
            run()
        finally:
            os._exit(0)
    return pid


def echo_dealer(endpoint):
    def run():
        socket = zmq.Context().socket(zmq.DEALER)
        socket.connect(endpoint)
        socket.send(b"ready")
        while True:
            socket.send_multipart(socket.recv_multipart())
    return run


def relay(front_endpoint, back_endpoint):
    def run():
        context = zmq.Context()
        front, back = context.socket(zmq.ROUTER), context.socket(zmq.ROUTER)
        front.bind(front_endpoint)
        back.bind(back_endpoint)
        poller = zmq.Poller()
        poller.register(front, zmq.POLLIN)
        poller.register(back, zmq.POLLIN)
        worker = None
        while True:
            for socket, _ in poller.poll(20):
                if socket is back:
                    frames = back.recv_multipart()
                    if worker is None:
                        worker = frames[0]
                    else:
                        front.send_multipart(frames[1:])
                else:
                    back.send_multipart([worker] + front.recv_multipart())
    return run


def measure(send, receive):
    latencies, end = [], time.time() + SECONDS
    while time.time() < end:
        started = time.perf_counter()
        send()
        receive()
        latencies.append(time.perf_counter() - started)
    return latencies


def main():
    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.bind("tcp://127.0.0.1:16566")
    pids = [child(echo_dealer("tcp://127.0.0.1:16566"))]
    identity, _ = router.recv_multipart()
    report("raw ROUTER-DEALER (pyzmq, 2 processes)",
           measure(lambda: router.send_multipart([identity, b"", BODY]), router.recv_multipart), SECONDS)

    pids.append(child(relay("tcp://127.0.0.1:16555", "tcp://127.0.0.1:16556")))
    time.sleep(0.3)
    pids.append(child(echo_dealer("tcp://127.0.0.1:16556")))
    time.sleep(0.5)
    client = context.socket(zmq.DEALER)
    client.connect("tcp://127.0.0.1:16555")
    report("relay client-broker-worker (pyzmq, 3 processes, no work)",
           measure(lambda: client.send_multipart([b"", b"x", BODY]), client.recv_multipart), SECONDS)
    for pid in pids:
        os.kill(pid, 9)


if __name__ == "__main__":
    main()
