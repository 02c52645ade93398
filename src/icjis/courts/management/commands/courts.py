"""`icjis courts verify-draw <court case>`: re-run every judge draw of a court case from the
ledger (CPC 29(1)); `icjis courts verify-draw --record FILE` re-runs a copied record (a file, or
`-` for standard input — e.g. the JSON of the public page /public/courts/draws/<court case>).
Exits non-zero, naming the first difference, when any draw fails."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.courts.assignment import check_recorded
from icjis.courts.draw import verify_draw
from icjis.courts.models import CourtCase


class Command(BaseCommand):
    help = "Court tools. verify-draw: re-run the judge draws of a court case from their records."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser(
            "verify-draw", help="re-run the judge draws of a court case from their records"
        )
        verify.add_argument("court_case", nargs="?", help="the court number, e.g. GB-SUD-26-…")
        verify.add_argument("--record", help="a draw record in JSON: a file, or - for stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify-draw":
            self.verify_draw(options.get("court_case"), options.get("record"))

    def verify_draw(self, court_case: str | None, record: str | None) -> None:
        if record:
            results = [(r.get("draw", "record"), *verify_draw(r)) for r in _records(record)]
        elif court_case:
            found = CourtCase.objects.filter(pk=court_case).first()
            if found is None:
                raise CommandError(f"There is no court case {court_case}.")
            results = [(c.draw, c.ok, c.message) for c in check_recorded(found)]
            if not results:
                raise CommandError(f"{court_case} has no judge draw.")
        else:
            raise CommandError("Name a court case, or give --record FILE.")
        for draw, ok, message in results:
            if ok:
                self.stdout.write(f"OK {draw}: {message}")
            else:
                self.stderr.write(f"BAD {draw}: {message}")
        failed = [(draw, message) for draw, ok, message in results if not ok]
        if failed:
            draw, message = failed[0]
            raise CommandError(f"draw verification FAILED for {draw}: {message}")


def _records(source: str) -> list[dict[str, Any]]:
    """The draw record(s) in a JSON document: one record, a list, or a page's {draws: [...]}."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read a JSON draw record from {source}: {exc}") from exc
    if isinstance(document, dict) and "draws" in document:
        document = [d.get("record", d) for d in document["draws"]]
    records = document if isinstance(document, list) else [document]
    if not records or not all(isinstance(r, dict) for r in records):
        raise CommandError(f"{source} holds no draw record.")
    return records
