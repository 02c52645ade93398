import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.core import rebuild


class Command(BaseCommand):
    help = "Replay the ledger into the projections (--check: compare with the live ones only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        started = time.monotonic()

        def progress(n: int) -> None:
            self.stderr.write(f"  replayed {n} events …")

        if check:
            count, diffs = rebuild.check(progress)
            if diffs:
                for d in diffs:
                    self.stderr.write(f"DIFF {d}")
                raise CommandError(f"projections differ from a replay of the ledger: {diffs[0]}")
            self.stdout.write(
                f"projections OK: {count} events replayed, live tables identical "
                f"({time.monotonic() - started:.1f}s)"
            )
        else:
            count = rebuild.rebuild(progress)
            self.stdout.write(
                f"projections rebuilt from {count} events ({time.monotonic() - started:.1f}s)"
            )
