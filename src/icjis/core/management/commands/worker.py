"""`icjis worker` — delivers the outbox (ARCHITECTURE "No Celery": the outbox plus this command).

Run as many as you like: on PostgreSQL they claim disjoint batches (`FOR UPDATE SKIP LOCKED`);
on SQLite they take turns. SIGTERM or SIGINT lets the current batch finish, then the worker exits.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from icjis.core import jobs, outbox

log = logging.getLogger("icjis.outbox")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
SLEEP_STEP_SECONDS = 0.2


class Command(BaseCommand):
    help = (
        "Deliver outbox messages to the feed and NATS JetStream, retrying with back-off. "
        "Runs until SIGTERM/SIGINT; --once does one pass and exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--batch", type=int, default=100, help="messages per claim (100)")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between passes (2.0)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch: int = options["batch"]
        interval: float = options["interval"]
        once: bool = options["once"]
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if interval < 0:
            raise CommandError("--interval cannot be negative.")
        self._stopping = False
        previous = self._install_signal_handlers()
        publisher = outbox.NatsPublisher()
        try:
            while not self._stopping:
                self._refresh_connection()
                try:
                    report = outbox.run_pass(
                        batch, publisher=publisher, should_stop=lambda: self._stopping
                    )
                except DatabaseError as exc:
                    if once:
                        raise
                    # The database restarted or went away: say so, and try again next pass.
                    log.warning("outbox pass failed: %s", outbox.describe(exc))
                    if not connection.in_atomic_block:
                        connection.close()
                else:
                    # Idle passes are silent, so a long-running worker's log shows only work.
                    if once or report.claimed:
                        self.stdout.write(report.summary())
                done = {name: n for name, n in jobs.run_all().items() if n}
                if done:
                    self.stdout.write("jobs: " + ", ".join(f"{k} {v}" for k, v in done.items()))
                if once:
                    break
                self._sleep(interval)
        finally:
            publisher.close()
            self._restore_signal_handlers(previous)
        if self._stopping:
            self.stdout.write("outbox: stopped by signal after finishing the current batch")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        # Only a flag: the batch in hand is finished and committed before the loop looks at it.
        self._stopping = True

    def _install_signal_handlers(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}  # signals reach only the main thread (e.g. a worker started by a test)
        previous: dict[int, Any] = {}
        for signum in STOP_SIGNALS:
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, self._stop)
        return previous

    @staticmethod
    def _restore_signal_handlers(previous: dict[int, Any]) -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    @staticmethod
    def _refresh_connection() -> None:
        # A long-running process has no requests to recycle its connection; do it per pass, but
        # never inside someone else's transaction (a test, or a caller's atomic block).
        if not connection.in_atomic_block:
            close_old_connections()

    def _sleep(self, seconds: float) -> None:
        # Short steps rather than one wait, so a signal ends the sleep within a fraction of a
        # second (and no lock is taken inside the signal handler).
        deadline = time.monotonic() + seconds
        while not self._stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(SLEEP_STEP_SECONDS, left))
