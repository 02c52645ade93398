"""Rebuilding projections by replaying the ledger.

`check()` replays every event inside a transaction that is rolled back at the end: it captures
the live projection tables, empties them, replays, captures again and compares, then rolls back —
so the live tables are never touched (the scratch copy lives only inside the transaction).
Projection rows are compared without their surrogate `id`: every identifier a projection row
exposes (case numbers, person ids) is recorded in the event that created it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction

from icjis.core import projections
from icjis.core.ledger import iter_events


class _Rollback(Exception):
    pass


def _points_at(model: type[models.Model], target: type[models.Model]) -> bool:
    return any(f.is_relation and f.related_model is target for f in model._meta.concrete_fields)


def _ordered_models() -> list[type[models.Model]]:
    """Projection tables, each before the tables it points at (a safe order to empty them)."""
    pending = list(projections.MODELS)
    ordered: list[type[models.Model]] = []
    while pending:
        for m in pending:
            if not any(o is not m and _points_at(o, m) for o in pending):
                ordered.append(m)
                pending.remove(m)
                break
        else:
            raise RuntimeError("projection tables reference each other in a cycle")
    return ordered


def _fields(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]


def snapshot(model: type[models.Model]) -> Counter[tuple[Any, ...]]:
    cols = _fields(model)
    return Counter(
        tuple(_norm(v) for v in row) for row in model.objects.values_list(*cols).iterator(2000)
    )


def _norm(value: Any) -> Any:
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, sort_keys=True)
    return value


def _empty(model_list: list[type[models.Model]]) -> None:
    with connection.cursor() as cur:
        for m in model_list:
            cur.execute(f"DELETE FROM {connection.ops.quote_name(m._meta.db_table)}")  # noqa: S608


def replay(progress: Callable[[int], None] | None = None) -> int:
    count = 0
    for event in iter_events():
        projections.project(event, event.payload)
        count += 1
        if progress and count % 10000 == 0:
            progress(count)
    return count


def differences(
    before: dict[str, Counter[tuple[Any, ...]]], after: dict[str, Counter[tuple[Any, ...]]]
) -> list[str]:
    found = []
    for table in before:
        missing = before[table] - after[table]
        extra = after[table] - before[table]
        if missing or extra:
            sample = next(iter(missing or extra))
            which = "live but not in replay" if missing else "in replay but not live"
            found.append(
                f"{table}: {sum(missing.values())} row(s) live only, "
                f"{sum(extra.values())} replay only; first {which}: {sample}"
            )
    return found


def check(progress: Callable[[int], None] | None = None) -> tuple[int, list[str]]:
    """Replay into emptied tables inside a transaction that is rolled back; report differences."""
    ordered = _ordered_models()
    result: tuple[int, list[str]] = (0, [])
    try:
        with transaction.atomic():
            before = {m._meta.db_table: snapshot(m) for m in ordered}
            _empty(ordered)
            count = replay(progress)
            after = {m._meta.db_table: snapshot(m) for m in ordered}
            result = (count, differences(before, after))
            raise _Rollback
    except _Rollback:
        pass
    return result


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Empty the projection tables and replay the ledger into them, in one transaction."""
    with transaction.atomic():
        _empty(_ordered_models())
        return replay(progress)
