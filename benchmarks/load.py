"""A load generator run as its own process: N client threads send requests for a fixed time and
print one JSON line with the count and the latencies (seconds). Plain http.client, one
connection per request, so the figure includes connecting as a real client would.

    python -m benchmarks.load --port P --clients 16 --seconds 10 --mode act --token T --cases A,B
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import threading
import time
import uuid


def request(port: int, method: str, path: str, body: dict | None, token: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--mode", choices=["act", "health"], required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--cases", default="")
    args = parser.parse_args()
    cases = [c for c in args.cases.split(",") if c]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(args.clients)

    def client(i: int) -> None:
        barrier.wait()
        end = time.perf_counter() + args.seconds
        n = 0
        while time.perf_counter() < end:
            if args.mode == "health":
                method, path, body = "GET", "/api/v1/health", None
            else:
                method, path = "POST", "/api/v1/acts"
                body = {
                    "kind": "registry.participant.add",
                    "case": cases[i % len(cases)],
                    "idempotency_key": uuid.uuid4().hex,
                    "data": {
                        "role": "witness",
                        "person": {"surname": "Асанов", "given_name": f"Айбек{n}", "sex": "M"},
                    },
                }
            t0 = time.perf_counter()
            status = request(args.port, method, path, body, args.token)
            took = time.perf_counter() - t0
            n += 1
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    cpu = os.times()  # the client shares the machine's cores with the server it measures
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "latencies": latencies,
                "statuses": statuses,
                "client_cpu_seconds": cpu.user + cpu.system,
            }
        )
    )


if __name__ == "__main__":
    main()
