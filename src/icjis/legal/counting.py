"""Counting of procedural terms under CPC 137 (Criminal Procedure Code of 28.10.2021 No. 129).

CPC 137(2) in short, as implemented here:
- hours (`h`): counted from the hour and minute of the start (137(2)(5) for detention); the term
  ends exactly N hours later and never moves;
- days (`d`, "сутки"/"дни"): the day the term starts is not counted (137(2)(2)); the term ends at
  24:00 local time of the last day (137(2)(1));
- working days (`wd`): as days, counting only working days of the calendar;
- months (`M`) and years (`Y`): the term ends on the same day number of the last month, or on the
  last day of that month if it has no such day (137(2)(3)), at 24:00;
- a term in days, working days, months or years that ends on a non-working day ends instead at
  24:00 of the next working day (137(2)(4)) — except terms of detention, custody, house arrest and
  stays in a medical institution, which never move (the rule says `shift = false`).

Local time is Asia/Bishkek (UTC+6, no daylight saving time). Inputs and outputs are timezone-aware
UTC datetimes. Nothing here reads a clock.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

HOURS = "h"
DAYS = "d"
WORKING_DAYS = "wd"
MONTHS = "M"
YEARS = "Y"
UNITS = (HOURS, DAYS, WORKING_DAYS, MONTHS, YEARS)
UNIT_NAMES = {
    HOURS: "hours",
    DAYS: "days",
    WORKING_DAYS: "working days",
    MONTHS: "months",
    YEARS: "years",
}
_UNIT_ALIASES = {
    "hours": HOURS,
    "days": DAYS,
    "working_days": WORKING_DAYS,
    "months": MONTHS,
    "years": YEARS,
}


def _local_zone() -> tzinfo:
    try:
        return ZoneInfo("Asia/Bishkek")
    except ZoneInfoNotFoundError:  # a system without tz data: Kyrgyzstan is UTC+6 all year
        return timezone(timedelta(hours=6), "Asia/Bishkek")


LOCAL_TZ: tzinfo = _local_zone()
"""Local time of the Kyrgyz Republic, in which days end at 24:00 (CPC 137(2)(1))."""


class WorkingDays(Protocol):
    """What term counting needs from a calendar (see `icjis.legal.calendar.WorkingCalendar`)."""

    def is_working_day(self, day: date) -> bool: ...


class DurationError(ValueError):
    """A duration string is not of the form `<whole number><unit>` (e.g. "48h", "2M")."""


_DURATION = re.compile(r"^\s*(\d+)\s*(h|d|wd|M|Y)\s*$")


@dataclass(frozen=True, order=True)
class Duration:
    """A procedural term: an amount and a unit (h, d, wd, M, Y), written like "48h" or "2M"."""

    amount: int
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise DurationError(f"unknown unit {self.unit!r}; use one of {', '.join(UNITS)}")
        if not isinstance(self.amount, int) or isinstance(self.amount, bool) or self.amount < 0:
            raise DurationError("the amount of a term is a whole number, not negative")

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse "48h", "10d", "5wd", "2M" or "1Y" (the amount must be at least 1)."""
        if not isinstance(text, str):
            raise DurationError(f'a duration is a string such as "10d", not {text!r}')
        found = _DURATION.match(text)
        if not found:
            raise DurationError(
                f"{text!r} is not a duration; write a whole number and a unit: "
                'h (hours), d (days), wd (working days), M (months), Y (years), e.g. "10d"'
            )
        amount = int(found.group(1))
        if amount < 1:
            raise DurationError(f"{text!r}: a term must be at least 1")
        return cls(amount, found.group(2))

    @staticmethod
    def unit_of(name: str) -> str:
        """The unit symbol for a unit given as a symbol ("d") or a word ("days")."""
        if name in UNITS:
            return name
        if name in _UNIT_ALIASES:
            return _UNIT_ALIASES[name]
        raise DurationError(f"unknown unit {name!r}; use one of {', '.join(UNITS)}")

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def with_amount(self, amount: int) -> Duration:
        """The same unit with another amount."""
        return Duration(amount, self.unit)


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def local_date(moment: datetime) -> date:
    """The calendar date in Kyrgyz local time of an aware datetime."""
    _require_aware(moment, "moment")
    return moment.astimezone(LOCAL_TZ).date()


