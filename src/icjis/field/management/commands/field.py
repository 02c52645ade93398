"""`icjis field send [--every SECONDS]`: offer the field node's journal to the central system,
in order (once, or again every SECONDS until stopped, e.g. as a service while the office is
cut off); `icjis field status` prints what waits. Exits non-zero when something was not
received."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.field.journal import Sent, send, state
from icjis.field.models import JournalEntry


class Command(BaseCommand):
    help = "Send the field node's journal to the central system (send), or show it (status)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sending = sub.add_parser("send", help="send what the central system has not received")
        sending.add_argument("--every", type=int, default=0, help="repeat every N seconds")
        sub.add_parser("status", help="the entries and their last answers")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            for entry in JournalEntry.objects.order_by("seq").prefetch_related("answers"):
                answer = state(entry)
                self.stdout.write(
                    f"{entry.seq}\t{entry.recorded_at.isoformat()}\t{entry.officer}\t"
                    f"{entry.kind}\t{answer.status if answer else 'waiting'}"
                )
            return
        while True:
            sent = send(self._progress)
            self._report(sent)
            if options["every"] <= 0:
                if sent.stopped:
                    raise CommandError(sent.stopped)
                return
            time.sleep(options["every"])

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"[{done}/{total}] received", ending="\r" if done < total else "\n")

    def _report(self, sent: Sent) -> None:
        self.stdout.write(
            f"{len(sent.received)} received, {sent.waiting} waiting"
            + (f"; stopped at {sent.stopped}" if sent.stopped else "")
        )
