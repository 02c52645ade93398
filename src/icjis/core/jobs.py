"""Periodic jobs run by `icjis worker` on every pass (e.g. escalating a legal-aid appointment
nobody accepted in time). A job performs acts as the system and returns how many it did."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("icjis.jobs")
JOBS: list[tuple[str, Callable[[], int]]] = []


def periodic(name: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    def register(fn: Callable[[], int]) -> Callable[[], int]:
        JOBS.append((name, fn))
        return fn

    return register


def run_all() -> dict[str, int]:
    """Run every job once; a failing job is logged and does not stop the others."""
    done: dict[str, int] = {}
    for name, fn in JOBS:
        try:
            done[name] = fn()
        except Exception:  # noqa: BLE001 - one job's failure must not stop delivery
            log.exception("periodic job %s failed", name)
            done[name] = -1
    return done
