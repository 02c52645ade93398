import re
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.analytics.fold import PERIOD, month_of
from icjis.analytics.models import Release
from icjis.analytics.service import check, month
from icjis.analytics.tables import cells_file
from icjis.core import clock


class Command(BaseCommand):
    help = (
        "Check every published month of statistics against the ledger (--check), or write a "
        "month's figures as CSV, XLSX or Parquet (--period, --format, --out)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="recompute every release")
        parser.add_argument("--period", help="the month to export, as 2026-11 (default: now)")
        parser.add_argument("--format", choices=("csv", "xlsx", "parquet"), default="csv")
        parser.add_argument("--out", help="the file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            self.check_all()
            return
        period = options["period"] or month_of(clock.now())
        if not re.fullmatch(PERIOD, period):
            raise CommandError(f"--period {period!r}: give a month as 2026-11")
        m = month(period)
        body = cells_file(m.rows, options["format"], f"ICJIS {period}")
        if options["out"]:
            Path(options["out"]).write_bytes(body)
            status = f"release {m.release.id}" if m.release else "provisional"
            self.stderr.write(f"{period} ({status}): {len(m.rows)} rows -> {options['out']}")
        else:
            sys.stdout.buffer.write(body)

    def check_all(self) -> None:
        started = time.monotonic()
        bad, skipped = [], 0
        releases = list(Release.objects.order_by("period"))
        for n, release in enumerate(releases, 1):
            result = check(release)
            if not result["comparable"]:
                intact = result["stored_digest"] == release.digest
                self.stdout.write(
                    f"[{n}/{len(releases)}] {release.id}: NOT RECOMPUTED — made under the "
                    f"definitions of version {release.method}; its rows "
                    f"{'match' if intact else 'DO NOT match'} the digest recorded"
                )
                if not intact:
                    bad.append(release.id)
                skipped += 1
                continue
            verdict = "OK" if result["matches"] else "DIFFERS"
            self.stdout.write(
                f"[{n}/{len(releases)}] {release.id}: {verdict} "
                f"(digest {release.digest[:16]}…, {release.events} events read)"
            )
            if not result["matches"]:
                bad.append(release.id)
                for row in result["differences"][:10]:
                    self.stderr.write(f"  differs: {row}")
        if bad:
            raise CommandError(f"statistics check FAILED for {', '.join(bad)}")
        older = f" ({skipped} of older definitions checked against their digest)" if skipped else ""
        self.stdout.write(
            f"statistics OK: {len(releases) - skipped} releases recomputed from the ledger{older} "
            f"in {time.monotonic() - started:.1f}s"
        )
