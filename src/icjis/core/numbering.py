"""Register numbers: gap-free per registering unit and year, with a Damm check digit.

`26-0101-000123-7` = year 2026, unit register code 0101, the 123rd report of that unit that
year, check digit 7. The Damm algorithm catches every single-digit error and every swap of two
adjacent digits. A number is taken under a row lock in the registering act's transaction, so a
refused or rolled-back registration leaves no gap (CPC 146(2): numbers are assigned by the system).
"""

from __future__ import annotations

import re
from typing import Any

from icjis.core.models import NumberCounter, Unit

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_FORMAT = re.compile(r"^(\d{2})-?(\d{4})-?(\d{6})-?(\d)$")


def damm(digits: str) -> int:
    interim = 0
    for d in digits:
        interim = _DAMM[interim][int(d)]
    return interim


def format_number(year: int, register_code: str, seq: int) -> str:
    body = f"{year % 100:02d}{register_code}{seq:06d}"
    return f"{body[:2]}-{body[2:6]}-{body[6:]}-{damm(body)}"


def normalise(text: str) -> str | None:
    """The canonical form of a case number as typed (dashes optional), or None if it is not one
    or its check digit is wrong."""
    m = _FORMAT.match(text.strip())
    if not m:
        return None
    body = "".join(m.groups()[:3])
    if damm(body) != int(m.group(4)):
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}-{m.group(4)}"


def normalise_prefixed(prefix: str, text: str) -> str | None:
    """The canonical form of a register's number as typed: its prefix (`PO`, `AD`, `OF`, `IN`,
    in any case, the dash after it optional) before a case number (`normalise`); or None."""
    t = text.strip()
    if t[: len(prefix)].upper() != prefix:
        return None
    rest = t[len(prefix) :]
    number = normalise(rest.removeprefix("-"))
    return f"{prefix}-{number}" if number else None


def take_number(unit: Unit, year: int, counter_model: Any = NumberCounter) -> tuple[str, int]:
    """Take the unit's next number for `year` (call inside the act's transaction). Another
    register of the unit (protection orders) keeps its own counter, a model with the same
    fields (`unit`, `year`, `last`)."""
    if not unit.register_code:
        raise ValueError(f"unit {unit.code} keeps no register")
    counter_model.objects.bulk_create([counter_model(unit=unit, year=year)], ignore_conflicts=True)
    counter = counter_model.objects.select_for_update().get(unit=unit, year=year)
    seq = counter.last + 1
    if seq > 999_999:
        raise OverflowError(f"unit {unit.code} has used every number of {year}")
    return format_number(year, unit.register_code, seq), seq


def note_number(unit_code: str, year: int, seq: int, counter_model: Any = NumberCounter) -> None:
    """Projector side: the counter follows the numbers recorded in the ledger."""
    counter_model.objects.bulk_create(
        [counter_model(unit_id=unit_code, year=year)], ignore_conflicts=True
    )
    counter_model.objects.filter(unit_id=unit_code, year=year, last__lt=seq).update(last=seq)
