import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from icjis.core import dbtriggers
from icjis.core.checkpoints import verify_checkpoints
from icjis.core.verification import snapshot, stored_bytes_trusted, verify_ledger


class Command(BaseCommand):
    help = "Recompute every hash chain and check it against the signed checkpoints."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with snapshot():
            # Only a database superuser removes or changes these: say so, whatever the chains.
            warnings = []
            if not dbtriggers.installed(connection):
                warnings.append("the ledger's append-only triggers or body check are missing")
            if connection.vendor == "postgresql" and not stored_bytes_trusted():
                warnings.append(
                    "the body check is not in force as installed: every event was verified "
                    "from its columns"
                )
            heads, faults = verify_ledger()
            report, cut = verify_checkpoints(heads)
            faults += cut
        events = sum(seq for seq, _ in heads.values())
        for warning in warnings:
            self.stderr.write(f"WARNING {warning}")
        if faults or report.faults:
            for problem in report.faults:
                self.stderr.write(f"BAD {problem}")
            for fault in faults:
                self.stderr.write(f"BAD {fault}")
            first = faults[0] if faults else report.faults[0]
            raise CommandError(f"ledger verification FAILED; first bad: {first}")
        self.stdout.write(
            f"ledger OK: {len(heads)} streams, {events} events, {report.count} checkpoints "
            f"verified in {time.monotonic() - started:.1f}s"
        )
