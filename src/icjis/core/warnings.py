"""Warnings about a person that a module holds — a protection order in force that names them —
shown wherever the person is looked up (`GET /persons/{id}`, the person's page).

A module declares a source with `warning_source`; core knows none of them by name (apps depend
on core, never the other way). A source decides itself who is warned, and logs what it shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

Warning_ = dict[str, Any]
Source = Callable[[Any, list[str], datetime], list[Warning_]]
SOURCES: list[Source] = []


def warning_source(fn: Source) -> Source:
    """Declare a source: called with the reader, the person's records (the person and those
    merged into them) and the time, it returns the warnings that reader is to see."""
    if fn not in SOURCES:
        SOURCES.append(fn)
    return fn


def warnings_for(user: Any, records: list[str], now: datetime) -> list[Warning_]:
    return [w for source in SOURCES for w in source(user, records, now)]
