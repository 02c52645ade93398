"""A real gunicorn server over the test's PostgreSQL database, HTTP clients, and a TCP proxy
that can cut this server (and only this server) off from the database."""

from __future__ import annotations

import http.client
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(
    port: int, method: str, path: str, body: Any = None, token: str = "", timeout: float = 60
) -> tuple[int, dict[str, str], Any]:
    """One request on its own connection: (status, headers, parsed JSON body or text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        resp = conn.getresponse()
        raw = resp.read().decode()
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = raw
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, parsed
    finally:
        conn.close()


class Server:
    """`icjis serve --gunicorn` as its own process group, logging to a file."""

    def __init__(self, database_url: str, log: Path, workers: int = 4) -> None:
        self.database_url = database_url
        self.log = log
        self.workers = workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "ICJIS_ENV": "test",
            "LOG_LEVEL": "DEBUG",
        }
        out = self.log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 - our own executable, no shell
            [
                str(BIN / "icjis"),
                "serve",
                "--gunicorn",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if call(self.port, "GET", "/api/v1/health", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}); see {self.log}")
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within 60s; see {self.log}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (gunicorn's master and every worker)."""
        assert self.proc is not None
        os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill(signal.SIGTERM)

    def token(self, username: str) -> str:
        status, _, body = call(
            self.port, "POST", "/api/v1/auth/token", {"username": username, "password": "demo"}
        )
        assert status == 200, body
        return str(body["token"])


class Proxy:
    """A TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused)
    and restored, so that one server loses its database while other users of it do not."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.running = False

    def start(self) -> Proxy:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(128)
        self.running = True
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while self.running:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in sel.select(timeout=1):
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        self.running = False
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for a, b in pairs:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def restore(self) -> None:
        self.start()
