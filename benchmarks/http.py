"""Benchmark 2 — acts per second over HTTP (`POST /api/v1/acts`) against gunicorn on PostgreSQL,
16 concurrent clients from a separate process; baseline: `GET /api/v1/health` on the same server.
p50/p99 latency of both.

The server is `icjis serve --gunicorn` (sync workers, 2 x cores + 1 by default) with ICJIS_ENV=test
(production settings also demand TOTP on every login and TLS cookies) and the settings' own
database connection reuse (DB_CONN_MAX_AGE, 60 s by default). The 16 clients are closed loops
with no pause between requests, so the mean latency is 16 / throughput whatever the server does
(Little's law): a p99 under 100 ms needs roughly 200 acts/s or more."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.common import Figure, Results, progress, summary_ms

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "ICJIS_ENV": "test"}
    out = log.open("ab")
    proc = subprocess.Popen(  # noqa: S603 - our own executable, no shell
        [
            str(BIN / "icjis"),
            "serve",
            "--gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2):  # noqa: S310
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log}") from None
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"gunicorn did not answer within 60s; see {log}")


def token_for(port: int, username: str) -> str:
    req = urllib.request.Request(  # noqa: S310 - local server
        f"http://127.0.0.1:{port}/api/v1/auth/token",
        data=json.dumps({"username": username, "password": "demo"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
        return json.loads(resp.read())["token"]


def load(port: int, mode: str, seconds: float, clients: int, token: str = "", cases=()) -> dict:
    out = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "benchmarks.load",
            "--port",
            str(port),
            "--clients",
            str(clients),
            "--seconds",
            str(seconds),
            "--mode",
            mode,
            "--token",
            token,
            "--cases",
            ",".join(cases),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cpu_ms(measured: dict) -> float:
    """The load generator's CPU per request, in ms."""
    return round(1000 * measured["client_cpu_seconds"] / max(len(measured["latencies"]), 1), 2)


def run(results: Results, url: str, seconds: float, workers: int, log: Path) -> None:
    from django.db import connections

    from benchmarks.acts_rate import new_case

    cases = [new_case() for _ in range(16)]
    connections.close_all()
    port = free_port()
    started = time.perf_counter()
    progress(f"starting gunicorn ({workers} workers) on port {port}")
    server = start_gunicorn(url, port, workers, log)
    try:
        token = token_for(port, "investigator")
        progress(f"GET /api/v1/health, 16 clients, {seconds:.0f}s")
        health = load(port, "health", seconds, 16)
        progress(f"POST /api/v1/acts, 16 clients, {seconds:.0f}s")
        act = load(port, "act", seconds, 16, token, cases)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    act_ok = act["statuses"].get("201", 0)
    health_rate = len(health["latencies"]) / health["elapsed"]
    act_rate = act_ok / act["elapsed"]
    act_lat = summary_ms(act["latencies"])
    fig = Figure(
        name="HTTP acts/s (POST /api/v1/acts), 16 clients, gunicorn",
        value=act_rate,
        unit="acts/s",
        baseline=health_rate,
        baseline_name="GET /api/v1/health on the same server",
        target="p99 < 100 ms",
        seconds=time.perf_counter() - started,
        details={
            "gunicorn_workers": workers,
            "act_latency": act_lat,
            "act_statuses": act["statuses"],
            "health_latency": summary_ms(health["latencies"]),
            "health_statuses": health["statuses"],
            # CPU the load generator spent per request, taken from the server's two cores.
            "client_cpu_ms_per_act": _cpu_ms(act),
            "client_cpu_ms_per_health": _cpu_ms(health),
        },
    )
    fig.met = act_lat.get("p99_ms", 1e9) < 100 and set(act["statuses"]) == {"201"}
    results.add(fig)
