import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from icjis.core import seeding
from icjis.core.demo import DEMO_PASSWORD
from icjis.core.models import Case, User


class Command(BaseCommand):
    help = "Migrate, seed the demo world and cases when empty, print the logins, and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--cases", type=int, default=300)
        parser.add_argument("--no-serve", action="store_true")

    def handle(self, *args: Any, bind: str, cases: int, no_serve: bool, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo is refused in production.")
        call_command("migrate", interactive=False, verbosity=0)
        if not User.objects.filter(is_demo=True).exists():
            call_command("seed", demo=True)
        if not Case.objects.exists() and cases:
            self.stdout.write(f"seeding {cases} synthetic cases under the simulation clock …")
            call_command("seed", cases=cases, seed=2026)
            for finish in seeding.AFTER_CASES:
                finish()
            call_command("checkpoint")
        host = bind if ":" in bind else f"{bind}:8000"
        names = list(
            User.objects.filter(is_demo=True).order_by("id").values_list("username", flat=True)
        )
        self.stdout.write("")
        self.stdout.write(f"ICJIS demo: http://{host}/   API docs: http://{host}/api/v1/docs")
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'):")
        for i in range(0, len(names), 6):
            self.stdout.write("  " + "  ".join(names[i : i + 6]))
        self.stdout.write("")
        if not no_serve:
            # The periodic jobs (searches of the register of prints, terms passed unmet, duty
            # lawyers nobody accepted …) and the outbox run beside the server, as in production.
            worker = subprocess.Popen([sys.executable, "-m", "icjis", "worker", "--interval", "5"])  # noqa: S603
            # Stopped by SIGTERM as by Ctrl-C, the server takes its worker with it.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            try:
                call_command("serve", bind=host)
            finally:
                worker.terminate()  # the worker finishes its pass, then exits
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
