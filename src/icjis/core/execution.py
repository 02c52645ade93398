"""What remains to be served in a case, asked across the executing modules.

A case reaches the stage `execution` when a verdict with a sentence to serve enters into force,
and is `closed` when the last sentence is served (SPEC, module G-I). No module knows the others:
each registers a function naming the items it still executes in a case (an expected or current
prisoner, a probation file, an unpaid fine), and the act that finishes an item asks
`closes_case` in its `decide` — the answer is recorded in the event (`case_closed`) and its
`apply` moves the case with `close_case`, so replay needs no cross-module query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from icjis.core.models import Case

Outstanding = Callable[[str], Iterable[str]]

PROVIDERS: list[Outstanding] = []


def outstanding(fn: Outstanding) -> Outstanding:
    """Register `fn(case_number)` → keys of the items a module still executes in the case,
    e.g. `prisons:<person>`; a key must be unique across modules (prefix it with yours)."""
    PROVIDERS.append(fn)
    return fn


def remaining(case_number: str) -> set[str]:
    """Every item still being executed in the case, across the modules."""
    items: set[str] = set()
    for fn in PROVIDERS:
        items.update(fn(case_number))
    return items


def closes_case(case_number: str, finishing: Iterable[str]) -> bool:
    """Whether finishing `finishing` (keys of items the current act ends) leaves nothing to
    serve in a case that is in execution. Call from `decide`; record the answer."""
    stage = Case.objects.filter(pk=case_number).values_list("stage", flat=True).first()
    if stage != "execution":
        return False
    return not (remaining(case_number) - set(finishing))


def close_case(case_number: str, at: datetime) -> None:
    """Move the case to `closed` (from an `apply`, when its event recorded `case_closed`)."""
    Case.objects.filter(pk=case_number).update(stage="closed", last_movement_at=at)
