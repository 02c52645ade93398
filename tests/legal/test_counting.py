"""Counting of procedural terms (CPC 137, 2021): worked examples and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icjis.legal.calendar import WorkingCalendar, default_calendar
from icjis.legal.counting import (
    LOCAL_TZ,
    Duration,
    DurationError,
    add_months,
    before,
    due_at,
    end_of_day,
    last_day_of,
    local_date,
    parse_moment,
)

CAL = default_calendar()


def local(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """A moment given in Bishkek local time, as UTC."""
    return datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ).astimezone(UTC)


def ends_at_end_of(day: date) -> datetime:
    return local(day.year, day.month, day.day) + timedelta(days=1)


# --- worked examples a lawyer can check by hand --------------------------------------------------


def test_it_ends_a_day_term_at_midnight_local_time_without_counting_the_start_day() -> None:
    # CPC 137(2)(1)-(2), 153(3): report registered Tuesday 2 April 2024 at 10:15 → 10 days run
    # 3–12 April; the term ends at 24:00 on Friday 12 April (18:00 UTC).
    due = due_at(local(2024, 4, 2, 10, 15), 10, "d", shift=True, calendar=CAL)
    assert due == datetime(2024, 4, 12, 18, 0, tzinfo=UTC)
    assert due.astimezone(LOCAL_TZ) == datetime(2024, 4, 13, 0, 0, tzinfo=LOCAL_TZ)


def test_it_moves_a_term_ending_on_a_holiday_to_the_next_working_day() -> None:
    # 10 days from Tuesday 27 February 2024 end on Friday 8 March (Women's Day); Saturday and
    # Sunday follow, so the term ends at 24:00 on Monday 11 March (CPC 137(2)(4)).
    due = due_at(local(2024, 2, 27, 9), 10, "d", shift=True, calendar=CAL)
    assert last_day_of(due) == date(2024, 3, 11)


def test_it_moves_a_term_ending_on_nooruz_to_the_next_working_day() -> None:
    # 10 days from Tuesday 11 March 2025 end on Friday 21 March 2025 (Nooruz) → Monday 24 March.
    due = due_at(local(2025, 3, 11, 16, 30), 10, "d", shift=True, calendar=CAL)
    assert last_day_of(due) == date(2025, 3, 24)


def test_it_skips_the_rest_day_moved_from_a_lunar_holiday_on_a_sunday() -> None:
    # Kurman Ait 2024 fell on Sunday 16 June; Monday 17 June was the rest day (Labour Code 2004,
    # art. 113). A 10-day term from Wednesday 5 June ends on Saturday 15 June → Tuesday 18 June.
    due = due_at(local(2024, 6, 5, 11), 10, "d", shift=True, calendar=CAL)
    assert last_day_of(due) == date(2024, 6, 18)


def test_it_gives_no_weekday_off_for_a_holiday_on_a_weekend_from_2025() -> None:
    # Labour Code of 2025: 8 March 2026 is a Sunday and Monday 9 March is a working day, so a
    # term ending on Saturday 7 March 2026 ends on Monday 9 March.
    due = due_at(local(2026, 2, 25, 11), 10, "d", shift=True, calendar=CAL)
    assert last_day_of(due) == date(2026, 3, 9)


def test_it_treats_defender_of_the_fatherland_day_as_working_from_2025() -> None:
    # 23 February stays a holiday but is a working day under the Labour Code of 2025: a term
    # ending on Monday 23 February 2026 is not moved; in 2024 (a Friday) it moved to Monday 26.
    assert last_day_of(due_at(local(2026, 2, 13, 9), 10, "d", calendar=CAL)) == date(2026, 2, 23)
    assert last_day_of(due_at(local(2024, 2, 13, 9), 10, "d", calendar=CAL)) == date(2024, 2, 26)


def test_it_never_moves_a_term_that_the_rule_marks_as_not_shifting() -> None:
    # CPC 137(2)(4): custody and house arrest terms are not moved off a holiday.
    due = due_at(local(2024, 2, 27, 9), 10, "d", shift=False, calendar=CAL)
    assert last_day_of(due) == date(2024, 3, 8)


def test_it_counts_detention_from_the_hour_and_minute_of_detention() -> None:
    # CPC 97(5), 100(2), 137(2)(5): detained Sunday 3 March 2024 at 22:40 → court before
    # Tuesday 5 March 19:40 (45 h), release at 22:40 (48 h); a child: 21 h / 24 h.
    detained = local(2024, 3, 3, 22, 40)
    assert due_at(detained, 45, "h", shift=True, calendar=CAL) == local(2024, 3, 5, 19, 40)
    assert due_at(detained, 48, "h", shift=True, calendar=CAL) == local(2024, 3, 5, 22, 40)
    assert due_at(detained, 21, "h", shift=True, calendar=CAL) == local(2024, 3, 4, 19, 40)
    assert due_at(detained, 24, "h", shift=True, calendar=CAL) == local(2024, 3, 4, 22, 40)


def test_it_does_not_move_an_hour_term_that_ends_on_a_holiday() -> None:
    # Detained Wednesday 6 March 2024 at 08:00; 48 h end on Friday 8 March (a holiday) at 08:00.
    assert due_at(local(2024, 3, 6, 8), 48, "h", shift=True, calendar=CAL) == local(2024, 3, 8, 8)


def test_it_disregards_seconds_when_counting_hours() -> None:
    start = local(2024, 5, 14, 13, 7) + timedelta(seconds=59, microseconds=1)
    assert due_at(start, 12, "h", shift=False, calendar=CAL) == local(2024, 5, 15, 1, 7)


def test_it_ends_a_month_term_on_the_same_date_of_the_last_month() -> None:
    # CPC 162(1): case opened Friday 15 March 2024 → 2 months end at 24:00 on Wednesday 15 May.
    due = due_at(local(2024, 3, 15, 12), 2, "M", shift=True, calendar=CAL)
    assert due == ends_at_end_of(date(2024, 5, 15))


def test_it_ends_a_month_term_on_the_last_day_of_a_shorter_month() -> None:
    # CPC 137(2)(3): 1 month from 31 January 2023 ends on Tuesday 28 February 2023; in the leap
    # year 2024, 2 months from 31 December 2023 end on Thursday 29 February 2024.
    assert last_day_of(due_at(local(2023, 1, 31, 10), 1, "M", calendar=CAL)) == date(2023, 2, 28)
    assert last_day_of(due_at(local(2023, 12, 31, 10), 2, "M", calendar=CAL)) == date(2024, 2, 29)
    assert last_day_of(due_at(local(2024, 1, 30, 10), 1, "M", calendar=CAL)) == date(2024, 2, 29)


def test_it_moves_a_month_term_ending_on_new_year_past_the_new_year_rest_days() -> None:
    # 1 month from 1 December 2022 ends on Sunday 1 January 2023. The rest day for it (2 January)
    # and the decree of 16 December 2022 (3-6 January off, 9 January worked) → Monday 9 January.
    assert last_day_of(due_at(local(2022, 12, 1, 10), 1, "M", calendar=CAL)) == date(2023, 1, 9)


def test_it_counts_working_days_without_weekends_and_holidays() -> None:
    # 5 working days from Wednesday 6 March 2024: 7 (Thu), 11, 12, 13, 14 March (8 March is a
    # holiday, 9–10 a weekend) → ends at 24:00 on Thursday 14 March.
    due = due_at(local(2024, 3, 6, 10), 5, "wd", shift=True, calendar=CAL)
    assert last_day_of(due) == date(2024, 3, 14)


def test_it_takes_the_local_date_of_a_start_late_in_the_evening_utc() -> None:
    # 20:30 UTC on 1 April is 02:30 on 2 April in Bishkek: the term starts on 2 April.
    start = datetime(2024, 4, 1, 20, 30, tzinfo=UTC)
    assert local_date(start) == date(2024, 4, 2)
    assert last_day_of(due_at(start, 10, "d", shift=False, calendar=CAL)) == date(2024, 4, 12)


def test_it_counts_years_as_twelve_months() -> None:
    # CPC 115(11): one year from 29 February 2024 ends on 28 February 2025.
    due = due_at(local(2024, 2, 29, 10), 1, "Y", shift=False, calendar=CAL)
    assert last_day_of(due) == date(2025, 2, 28)


def test_it_counts_a_year_without_a_calendar_file_as_monday_to_friday() -> None:
    assert not CAL.is_known(2031)
    # 1 January 2031 is a Wednesday: without data it is a working day, and counting does not fail.
    due = due_at(local(2030, 12, 22, 10), 10, "d", shift=True, calendar=CAL)
    assert last_day_of(due) == date(2031, 1, 1)
    # Saturday 4 January 2031 still moves to Monday 6 January.
    due = due_at(local(2030, 12, 25, 10), 10, "d", shift=True, calendar=CAL)
    assert last_day_of(due) == date(2031, 1, 6)


def test_it_refuses_a_naive_start_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(datetime(2024, 1, 1, 10), 1, "d", shift=True, calendar=CAL)  # noqa: DTZ001


# --- Duration ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [("48h", 48, "h"), ("10d", 10, "d"), ("5wd", 5, "wd"), ("2M", 2, "M"), ("1Y", 1, "Y")],
)
def test_it_reads_durations_written_with_a_unit(text: str, amount: int, unit: str) -> None:
    parsed = Duration.parse(text)
    assert (parsed.amount, parsed.unit) == (amount, unit)
    assert str(parsed) == text


@pytest.mark.parametrize("text", ["", "10", "d10", "10 days", "2m", "-1d", "0d", "1.5M", "10dd"])
def test_it_rejects_durations_that_are_not_a_whole_number_and_a_unit(text: str) -> None:
    with pytest.raises(DurationError):
        Duration.parse(text)


def test_it_accepts_unit_words_as_well_as_symbols() -> None:
    assert Duration.unit_of("months") == "M"
    assert Duration.unit_of("working_days") == "wd"
    with pytest.raises(DurationError):
        Duration.unit_of("fortnights")


# --- before, parse_moment ------------------------------------------------------------------------


def test_it_counts_back_days_from_the_end_of_a_custody_term() -> None:
    # CPC 115(3): custody until 15 March 2025 (24:00) → request due by 24:00 on 10 March.
    end = ends_at_end_of(date(2025, 3, 15))
    assert before(end, Duration(5, "d"), CAL) == ends_at_end_of(date(2025, 3, 10))


def test_it_counts_back_months_from_a_month_end_to_a_month_end() -> None:
    assert before(ends_at_end_of(date(2024, 3, 31)), Duration(1, "M"), CAL) == ends_at_end_of(
        date(2024, 2, 29)
    )


def test_it_reads_a_date_as_the_end_of_that_day_in_local_time() -> None:
    assert parse_moment("2025-03-15") == datetime(2025, 3, 15, 18, 0, tzinfo=UTC)
    assert parse_moment(date(2025, 3, 15), end_of_date=False) == datetime(
        2025, 3, 14, 18, 0, tzinfo=UTC
    )
    assert parse_moment("2025-03-15T10:00:00") == datetime(2025, 3, 15, 4, 0, tzinfo=UTC)
    assert parse_moment("2025-03-15T10:00:00Z") == datetime(2025, 3, 15, 10, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_moment("15.03.2025")


# --- properties ---------------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2019, 1, 1),  # noqa: DTZ001
    max_value=datetime(2027, 10, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
day_amounts = st.integers(min_value=1, max_value=90)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(start=starts, amount=day_amounts, unit=st.sampled_from(["d", "wd", "M"]))
def test_it_never_ends_a_shifting_term_on_a_non_working_day(
    start: datetime, amount: int, unit: str
) -> None:
    due = due_at(start, amount, unit, shift=True, calendar=CAL)
    assert CAL.is_working_day(last_day_of(due))
    assert due.astimezone(LOCAL_TZ).time() == time(0)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(start=starts, amount=day_amounts)
def test_it_never_counts_the_start_day(start: datetime, amount: int) -> None:
    due = due_at(start, amount, "d", shift=False, calendar=CAL)
    assert last_day_of(due) == local_date(start) + timedelta(days=amount)
    assert due - start > timedelta(days=amount)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(start=starts, amount=st.integers(min_value=0, max_value=24 * 40), shift=st.booleans())
def test_it_counts_hour_terms_exactly_to_the_minute_and_never_shifts_them(
    start: datetime, amount: int, shift: bool
) -> None:
    due = due_at(start, amount, "h", shift=shift, calendar=CAL)
    assert due - start.replace(second=0, microsecond=0) == timedelta(hours=amount)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    start=starts,
    amount=st.integers(min_value=0, max_value=60),
    unit=st.sampled_from(["h", "d", "wd", "M", "Y"]),
    shift=st.booleans(),
)
def test_it_gives_a_later_or_equal_due_time_for_a_longer_term(
    start: datetime, amount: int, unit: str, shift: bool
) -> None:
    shorter = due_at(start, amount, unit, shift=shift, calendar=CAL)
    longer = due_at(start, amount + 1, unit, shift=shift, calendar=CAL)
    assert shorter <= longer
    if amount >= 1 and (not shift or unit in ("h", "wd")):
        assert shorter < longer


@settings(max_examples=300, deadline=None, derandomize=True)
@given(start=starts, amount=day_amounts, unit=st.sampled_from(["d", "M"]))
def test_it_moves_a_term_only_forward_and_only_over_non_working_days(
    start: datetime, amount: int, unit: str
) -> None:
    fixed = last_day_of(due_at(start, amount, unit, shift=False, calendar=CAL))
    moved = last_day_of(due_at(start, amount, unit, shift=True, calendar=CAL))
    assert moved >= fixed
    day = fixed
    while day < moved:
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(start=starts, amount=st.integers(min_value=1, max_value=40))
def test_it_counts_exactly_the_given_number_of_working_days(start: datetime, amount: int) -> None:
    last = last_day_of(due_at(start, amount, "wd", shift=True, calendar=CAL))
    first = local_date(start)
    counted = sum(
        CAL.is_working_day(first + timedelta(days=i)) for i in range(1, (last - first).days + 1)
    )
    assert counted == amount
    assert CAL.is_working_day(last)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    months=st.integers(min_value=0, max_value=48),
)
def test_it_keeps_the_day_number_in_month_terms_or_takes_the_last_day_of_the_month(
    day: date, months: int
) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    if result.day != day.day:
        assert result.day < day.day
        assert (result + timedelta(days=1)).day == 1  # the last day of its month


@settings(max_examples=200, deadline=None, derandomize=True)
@given(start=starts, amount=day_amounts)
def test_it_counts_back_a_day_term_to_the_end_of_its_start_day(
    start: datetime, amount: int
) -> None:
    due = due_at(start, amount, "d", shift=False, calendar=CAL)
    assert before(due, Duration(amount, "d"), CAL) == end_of_day(local_date(start))


def test_it_counts_with_an_empty_calendar_as_monday_to_friday() -> None:
    empty = WorkingCalendar("KG")
    # 10 days from 27 February 2024 end on 8 March: a working Friday when no holidays are known.
    assert last_day_of(due_at(local(2024, 2, 27), 10, "d", calendar=empty)) == date(2024, 3, 8)