def end_of_day(day: date) -> datetime:
    """24:00 local time of `day` (= 00:00 of the next day), as a UTC datetime (CPC 137(2)(1))."""
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ).astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """00:00 local time of `day`, as a UTC datetime."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


def last_day_of(moment: datetime) -> date:
    """The local date on which a term ending at `moment` ends (24:00 belongs to the day before)."""
    local = moment.astimezone(LOCAL_TZ)
    if local.time() == time(0):
        return local.date() - timedelta(days=1)
    return local.date()


def add_months(day: date, months: int) -> date:
    """The same day number `months` later, or the last day of that month (CPC 137(2)(3))."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def _default_calendar() -> WorkingDays:
    from icjis.legal.calendar import default_calendar

    return default_calendar()


def last_day(start: datetime, amount: int, unit: str, calendar: WorkingDays) -> date:
    """The last local day of a term in days, working days, months or years, before any shift."""
    first = local_date(start)
    if unit == DAYS:
        return first + timedelta(days=amount)
    if unit == WORKING_DAYS:
        day = first
        left = amount
        while left:
            day += timedelta(days=1)
            if calendar.is_working_day(day):
                left -= 1
        return day
    if unit == MONTHS:
        return add_months(first, amount)
    if unit == YEARS:
        return add_months(first, 12 * amount)
    raise DurationError(f"{unit!r} is not a unit counted in days")


def due_at(
    start: datetime,
    amount: int,
    unit: str,
    *,
    shift: bool = True,
    calendar: WorkingDays | None = None,
) -> datetime:
    """The moment a term of `amount` `unit`s started at `start` expires (CPC 137).

    Hours: `start` (to the minute; seconds are disregarded) plus `amount` hours, never moved.
    Days / working days / months / years: 24:00 local time of the last day, the start day not
    counted; with `shift`, a last day that is not a working day becomes the next working day
    (137(2)(4)). The result is a timezone-aware UTC datetime.
    """
    _require_aware(start, "start")
    unit = Duration.unit_of(unit)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise DurationError("the amount of a term is a whole number, not negative")
    if unit == HOURS:
        counted_from = start.astimezone(UTC).replace(second=0, microsecond=0)
        return counted_from + timedelta(hours=amount)
    cal = calendar if calendar is not None else _default_calendar()
    day = last_day(start, amount, unit, cal)
    if shift:
        while not cal.is_working_day(day):
            day += timedelta(days=1)
    return end_of_day(day)


def due_for(
    start: datetime,
    duration: Duration,
    *,
    shift: bool = True,
    calendar: WorkingDays | None = None,
) -> datetime:
    """`due_at` for a `Duration` value."""
    return due_at(start, duration.amount, duration.unit, shift=shift, calendar=calendar)


def before(moment: datetime, duration: Duration, calendar: WorkingDays | None = None) -> datetime:
    """The moment `duration` before `moment`, counted back in local time.

    Used for terms fixed against the end of another term ("not later than 5 days before the custody
    term expires", CPC 115(3)) and for warnings. Hours are exact; days, months and years keep the
    local time of day (24:00 stays 24:00); working days step back over the calendar's days off.
    """
    _require_aware(moment, "moment")
    if duration.unit == HOURS:
        return moment - timedelta(hours=duration.amount)
    local = moment.astimezone(LOCAL_TZ)
    if duration.unit == DAYS:
        result = datetime.combine(local.date() - timedelta(days=duration.amount), local.timetz())
    elif duration.unit in (MONTHS, YEARS):
        months = duration.amount * (12 if duration.unit == YEARS else 1)
        if local.time() == time(0):
            # 24:00 of a day: step back from that day so that month ends map to month ends
            day = add_months(local.date() - timedelta(days=1), -months) + timedelta(days=1)
        else:
            day = add_months(local.date(), -months)
        result = datetime.combine(day, local.timetz())
    else:
        cal = calendar if calendar is not None else _default_calendar()
        day = local.date()
        left = duration.amount
        while left:
            day -= timedelta(days=1)
            if cal.is_working_day(day):
                left -= 1
        result = datetime.combine(day, local.timetz())
    return result.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def parse_moment(value: object, *, end_of_date: bool = True) -> datetime:
    """An ISO datetime or date (string, `datetime` or `date`) as an aware UTC datetime.

    A date means the end of that day in local time (24:00) when `end_of_date`, its start otherwise.
    A datetime without an offset is taken as Kyrgyz local time.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return end_of_day(value) if end_of_date else start_of_day(value)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return end_of_day(day) if end_of_date else start_of_day(day)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an ISO date or date-time") from exc
    else:
        raise ValueError(f"{value!r} is not an ISO date or date-time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(UTC)


def is_date_only(value: object) -> bool:
    """Whether `value` names a whole day (a `date` or "YYYY-MM-DD") rather than a moment."""
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    return isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value) is not None
