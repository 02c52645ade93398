"""The working-day calendar of the Kyrgyz Republic, used to count procedural terms (CPC 137).

Saturday and Sunday are days off. The non-working public holidays are listed per year in data files
beside this module (`calendar/kg-2024.toml` …): until 2024 those of the Labour Code of 2004
(art. 113), under which a holiday falling on a weekend gives the next working day off; from 2025
those of the Labour Code of 2025 (1-7 January, 8 and 21 March, 1-9 May, 31 August and the two
Aits; no carry-over). The files also list the rest days and working Saturdays that government
decrees moved for state bodies on a five-day week. The lunar holidays (Orozo Ait, Kurman Ait) are
set each year by the government; a date not yet set or not verified is marked `estimated = true`.

A year with no file is not an error: its working days are Monday to Friday, and the calendar says
so through `is_known(year)`, so a due time that rests on such a year, or on an estimated day, is
shown as provisional (`legal.deadlines.provisional`). When the government sets a date,
correct the file and run `icjis rebuild-projections`: the terms are recounted from the ledger.

Data file format (one file per year, named `<country>-<year>.toml`):

    [calendar]
    country = "KG"
    year = 2024
    source = "Labour Code of 2004, art. 113; government decrees on moved rest days"

    [[holiday]]
    date = 2024-04-10
    name = "Orozo Ait"
    lunar = true
    estimated = false          # true while the government has not set the date

    [[day_off]]                # a rest day moved onto a weekday
    date = 2024-06-17
    reason = "Kurman Ait fell on Sunday 16 June"
    estimated = false          # true while the decree is not verified

    [[working_day]]            # a Saturday or Sunday made working by decree
    date = 2024-05-11
    reason = "worked for 3 May"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import NoReturn

DATA_DIR = Path(__file__).with_name("calendar")

_FILE_NAME = re.compile(r"^(?P<country>[a-z]{2})-(?P<year>\d{4})\.toml$")


class DataFileError(ValueError):
    """A legal data file (calendar, rule pack) is malformed; names the file and the line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else f"{self.path}"
        super().__init__(f"{where}: {message}")


class CalendarError(DataFileError):
    """A calendar data file is malformed."""


def load_toml(path: Path, error: type[DataFileError]) -> tuple[dict[str, object], str]:
    """Read and parse a TOML file; a syntax error is raised as `error` naming file and line."""
    text = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise error(path, line, f"invalid TOML: {exc}") from exc


def _line_from_message(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def find_line(text: str, table: str, index: int | None, key: str | None = None) -> int | None:
    """The 1-based line of `key` inside the `index`-th `[[table]]` (or the `[table]`) of `text`.

    tomllib reports no positions for values, so semantic errors are located by scanning the text:
    first the header of the table, then the first line in it that assigns `key` (plain or dotted,
    e.g. `title.en = …`). Falls back to the header's line, then to None.
    """
    lines = text.splitlines()
    if index is None:
        header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]")
    else:
        header = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
    any_header = re.compile(r"^\s*\[")
    seen = -1
    start = None
    for number, line in enumerate(lines):
        if header.match(line):
            seen += 1
            if index is None or seen == index:
                start = number
                break
    if start is None:
        return None
    if key is None:
        return start + 1
    first = key.split(".")[0]
    assign = re.compile(r"^\s*\"?" + re.escape(first) + r"\"?\s*(=|\.)")
    for number in range(start + 1, len(lines)):
        if any_header.match(lines[number]):
            break
        if assign.match(lines[number]):
            return number + 1
    return start + 1


@dataclass(frozen=True)
class Holiday:
    """A public holiday (Labour Code art. 113) or a moved rest day."""

    date: date
    name: str
    lunar: bool = False
    estimated: bool = False


@dataclass(frozen=True)
class YearCalendar:
    """The days off and the extra working days of one calendar year, as loaded from its file."""

    year: int
    source: str
    holidays: tuple[Holiday, ...]
    days_off: tuple[Holiday, ...]
    working_days: frozenset[date]
    path: Path | None = None
    estimated_working: frozenset[date] = frozenset()

    @property
    def non_working(self) -> frozenset[date]:
        return frozenset(h.date for h in self.holidays + self.days_off)

    @property
    def estimated_days(self) -> frozenset[date]:
        """Days whose status rests on a date not yet set (or not verified) by the government."""
        off = frozenset(h.date for h in self.holidays + self.days_off if h.estimated)
        return off | self.estimated_working


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Working days of one country: weekends off, plus per-year data where a file exists."""

    country: str
    years: dict[int, YearCalendar] = field(default_factory=dict)

    def is_known(self, year: int) -> bool:
        """Whether the holidays of `year` are on file (if not, only weekends are days off)."""
        return year in self.years

    def is_estimated(self, day: date) -> bool:
        """Whether `day`'s status rests on an estimated date (a lunar holiday not yet decreed)."""
        cal = self.years.get(day.year)
        return cal is not None and day in cal.estimated_days

    def is_provisional(self, first: date, last: date) -> bool:
        """Whether working-day counting between the two dates rests on unknown or estimated data."""
        if any(not self.is_known(y) for y in range(first.year, last.year + 1)):
            return True
        return any(
            first <= d <= last
            for y in range(first.year, last.year + 1)
            for d in self.years[y].estimated_days
        )

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day: not a weekend (unless made working), not a day off."""
        cal = self.years.get(day.year)
        if cal is not None:
            if day in cal.working_days:
                return True
            if day in cal.non_working:
                return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """`day` if it is a working day, else the first working day after it (CPC 137(2)(4))."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` not counted); `day` itself for 0."""
        if count < 0:
            raise ValueError("count must not be negative")
        while count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def holidays(self, year: int) -> tuple[Holiday, ...]:
        """The holidays and moved rest days of `year` on file (empty when the year is unknown)."""
        cal = self.years.get(year)
        if cal is None:
            return ()
        return tuple(sorted(cal.holidays + cal.days_off, key=lambda h: h.date))


