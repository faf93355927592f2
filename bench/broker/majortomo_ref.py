#!/usr/bin/env python3
"""Reference: synchronous round trips through majortomo (a Python MDP/0.2 broker, PyPI `majortomo`) with one echo
worker, the same three processes and hops as client -> aiscreen broker -> worker. The issue quotes it (≈ 2,800/s)
beside the zguide C broker; measured here in the same run as ours, it says how this machine compares.
Usage: bench/broker/majortomo_ref.py [seconds] [body-file]
"""
import os
import sys
import time

from majortomo import Client, Worker, WorkerRequestsIterator
from majortomo.broker import Broker

from baseline import child  # this folder's pyzmq references: runs a function in a forked process

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 5
BODY = open(sys.argv[2] if len(sys.argv) > 2 else "examples/minimal/required-fields-only.json", "rb").read()
URL = "tcp://127.0.0.1:15610"


def broker():
    Broker(bind=URL).run()


def worker():
    iterator = WorkerRequestsIterator(Worker(broker_url=URL, service_name=b"echo"))
    for request in iterator:
        iterator.send_reply_final(request)


def main():
    pids = [child(broker)]
    time.sleep(0.5)
    pids.append(child(worker))
    time.sleep(1)
    latencies = []
    with Client(URL) as client:
        client.send(b"echo", BODY)
        assert client.recv_all_as_list(timeout=5) == [BODY]
        end = time.time() + SECONDS
        while time.time() < end:
            started = time.perf_counter()
            client.send(b"echo", BODY)
            reply = client.recv_all_as_list(timeout=5)
            latencies.append(time.perf_counter() - started)
            assert reply == [BODY]
    for pid in pids:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    latencies.sort()
    print(f"majortomo MDP broker (Python, 3 processes, echo worker): {len(latencies) / SECONDS:,.0f} round trips/s; "
          f"p50 {latencies[len(latencies) // 2] * 1e6:.0f} µs, p99 {latencies[int(len(latencies) * 0.99)] * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
