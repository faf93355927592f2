#!/usr/bin/env python3
"""An independent HTTP peer for the dashboard tests (standard library + prometheus_client).

  http_peer.py get URL                       one JSON line: {"status", "content_type", "body"}
  http_peer.py metrics URL                   one JSON line: {"types": {family: type}, "samples": {"name{l=v,...}": value}},
                                             parsed by prometheus_client's text parser (an error exits 1)
  http_peer.py events URL [--last-event-id ID] [--count N] [--timeout S]
                                             one JSON line per Server-Sent Event: {"id", "event", "data"}
                                             ("id" null when the event has none), after {"open": status}
"""
import argparse
import json
import sys
import urllib.error
import urllib.request


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode("utf-8")


def metrics(url):
    from prometheus_client.parser import text_string_to_metric_families

    status, content_type, body = get(url)
    if status != 200:
        sys.exit(f"/metrics answered {status}")
    types, samples = {}, {}
    for family in text_string_to_metric_families(body):
        types[family.name] = family.type
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return {"content_type": content_type, "types": types, "samples": samples}


def events(url, last_event_id, count, timeout):
    request = urllib.request.Request(url, headers={"Accept": "text/event-stream"})
    if last_event_id:
        request.add_header("Last-Event-ID", last_event_id)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        print(json.dumps({"open": response.status}), flush=True)
        event = {"id": None, "event": "message", "data": []}
        seen = 0
        for raw in response:
            line = raw.decode("utf-8").rstrip("\n")
            if line == "":
                if event["data"]:
                    print(json.dumps({"id": event["id"], "event": event["event"], "data": "\n".join(event["data"])}), flush=True)
                    seen += 1
                    if seen >= count:
                        return
                event = {"id": None, "event": "message", "data": []}
            elif line.startswith(":"):
                continue
            else:
                field, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if field == "data":
                    event["data"].append(value)
                elif field in ("id", "event"):
                    event[field] = value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["get", "metrics", "events"])
    parser.add_argument("url")
    parser.add_argument("--last-event-id")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    if args.command == "get":
        status, content_type, body = get(args.url)
        print(json.dumps({"status": status, "content_type": content_type, "body": body}))
    elif args.command == "metrics":
        print(json.dumps(metrics(args.url)))
    else:
        events(args.url, args.last_event_id, args.count, args.timeout)


if __name__ == "__main__":
    main()
