"""Legislation sets: which criminal code and which procedural rule pack apply on a date.

kg-1997: Criminal Code 1997, CPC 1999 — until 31.12.2018; kg-2019: Criminal Code 2017 No. 19,
CPC 2017 No. 20 — 01.01.2019 to 30.11.2021; kg-2021: Criminal Code 2021 No. 127, Code of
Offences No. 128, CPC 2021 No. 129 — from 01.12.2021 (LEGAL-DATA.md, "Legislation sets").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LegislationSet:
    id: str
    criminal_code: str
    procedure: str
    effective_from: date
    effective_to: date | None


SETS = (
    LegislationSet("kg-1997", "kg-cc-1997", "CPC 1999", date(1998, 1, 1), date(2018, 12, 31)),
    LegislationSet("kg-2019", "kg-cc-2017", "CPC 2017", date(2019, 1, 1), date(2021, 11, 30)),
    LegislationSet("kg-2021", "kg-cc-2021", "CPC 2021", date(2021, 12, 1), None),
)


def set_on(day: date) -> LegislationSet:
    """The legislation set in force on `day` (the earliest known set for older dates)."""
    for s in reversed(SETS):
        if day >= s.effective_from:
            return s
    return SETS[0]


def legislation_set_on(day: date) -> str:
    return set_on(day).id


def rule_pack_on(day: date) -> str:
    """The procedural rule pack in force on `day`: packs are named after their set."""
    return set_on(day).id
