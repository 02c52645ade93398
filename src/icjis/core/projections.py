"""Projections: how events become the tables that queries read.

Each event kind has one projector (registered by the act kind that records it, or directly for
facts that are not acts, such as reads). Hooks (the deadline engine) run after every projector.
Replaying every event through `project` must rebuild the live tables exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from icjis.core.models import Case, Event

Projector = Callable[[Event, dict[str, Any]], dict[str, Any] | None]
Hook = Callable[[Event, dict[str, Any]], None]

PROJECTORS: dict[str, Projector | None] = {}
HOOKS: list[Hook] = []
# Projection tables in the order they may be emptied (children before parents).
MODELS: list[type[models.Model]] = []


def projector(kind: str, fn: Projector | None) -> None:
    if kind in PROJECTORS:
        raise RuntimeError(f"event kind {kind} has two projectors")
    PROJECTORS[kind] = fn


def hook(fn: Hook) -> None:
    if fn not in HOOKS:
        HOOKS.append(fn)


def tables(*model_classes: type[models.Model]) -> None:
    """Declare projection tables; list children before the tables they point at."""
    for m in model_classes:
        if m not in MODELS:
            MODELS.append(m)


def note_on_case(case_number: str, book: str, key: str, entry: dict[str, Any]) -> None:
    """Keep a module's file in the case's details under `book` (legal_aid, probation, fines …),
    so `GET /cases/{n}` shows its id and state. For projectors: reads the case row afresh, since
    an earlier projector of the same act may have changed its details."""
    details = dict(Case.objects.values_list("details", flat=True).get(pk=case_number))
    details[book] = {**(details.get(book) or {}), key: entry}
    Case.objects.filter(pk=case_number).update(details=details)


class UnknownEventKind(Exception):
    pass


def project(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    """Apply one event to the projections; return what the projector reports (the act result)."""
    if event.kind not in PROJECTORS:
        raise UnknownEventKind(f"{event.stream} seq {event.seq}: no projector for {event.kind}")
    fn = PROJECTORS[event.kind]
    result = (fn(event, data) if fn else None) or {}
    for h in HOOKS:
        h(event, data)
    return result
