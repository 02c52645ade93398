"""Days a person was held in a case before a given day — the one custody-day counter of ICJIS.

Read only, from the ledger of the case stream. It keeps apart what CC 80(5)-(6) (Criminal Code
of 28.10.2021 No. 127) credits and a breakdown must name:

- days in temporary detention (IVS): from the hour of actual detention (`detention.arrest`
  `detained_at`) to release or to the judge's custody order;
- days in custody ordered by the judge (`courts.measure.decide` granted `custody`), to release or
  to a milder measure — CC 80(5): one day in custody for two days of imprisonment;
- days under house arrest (`courts.measure.decide` granted `house_arrest`) — CC 80(6): five days
  for one day of imprisonment, one for one of corrective labour and restriction of liberty.

Convention (the one every module uses): a local (Asia/Bishkek) calendar day begun held counts
whole; a day counts once, first as detention, then as custody, then as house arrest; and only
days *before* the given day are counted. CC 80(5)-(6) credit the time held "до вступления
приговора в законную силу": the day the verdict enters into force is not credited, because for a
convict held in custody it is the first day of the term. So pass the day of entry into force
(or an earlier start of the term, if any) as `before`.

Nothing here reads a clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from icjis.core.models import Event
from icjis.legal.counting import local_date, parse_moment, start_of_day
from icjis.legal.engine import subject_value

Span = tuple[datetime, datetime]


def days_held(spans: list[Span], before: date) -> set[date]:
    """The local calendar days touched by any of `spans` (a day begun held counts whole), only
    those before the day `before`."""
    days: set[date] = set()
    for start, end in spans:
        first, last = local_date(start), local_date(max(start, end))
        days.update(
            d
            for d in (first + timedelta(days=n) for n in range((last - first).days + 1))
            if d < before
        )
    return days


def held_before(stream: str, person: str, start: date) -> dict[str, Any]:
    """Days `person` was held in the case stream before the day `start`: {ivs_days,
    custody_days, house_arrest_days, in_custody} (in_custody: held when that day began)."""
    until = start_of_day(start)
    ivs: list[Span] = []
    custody: list[Span] = []
    house: list[Span] = []
    arrested: datetime | None = None  # in temporary detention since
    ordered: datetime | None = None  # in custody by the judge's order since
    home: datetime | None = None
    kinds = ("detention.arrest", "detention.release", "courts.measure.decide")
    events = Event.objects.filter(stream=stream, kind__in=kinds, recorded_at__lt=until)
    for event in events.order_by("seq"):
        data = event.payload
        if subject_value(data.get("person")) != person:
            continue
        at = event.recorded_at
        if event.kind == "detention.arrest":
            if arrested is None and ordered is None:
                arrested = parse_moment(data["detained_at"], end_of_date=False)
            continue
        if event.kind == "detention.release":
            if arrested is not None:
                ivs.append((arrested, at))
                arrested = None
            if ordered is not None:
                custody.append((ordered, at))
                ordered = None
            continue
        if not data.get("granted"):
            continue
        measure = data.get("measure")
        if measure == "custody":
            if arrested is not None:  # detention ends with the custody order
                ivs.append((arrested, at))
                arrested = None
            if ordered is None:
                ordered = at
            if home is not None:
                house.append((home, at))
                home = None
            continue
        for began, spans in ((arrested, ivs), (ordered, custody)):
            if began is not None:
                spans.append((began, at))
        arrested = ordered = None
        if measure == "house_arrest":
            home = home or at
        elif home is not None:
            house.append((home, at))
            home = None
    in_custody = arrested is not None or ordered is not None
    if arrested is not None:
        ivs.append((arrested, until))
    if ordered is not None:
        custody.append((ordered, until))
    if home is not None:
        house.append((home, until))
    ivs_days = days_held(ivs, start)
    custody_days = days_held(custody, start) - ivs_days
    house_days = days_held(house, start) - ivs_days - custody_days
    return {
        "ivs_days": len(ivs_days),
        "custody_days": len(custody_days),
        "house_arrest_days": len(house_days),
        "in_custody": in_custody,
    }
