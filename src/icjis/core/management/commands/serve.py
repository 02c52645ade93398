import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from icjis.core.startup import refuse_unsafe_production


class Command(BaseCommand):
    help = "Serve ICJIS: gunicorn in production, Django's server otherwise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=3)
        parser.add_argument(
            "--gunicorn", action="store_true", help="use gunicorn outside production too"
        )

    def handle(self, *args: Any, bind: str, workers: int, gunicorn: bool, **options: Any) -> None:
        refuse_unsafe_production()
        if settings.PRODUCTION or gunicorn:
            call_command("collectstatic", interactive=False, verbosity=0)
            gunicorn_bin = os.path.join(os.path.dirname(sys.executable), "gunicorn")
            os.execv(  # noqa: S606 - replaces this process with gunicorn, no shell
                gunicorn_bin,
                [
                    gunicorn_bin,
                    "icjis.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    "-",
                    "--access-logformat",
                    '%(h)s "%(m)s %(U)s" %(s)s %(L)ss',
                ],
            )
        call_command("runserver", bind, use_reloader=False)
