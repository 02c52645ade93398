from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.core import clock


class Command(BaseCommand):
    help = "Show or move the simulation clock: clock show | set <ISO time> | advance <31d|48h|90m>."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show", "set", "advance"])
        parser.add_argument("value", nargs="?")

    def handle(self, *args: Any, action: str, value: str | None, **options: Any) -> None:
        try:
            if action == "advance":
                if not value:
                    raise CommandError("Say how far: icjis clock advance 31d")
                clock.advance(clock.parse_delta(value))
            elif action == "set":
                if not value:
                    raise CommandError("Say when: icjis clock set 2026-12-01T09:00:00+06:00")
                clock.set_to(datetime.fromisoformat(value))
        except (clock.ClockRefused, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        mode = "simulated" if clock.simulated() else "system UTC"
        self.stdout.write(f"{clock.now().isoformat()} ({mode})")
