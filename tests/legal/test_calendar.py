"""The working-day calendar of the Kyrgyz Republic (Labour Code art. 113; CPC 137(2)(4))."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icjis.legal.calendar import (
    CalendarError,
    default_calendar,
    load_calendar,
    load_year,
)

CAL = default_calendar()

# Non-working holidays: Labour Code of 2004 (art. 113) until 2024, Labour Code of 2025 after.
HOLIDAYS_2004 = [
    (1, 1),
    (1, 7),
    (2, 23),
    (3, 8),
    (3, 21),
    (4, 7),
    (5, 1),
    (5, 5),
    (5, 9),
    (8, 31),
    (11, 7),
    (11, 8),
]
HOLIDAYS_2025 = (
    [(1, d) for d in range(1, 8)] + [(3, 8), (3, 21), (8, 31)] + [(5, d) for d in range(1, 10)]
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEAD_2024 = '[calendar]\ncountry = "KG"\nyear = 2024\n'


def in_2024(tmp_path: Path, body: str) -> Path:
    """A 2024 calendar file: the three-line [calendar] head, then `body`."""
    return write(tmp_path, "kg-2024.toml", HEAD_2024 + body)


def test_it_ships_a_calendar_for_every_year_from_2019_to_2028() -> None:
    assert all(CAL.is_known(year) for year in range(2019, 2029))
    assert not CAL.is_known(2018)
    assert not CAL.is_known(2029)


@pytest.mark.parametrize("year", range(2019, 2029))
def test_it_lists_every_labour_code_holiday_and_both_aits_each_year(year: int) -> None:
    listed = CAL.holidays(year)
    days = {h.date for h in listed}
    for month, day in HOLIDAYS_2004 if year < 2025 else HOLIDAYS_2025:
        assert date(year, month, day) in days
        assert not CAL.is_working_day(date(year, month, day))
    names = {h.name for h in listed if h.lunar}
    assert names == {"Orozo Ait", "Kurman Ait"}


def test_it_marks_lunar_holidays_not_yet_decreed_as_estimated() -> None:
    for year in (2026, 2027, 2028):
        lunar = [h for h in CAL.holidays(year) if h.lunar]
        assert lunar and all(h.estimated for h in lunar)
        assert CAL.is_estimated(lunar[0].date)
    assert not any(h.estimated for h in CAL.holidays(2023))


def test_it_gives_the_next_monday_off_when_a_holiday_falls_on_a_sunday() -> None:
    # Kurman Ait 2024 fell on Sunday 16 June; Monday 17 June was a rest day.
    assert not CAL.is_working_day(date(2024, 6, 16))
    assert not CAL.is_working_day(date(2024, 6, 17))
    assert CAL.is_working_day(date(2024, 6, 18))


def test_it_keeps_the_holidays_the_2025_code_made_working_days_as_working_days() -> None:
    for day in (date(2026, 2, 23), date(2026, 4, 7), date(2027, 11, 8), date(2025, 11, 7)):
        assert CAL.is_working_day(day)
    assert not CAL.is_working_day(date(2024, 11, 7))  # still a day off under the 2004 code


def test_it_follows_the_decrees_that_moved_rest_days() -> None:
    # Decree of 16 December 2022: 3-6 January 2023 off, 9 January and Saturday 25 February worked.
    assert not CAL.is_working_day(date(2023, 1, 3))
    assert CAL.is_working_day(date(2023, 1, 9))
    assert CAL.is_working_day(date(2023, 2, 25))
    # 2022: 1-9 May off; Saturdays 30 April and 14 May worked.
    assert not CAL.is_working_day(date(2022, 5, 4))
    assert CAL.is_working_day(date(2022, 4, 30))


def test_it_treats_saturdays_and_sundays_as_days_off_and_ordinary_weekdays_as_working() -> None:
    assert not CAL.is_working_day(date(2024, 4, 13))  # Saturday
    assert not CAL.is_working_day(date(2024, 4, 14))  # Sunday
    assert CAL.is_working_day(date(2024, 4, 15))  # Monday


def test_it_says_a_year_without_a_file_is_unknown_and_counts_monday_to_friday() -> None:
    assert not CAL.is_known(2035)
    assert CAL.is_working_day(date(2035, 1, 1))  # a Monday: no holiday data for 2035
    assert not CAL.is_working_day(date(2035, 1, 6))  # a Saturday
    assert CAL.holidays(2035) == ()
    assert CAL.is_provisional(date(2034, 12, 1), date(2035, 1, 31))
    assert not CAL.is_provisional(date(2023, 1, 1), date(2023, 12, 31))
    assert CAL.is_provisional(date(2026, 3, 1), date(2026, 3, 31))  # Orozo Ait 2026 estimated


def test_it_finds_the_next_working_day_and_adds_working_days() -> None:
    assert CAL.next_working_day(date(2024, 3, 8)) == date(2024, 3, 11)
    assert CAL.next_working_day(date(2024, 3, 11)) == date(2024, 3, 11)
    assert CAL.add_working_days(date(2024, 3, 6), 5) == date(2024, 3, 14)
    assert CAL.add_working_days(date(2024, 3, 6), 0) == date(2024, 3, 6)


def test_it_counts_a_saturday_made_working_by_decree_as_a_working_day(tmp_path: Path) -> None:
    in_2024(
        tmp_path,
        (
            '\n[[day_off]]\ndate = 2024-12-30\nreason = "bridge before New Year"\n'
            '\n[[working_day]]\ndate = 2024-12-28\nreason = "worked in exchange for 30 December"\n'
        ),
    )
    cal = load_calendar(tmp_path)
    assert cal.is_working_day(date(2024, 12, 28))
    assert not cal.is_working_day(date(2024, 12, 30))
    assert cal.next_working_day(date(2024, 12, 29)) == date(2024, 12, 31)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(day=st.dates(min_value=date(2019, 1, 1), max_value=date(2029, 12, 31)))
def test_it_finds_no_working_day_between_a_date_and_its_next_working_day(day: date) -> None:
    found = CAL.next_working_day(day)
    assert CAL.is_working_day(found)
    assert found >= day
    cursor = day
    while cursor < found:
        assert not CAL.is_working_day(cursor)
        cursor += timedelta(days=1)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(day=st.dates(min_value=date(2019, 1, 1), max_value=date(2028, 12, 31)))
def test_it_never_makes_a_listed_holiday_a_working_day(day: date) -> None:
    listed = {h.date for h in CAL.holidays(day.year)}
    if day in listed:
        assert not CAL.is_working_day(day)


# --- validation: every error names the file and the line ---------------------------------------


def test_it_reports_a_toml_syntax_error_with_file_and_line(tmp_path: Path) -> None:
    path = in_2024(tmp_path, '\n[[holiday]]\ndate = 2024-01-01\nname = "New Year\n')
    with pytest.raises(CalendarError) as caught:
        load_year(path)
    assert caught.value.path == path
    assert caught.value.line == 7
    assert f"{path}:7" in str(caught.value)


def test_it_names_the_line_of_a_holiday_outside_the_files_year(tmp_path: Path) -> None:
    path = in_2024(
        tmp_path,
        (
            '\n[[holiday]]\ndate = 2024-01-01\nname = "New Year"\n'
            '\n[[holiday]]\nname = "Orthodox Christmas"\ndate = 2025-01-07\n'
        ),
    )
    with pytest.raises(CalendarError, match="not in 2024") as caught:
        load_year(path)
    assert caught.value.line == 11
    assert str(caught.value).startswith(f"{path}:11:")


def test_it_names_the_line_of_an_unknown_key(tmp_path: Path) -> None:
    path = in_2024(tmp_path, '\n[[holiday]]\ndate = 2024-01-01\nnmae = "x"\n')
    with pytest.raises(CalendarError, match="unknown key 'nmae'") as caught:
        load_year(path)
    assert caught.value.line == 7


def test_it_refuses_a_moved_rest_day_on_a_weekend(tmp_path: Path) -> None:
    path = in_2024(tmp_path, '\n[[day_off]]\ndate = 2024-06-15\nreason = "x"\n')
    with pytest.raises(CalendarError, match="weekend") as caught:
        load_year(path)
    assert caught.value.line == 6


def test_it_refuses_a_working_day_that_is_already_a_weekday(tmp_path: Path) -> None:
    path = in_2024(tmp_path, '\n[[working_day]]\ndate = 2024-06-14\nreason = "x"\n')
    with pytest.raises(CalendarError, match="only a weekend day") as caught:
        load_year(path)
    assert caught.value.line == 6


def test_it_refuses_a_date_listed_twice(tmp_path: Path) -> None:
    path = in_2024(
        tmp_path,
        (
            '\n[[holiday]]\ndate = 2024-05-01\nname = "Labour Day"\n'
            '\n[[holiday]]\ndate = 2024-05-01\nname = "Labour Day again"\n'
        ),
    )
    with pytest.raises(CalendarError, match="listed twice") as caught:
        load_year(path)
    assert caught.value.line == 10


def test_it_refuses_an_estimated_fixed_holiday(tmp_path: Path) -> None:
    path = in_2024(
        tmp_path, ('\n[[holiday]]\ndate = 2024-05-01\nname = "Labour Day"\nestimated = true\n')
    )
    with pytest.raises(CalendarError, match="only a lunar holiday") as caught:
        load_year(path)
    assert caught.value.line == 8


def test_it_refuses_a_year_that_does_not_match_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "kg-2025.toml", HEAD_2024)
    with pytest.raises(CalendarError, match="year must be 2025") as caught:
        load_year(path)
    assert caught.value.line == 3


def test_it_refuses_a_file_without_a_calendar_table(tmp_path: Path) -> None:
    path = write(tmp_path, "kg-2024.toml", '[[holiday]]\ndate = 2024-01-01\nname = "New Year"\n')
    with pytest.raises(CalendarError, match=r"\[calendar\]"):
        load_year(path)


def test_it_stops_loading_a_directory_at_the_first_broken_file(tmp_path: Path) -> None:
    write(tmp_path, "kg-2024.toml", HEAD_2024)
    write(tmp_path, "kg-2025.toml", '[calendar]\ncountry = "KG"\nyear = "2025"\n')
    with pytest.raises(CalendarError) as caught:
        load_calendar(tmp_path)
    assert caught.value.path.name == "kg-2025.toml"
    assert caught.value.line == 3