_CALENDAR_KEYS = {"country", "year", "source"}
_HOLIDAY_KEYS = {"date", "name", "lunar", "estimated"}
_DAY_OFF_KEYS = {"date", "reason", "estimated"}
_WORKING_KEYS = {"date", "reason", "estimated"}
_TOP_KEYS = {"calendar", "holiday", "day_off", "working_day"}


def load_year(path: Path) -> YearCalendar:
    """Load and validate one year file; raises `CalendarError` naming the file and line."""
    data, text = load_toml(path, CalendarError)

    def fail(
        message: str, table: str, index: int | None = None, key: str | None = None
    ) -> NoReturn:
        raise CalendarError(path, find_line(text, table, index, key), message)

    match = _FILE_NAME.match(path.name)
    if not match:
        raise CalendarError(path, None, "a calendar file is named <country>-<year>.toml")
    for key in data:
        if key not in _TOP_KEYS:
            raise CalendarError(
                path,
                find_line(text, key, None) or _key_line(text, key),
                f"unknown table or key {key!r}",
            )
    head = data.get("calendar")
    if not isinstance(head, dict):
        raise CalendarError(path, 1, "the file needs a [calendar] table with country and year")
    for key in head:
        if key not in _CALENDAR_KEYS:
            fail(f"unknown key {key!r} in [calendar]", "calendar", None, key)
    year = head.get("year")
    if not isinstance(year, int) or year != int(match.group("year")):
        fail(f"year must be {match.group('year')}, as in the file name", "calendar", None, "year")
    assert isinstance(year, int)
    country = head.get("country")
    if not isinstance(country, str) or country.lower() != match.group("country"):
        fail(f"country must be {match.group('country').upper()!r}", "calendar", None, "country")
    source = head.get("source", "")
    if not isinstance(source, str):
        fail("source must be a string", "calendar", None, "source")

    seen: dict[date, str] = {}

    def entries(table: str, allowed: set[str]) -> list[tuple[int, dict[str, object]]]:
        raw = data.get(table, [])
        if not isinstance(raw, list):
            raise CalendarError(path, _key_line(text, table), f"{table} must be [[{table}]] tables")
        out = []
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                raise CalendarError(
                    path, _key_line(text, table), f"{table} must be [[{table}]] tables"
                )
            for key in item:
                if key not in allowed:
                    fail(f"unknown key {key!r} in [[{table}]]", table, i, key)
            day = item.get("date")
            if not isinstance(day, date) or hasattr(day, "hour"):
                fail("date must be a plain date such as 2024-03-21", table, i, "date")
            assert isinstance(day, date)
            if day.year != year:
                fail(f"{day.isoformat()} is not in {year}", table, i, "date")
            for flag in ("lunar", "estimated"):
                if flag in item and not isinstance(item[flag], bool):
                    fail(f"{flag} must be true or false", table, i, flag)
            out.append((i, item))
        return out

    holidays: list[Holiday] = []
    for i, item in entries("holiday", _HOLIDAY_KEYS):
        day = item["date"]
        assert isinstance(day, date)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            fail("a holiday needs a name", "holiday", i, "name")
        if day in seen:
            fail(f"{day.isoformat()} is listed twice", "holiday", i, "date")
        if item.get("estimated") and not item.get("lunar"):
            fail("only a lunar holiday may be estimated", "holiday", i, "estimated")
        seen[day] = "holiday"
        holidays.append(
            Holiday(day, str(name), bool(item.get("lunar")), bool(item.get("estimated")))
        )
    days_off: list[Holiday] = []
    for i, item in entries("day_off", _DAY_OFF_KEYS):
        day = item["date"]
        assert isinstance(day, date)
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            fail("a moved rest day needs a reason", "day_off", i, "reason")
        if day in seen:
            fail(f"{day.isoformat()} is listed twice", "day_off", i, "date")
        if day.weekday() >= 5:
            fail(f"{day.isoformat()} is a weekend day already", "day_off", i, "date")
        seen[day] = "day_off"
        days_off.append(Holiday(day, str(reason), False, bool(item.get("estimated"))))
    working: set[date] = set()
    estimated_working: set[date] = set()
    for i, item in entries("working_day", _WORKING_KEYS):
        day = item["date"]
        assert isinstance(day, date)
        if day.weekday() < 5:
            fail(
                f"{day.isoformat()} is a weekday; only a weekend day can be made working",
                "working_day",
                i,
                "date",
            )
        if day in seen or day in working:
            fail(f"{day.isoformat()} is listed twice", "working_day", i, "date")
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            fail("a working Saturday needs a reason", "working_day", i, "reason")
        working.add(day)
        if item.get("estimated"):
            estimated_working.add(day)
    return YearCalendar(
        year,
        str(source),
        tuple(holidays),
        tuple(days_off),
        frozenset(working),
        path,
        frozenset(estimated_working),
    )


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(r"^\s*(\[+\s*)?" + re.escape(key) + r"\b")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def load_calendar(directory: Path | None = None, country: str = "kg") -> WorkingCalendar:
    """Load every `<country>-<year>.toml` in `directory` (default: the files beside this module)."""
    directory = directory or DATA_DIR
    years: dict[int, YearCalendar] = {}
    for path in sorted(directory.glob(f"{country}-*.toml")):
        cal = load_year(path)
        years[cal.year] = cal
    return WorkingCalendar(country.upper(), years)


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """The Kyrgyz Republic's calendar from the data files shipped with ICJIS (loaded once)."""
    return load_calendar()
