import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.core import bulk_seed, seeding
from icjis.core.demo import seed_world
from icjis.core.models import User
from icjis.core.startup import refuse_unsafe_production


class Command(BaseCommand):
    help = (
        "Seed the demo world (--demo) and/or N synthetic cases (--cases N --seed S); --bulk "
        "writes one simple story per case in batches, as the acts would (core.bulk_seed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="agencies, units and demo users")
        parser.add_argument("--cases", type=int, default=0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--span-days", type=int, default=120)
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="the bulk path: one pre-trial story per case, written in batches (core.bulk_seed)",
        )

    def handle(
        self,
        *args: Any,
        demo: bool,
        cases: int,
        seed: int,
        span_days: int,
        bulk: bool,
        **options: Any,
    ) -> None:
        from django.conf import settings

        if settings.PRODUCTION:
            raise CommandError("Seeding synthetic data is refused in production.")
        refuse_unsafe_production()
        if demo:
            users = seed_world()
            for add_module_data in seeding.WORLD_SEEDERS:
                add_module_data()
            self.stdout.write(f"demo world ready: {len(users)} demo users (password 'demo')")
        if cases:
            if not User.objects.filter(is_demo=True).exists():
                raise CommandError("Seed the demo world first: icjis seed --demo")
            started = time.monotonic()
            if bulk:
                self._bulk(cases, seed, span_days, started)
                return

            def progress(r: seeding.SeedReport) -> None:
                rate = r.cases / max(time.monotonic() - started, 1e-6)
                self.stderr.write(f"  {r.cases}/{cases} cases, {r.acts} acts ({rate:.0f} cases/s)")

            report = seeding.seed(cases, seed, span_days=span_days, progress=progress)
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"seeded {report.cases} cases with {report.acts} acts in {elapsed:.1f}s "
                f"({report.cases / max(elapsed, 1e-6):.0f} cases/s); clock now at {report.ends_at}"
            )
            if report.refused:
                self.stdout.write(
                    f"  {report.refused} acts refused by the procedure, e.g. {report.first_refusal}"
                )

    def _bulk(self, cases: int, seed: int, span_days: int, started: float) -> None:
        def progress(r: bulk_seed.BulkReport) -> None:
            took = max(time.monotonic() - started, 1e-6)
            self.stderr.write(
                f"  {r.cases}/{cases} cases, {r.events} events ({r.cases / took:.0f} cases/s, "
                f"{r.events / took:.0f} events/s, {took:.0f}s)"
            )

        report = bulk_seed.seed(cases, seed, span_days=span_days, progress=progress)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"bulk-seeded {report.cases} cases with {report.events} events, {report.persons} "
            f"persons and {report.deadlines} deadlines in {elapsed:.1f}s "
            f"({report.cases / max(elapsed, 1e-6):.0f} cases/s); clock now at {report.ends_at}"
        )
