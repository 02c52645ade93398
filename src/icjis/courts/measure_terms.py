"""Term arithmetic of preventive measures (CPC 115, 137), kept apart from the acts so it can be
read and tested on its own. Nothing here reads a clock; dates are local (Asia/Bishkek) dates and
moments are aware UTC datetimes, counted as `icjis.legal.counting` counts them so that the acts'
checks agree with the deadlines the rule pack shows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils.translation import gettext_noop

from icjis.core.refusals import Conflict, Said, say
from icjis.legal.counting import Duration, add_months, before, due_at, end_of_day, last_day_of

MAX_MONTHS_AT_A_TIME = 2  # CPC 115(1)
CUSTODY_CAP_MONTHS = 12  # CPC 115(11)
EXTENSION_LEAD = Duration(5, "d")  # CPC 115(3), 266(8)
APPEAL_DAYS = 5  # CPC 106(7), 115(8), 266(10)

# Marked for the catalogue: a refusal names the measure by one of these (`core.refusals.say`),
# and a page says it in the reader's language.
LABELS = {
    "undertaking": gettext_noop("the undertaking not to leave"),
    "electronic_monitoring": gettext_noop("electronic monitoring"),
    "bail": gettext_noop("bail"),
    "house_arrest": gettext_noop("house arrest"),
    "custody": gettext_noop("custody"),
}
TITLES = {
    "undertaking": gettext_noop("The undertaking not to leave"),
    "electronic_monitoring": gettext_noop("Electronic monitoring"),
    "bail": gettext_noop("Bail"),
    "house_arrest": gettext_noop("House arrest"),
    "custody": gettext_noop("Custody"),
}


def label(measure: str) -> str:
    """The measure's name in a sentence."""
    return LABELS.get(measure, measure.replace("_", " "))


def title(measure: str) -> str:
    """The measure's name at the start of a sentence (`label`, capitalised)."""
    return TITLES.get(measure, label(measure).capitalize())


def ends_at(until: date) -> datetime:
    """The moment a measure ordered until `until` ends: 24:00 local time of that day, never
    moved off a non-working day (CPC 137(2)(4))."""
    return end_of_day(until)


def latest_extension_petition(until: date) -> datetime:
    """The last moment an extension petition may reach the court: 5 days before the measure
    ends (CPC 115(3)) — the same moment the rule `custody.extension_request` falls due."""
    return before(ends_at(until), EXTENSION_LEAD)


def last_day(moment: datetime) -> date:
    """The local day a term ending at `moment` ends on (24:00 belongs to the day before)."""
    return last_day_of(moment)


def longest_term(start: date, months: int = MAX_MONTHS_AT_A_TIME) -> date:
    """The last day of a term of `months` months counted from `start` (CPC 137(2)(3))."""
    return add_months(start, months)


def cap_day(anchor: date) -> date:
    """The last day custody may reach when it is counted from `anchor` (CPC 115(11))."""
    return add_months(anchor, CUSTODY_CAP_MONTHS)


def months_and_days(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months from `start` to `end`, and the days left over."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months, (end - add_months(start, months)).days


def describe_span(start: date, end: date) -> Said:
    """'14 months' or '12 months and 3 days', made of parts a page says in its language."""
    months, days = months_and_days(start, end)
    whole = say("%(n)s month", n=months) if months == 1 else say("%(n)s months", n=months)
    if not days:
        return whole
    rest = say("%(n)s day", n=days) if days == 1 else say("%(n)s days", n=days)
    return say("%(months)s and %(days)s", months=whole, days=rest)


def appeal_due(decided_at: datetime) -> datetime:
    """The end of the 5-day appeal term against a ruling (CPC 106(7), 115(8), 266(10)): the day
    of the ruling is not counted, the term ends at 24:00 and moves off a non-working day
    (CPC 137(2)(2), (4)) — an appeal term is not a custody term."""
    return due_at(decided_at, APPEAL_DAYS, "d", shift=True)


def custody_served(periods: list[tuple[datetime, datetime]]) -> timedelta:
    """The total of earlier stretches of custody (start, end), each counted only forwards."""
    total = timedelta(0)
    for start, end in periods:
        if end > start:
            total += end - start
    return total


def refuse_beyond_cap(measure: str, anchor: date, until: date, in_court: bool) -> None:
    """Refuse a term that would take custody (or, in court, house arrest) beyond one year
    counted from `anchor`, the day the stretch began less the time served before it: before
    the trial custody never exceeds 12 months (CPC 115(7), (11)); from the day the case reaches
    the court, custody and house arrest are extended by up to 2 months at a time, never beyond one
    year (CPC 303(3)-(5))."""
    last = cap_day(anchor)
    if until <= last:
        return
    span = describe_span(anchor, until)
    since, latest = anchor.isoformat(), last.isoformat()
    if not in_court:
        raise Conflict(
            say(
                "Custody in this case would reach %(span)s; the law allows at most %(cap)s "
                "(CPC 115(11)). Custody counted from %(since)s may last until %(latest)s at the "
                "latest; beyond that the measure must be changed to another one.",
                span=span,
                cap=CUSTODY_CAP_MONTHS,
                since=since,
                latest=latest,
            )
        )
    if measure == "custody":
        raise Conflict(
            say(
                "Custody during the trial would reach %(span)s; the law allows extensions of at "
                "most %(step)s months at a time and no more than %(cap)s months in total during "
                "the trial (CPC 303(3)-(4)), which runs from the day the case reached the court "
                "until the verdict is turned to execution (303(1)). Counted from %(since)s, it "
                "may last until %(latest)s at the latest; the accused must then be released at "
                "once (CPC 303(4)) or another measure ordered.",
                span=span,
                step=MAX_MONTHS_AT_A_TIME,
                cap=CUSTODY_CAP_MONTHS,
                since=since,
                latest=latest,
            )
        )
    raise Conflict(
        say(
            "%(measure)s during the trial would reach %(span)s; the law allows extensions of at "
            "most %(step)s months at a time and no more than %(cap)s months in total during the "
            "trial (CPC 303(3)-(4)), which runs from the day the case reached the court until "
            "the verdict is turned to execution (303(1)). Counted from %(since)s, it may last "
            "until %(latest)s at the latest; another measure must then be ordered.",
            measure=title(measure),
            span=span,
            step=MAX_MONTHS_AT_A_TIME,
            cap=CUSTODY_CAP_MONTHS,
            since=since,
            latest=latest,
        )
    )
