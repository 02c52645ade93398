"""The demo's fingerprint searches: once its cases are made, the searches their stories asked
for are done, so the demo starts with their results (afterwards the worker does them)."""

from __future__ import annotations

import sys

from icjis.core.seeding import after_cases
from icjis.evidence.models import PrintSearch
from icjis.evidence.prints import do_searches


@after_cases
def do_the_searches() -> None:
    total = PrintSearch.objects.filter(status="queued").count()
    done = 0
    while done < total and (n := do_searches()):
        done += n
        # A line of its own each time: the searches' own log lines share the console.
        print(f"fingerprint searches: {done} of {total}", file=sys.stdout, flush=True)
