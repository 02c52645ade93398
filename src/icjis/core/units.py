"""Which unit serves a place: the deepest unit of a kind whose territory holds a territory path;
and which office executes a person's sentence.

Territory paths are prefix-closed ("KG/KG-GB/KG-GB-LEN/" lies in "KG/KG-GB/" and "KG/"), so the
units covering a place are those placed on one of the path's prefixes: one indexed query, with
the deepest (longest path) first — no unit table is loaded into memory.
"""

from __future__ import annotations

from django.db.models.functions import Length

from icjis.core.models import Person, Unit
from icjis.core.persons import merge_chain


def ancestors(territory_path: str) -> list[str]:
    """Every territory path holding `territory_path`, itself included, the deepest last:
    "KG/KG-GB/KG-GB-LEN/" → ["KG/", "KG/KG-GB/", "KG/KG-GB/KG-GB-LEN/"]."""
    parts = [p for p in territory_path.split("/") if p]
    return ["/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def region_of(territory_path: str) -> str:
    """The code of the region holding a territory path ("KG/KG-GB/KG-GB-LEN/" → "KG-GB"), or ""
    for the country itself."""
    parts = [p for p in territory_path.split("/") if p]
    return parts[1] if len(parts) > 1 else ""


def unit_covering(territory_path: str, kind: str) -> Unit | None:
    """The unit of `kind` placed deepest on the territory holding `territory_path` (ties: the
    lowest code), or None when no unit of that kind covers the place."""
    return (
        Unit.objects.filter(kind=kind, territory__path__in=ancestors(territory_path))
        .select_related("territory")
        .order_by(Length("territory__path").desc(), "code")
        .first()
    )


def unit_serving(territory_path: str, kind: str) -> Unit | None:
    """As `unit_covering`; when none covers the place, the first unit of `kind` (by code) in the
    place's region — e.g. a probation office of a neighbouring district of the same oblast."""
    found = unit_covering(territory_path, kind)
    if found is not None:
        return found
    held = ancestors(territory_path)
    region = held[1] if len(held) >= 2 else territory_path
    return (
        Unit.objects.filter(kind=kind, territory__path__startswith=region)
        .select_related("territory")
        .order_by("code")
        .first()
    )


def execution_office(person: Person, case_path: str, kind: str) -> tuple[Unit | None, str]:
    """The office of `kind` that executes a sentence without isolation or a fine for `person`:
    the one serving the place of residence (CEC 30(1)-(2)) when the index has one and an office
    of the kind serves it, else the one serving the case's place `case_path`; with which of the
    two it is ("residence" or "case"), for the event to record. A record merged into another
    (`persons.merge`) takes the residence of the last record of its merges that has one: the
    survivor is the index's record of the person, and residences are recorded there."""
    residence = person.residence  # no query when there is none; callers select it with the person
    if person.merged_into_id:
        recorded = [p.residence for p in merge_chain(person) if p.residence is not None]
        residence = recorded[-1] if recorded else None
    if residence is not None:
        office = unit_serving(residence.path, kind)
        if office is not None:
            return office, "residence"
    return unit_serving(case_path, kind), "case"
