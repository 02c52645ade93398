"""The date arithmetic of the sentence calculation (CC 80(5)-(6), 81, 88(4); CEC 159(2)):
hand-computed examples at month ends and leap years, and properties over any start and term."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icjis.prisons import sentence as calc

RULES = calc.rules_for("kg-2021")


def weekdays(day: date) -> bool:
    return day.weekday() < 5


def every_day(day: date) -> bool:
    return True


def inputs(start: date, months: int = 36, **kw) -> calc.Inputs:
    base = {
        "months": months,
        "regime": "general",
        "category": "less_grave",
        "legislation_set": "kg-2021",
        "start": start,
        "ivs_days": 0,
        "custody_days": 0,
        "house_arrest_days": 0,
        "start_reason": "admission",
    }
    return calc.Inputs(**{**base, **kw})


# --- hand-computed examples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        # 1 month from 31 January expires on the last day of February, 29th in a leap year;
        # the last day of the term is the day before (CEC 159(2)).
        (date(2032, 1, 31), 1, date(2032, 2, 28)),
        (date(2031, 1, 31), 1, date(2031, 2, 27)),
        # From 29 February: 12 months expire on 28 February of the next year (no 29th).
        (date(2032, 2, 29), 12, date(2033, 2, 27)),
        # 48 months from 29 February reach another 29 February.
        (date(2032, 2, 29), 48, date(2036, 2, 28)),
        # 6 months from 31 August: 28 February (the month has no 31st), last day the 27th.
        (date(2031, 8, 31), 6, date(2032, 2, 28)),
        # An ordinary case: 3 years from 10 January ends on 9 January.
        (date(2031, 1, 10), 36, date(2034, 1, 9)),
        # Across the year end: 2 months from 31 December expire on 29 February 2032.
        (date(2031, 12, 31), 2, date(2032, 2, 28)),
    ],
)
def test_the_last_day_of_a_term_in_months(start, months, last):
    assert calc.last_day_of_term(start, months) == last


def test_credit_is_two_days_for_each_day_held_and_one_for_five_of_house_arrest():
    # CC 80(5): 10 days held → 20 days; CC 80(6)(1): 14 days of house arrest → 2 (4 left over).
    assert calc.credit(RULES, 10, 14) == (20, 2)
    assert calc.credit(RULES, 0, 4) == (0, 0)


def test_a_release_that_falls_on_a_saturday_moves_to_the_friday_before():
    # 12 months from Monday 3 March 2031 expire on 3 March 2032; the last day is Tuesday
    # 2 March 2032. A credit of 3 days (1 day in IVS → 2; 5 days of house arrest → 1) brings it
    # to Saturday 28 February 2032 (29 February, then 28): released Friday 27 February
    # (CEC 159(2)).
    given = inputs(date(2031, 3, 3), 12, ivs_days=1, house_arrest_days=5)
    result = calc.calculate(given, RULES, weekdays)
    assert result.credit_days == 3
    assert result.term_last_day == date(2032, 2, 28)
    assert result.term_last_day.weekday() == 5
    assert result.release_date == date(2032, 2, 27)
    assert "the working day before 2032-02-28" in result.breakdown["en"][9]


def test_parole_by_the_category_of_the_crime():
    # 36 months from 1 January 2031: 1096 days (2032 is a leap year).
    # Grave: 3/4 → 822 days; less grave: 2/3 → 730.67 → 731 days (CC 88(4)). From 1.1.2031:
    # +365 = 1.1.2032, +366 = 1.1.2033 (731 days), +91 (Jan 31, Feb 28, Mar 31 = 90) = 2.4.2033.
    start = date(2031, 1, 1)
    grave = calc.calculate(inputs(start, category="grave"), RULES, every_day)
    less = calc.calculate(inputs(start, category="less_grave"), RULES, every_day)
    assert grave.parole_date == start + timedelta(days=822) == date(2033, 4, 2)
    assert less.parole_date == start + timedelta(days=731) == date(2033, 1, 1)
    # A credit of 20 days brings each forward by 20 days.
    credited = calc.calculate(inputs(start, category="grave", custody_days=10), RULES, every_day)
    assert credited.parole_date == date(2033, 3, 13)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"months": None}, "no_term"),
        ({"regime": "prison"}, "regime"),
        ({"regime": ""}, "regime"),
        ({"category": "minor_gravity"}, "category"),
        ({"legislation_set": "kg-2019"}, "no_rules"),
    ],
)
def test_what_the_rules_do_not_cover_goes_to_manual_calculation(change, code):
    with pytest.raises(calc.ManualCalculation) as refused:
        calc.calculate(inputs(date(2031, 1, 1), **change), RULES, every_day)
    assert refused.value.code == code and refused.value.message


def test_no_rules_file_for_an_older_legislation_set_means_manual():
    with pytest.raises(calc.ManualCalculation) as refused:
        calc.rules_for("kg-1997")
    assert "kg-1997" in refused.value.message


def test_a_malformed_rules_file_is_refused_naming_the_file_and_key(tmp_path: Path):
    text = (calc.RULES_DIR / "kg-2021.toml").read_text(encoding="utf-8")
    bad = tmp_path / "kg-bad.toml"
    bad.write_text(text.replace("held_days = 1", 'held_days = "one"'), encoding="utf-8")
    with pytest.raises(calc.RulesError, match=r"kg-bad.toml: \[credit.custody\] held_days"):
        calc.parse_rules(bad)


def test_supervision_of_a_parolee_ends_with_the_term_or_after_three_years():
    assert calc.supervision_until(RULES, date(2031, 1, 1), date(2032, 6, 1)) == date(2032, 6, 1)
    assert calc.supervision_until(RULES, date(2031, 1, 1), date(2040, 6, 1)) == date(2034, 1, 1)


# --- properties -------------------------------------------------------------------------------

starts = st.dates(min_value=date(2022, 1, 1), max_value=date(2060, 12, 31))
terms = st.integers(min_value=6, max_value=240)
held = st.integers(min_value=0, max_value=400)


@settings(max_examples=300, deadline=None)
@given(start=starts, months=terms)
def test_the_last_day_falls_on_the_day_before_the_same_date_or_the_month_end(start, months):
    last = calc.last_day_of_term(start, months)
    expiry = last + timedelta(days=1)
    # Whole months later: the month index moved by exactly `months`.
    assert (expiry.year * 12 + expiry.month) - (start.year * 12 + start.month) == months
    # Same day number, or the month's last day when it has no such day.
    following = expiry + timedelta(days=1)
    assert expiry.day == start.day or (expiry.day < start.day and following.day == 1)


@settings(max_examples=300, deadline=None)
@given(start=starts, months=terms)
def test_a_longer_term_never_ends_earlier(start, months):
    assert calc.last_day_of_term(start, months + 1) > calc.last_day_of_term(start, months)


def _run(start: date, months: int, ivs: int = 0, custody: int = 0, house: int = 0) -> calc.Result:
    given = inputs(start, months, ivs_days=ivs, custody_days=custody, house_arrest_days=house)
    return calc.calculate(given, RULES, weekdays)


@settings(max_examples=300, deadline=None)
@given(start=starts, months=terms, ivs=held, custody=held, house=held)
def test_release_and_parole_stay_within_the_term(start, months, ivs, custody, house):
    result = _run(start, months, ivs, custody, house)
    uncredited = calc.last_day_of_term(start, months)
    # Credit only shortens the term: never after the uncredited last day, never before the start.
    assert start <= result.term_last_day <= uncredited
    assert result.credit_days >= 0
    assert (result.credit_days == 0) == (result.term_last_day == uncredited) or (
        result.term_last_day == start
    )
    # Released on the last day, or on the working day before it when that is a day off — at
    # most two days earlier (a Saturday and a Sunday), never before the start.
    assert start <= result.release_date <= result.term_last_day
    assert (result.term_last_day - result.release_date).days <= 2
    assert weekdays(result.release_date) or result.release_date == start
    # Parole may be applied for no later than the release, and no earlier than the start.
    assert start <= result.parole_date <= result.release_date
    assert result.breakdown["en"][2] == f"Days in temporary detention (IVS): {ivs}."
    assert result.breakdown["en"][3] == f"Days in custody ordered by the judge: {custody}."


@settings(max_examples=300, deadline=None)
@given(
    start=starts,
    months=terms,
    ivs=held,
    custody=held,
    house=held,
    more=st.sampled_from(["ivs", "custody", "house"]),
)
def test_a_day_more_held_never_releases_later(start, months, ivs, custody, house, more):
    before = _run(start, months, ivs, custody, house)
    days = {"ivs": ivs, "custody": custody, "house": house}
    days[more] += 1
    after = _run(start, months, **days)
    assert after.credit_days >= before.credit_days
    assert after.term_last_day <= before.term_last_day
    assert after.release_date <= before.release_date
    assert after.parole_date <= before.parole_date


@settings(max_examples=300, deadline=None)
@given(start=starts, months=terms, days=held)
def test_a_day_in_custody_counts_at_least_as_a_day_of_house_arrest(start, months, days):
    custody, house = _run(start, months, custody=days), _run(start, months, house=days)
    assert custody.term_last_day <= house.term_last_day
    # Temporary detention and custody ordered by the judge are credited alike (CC 80(5)).
    assert _run(start, months, ivs=days).term_last_day == custody.term_last_day


@pytest.mark.parametrize(
    ("held", "last", "release"),
    [
        # 12 months from 1 January 2031 (Wednesday): the term's last day is 31 December 2031.
        ({}, "2031-12-31", "2031-12-31"),
        # Ten days in custody are twenty of imprisonment (CC 80(5)): Thursday 11 December.
        ({"custody": 10}, "2031-12-11", "2031-12-11"),
        # Ten days of house arrest are two (five for one, CC 80(6)): Monday 29 December.
        ({"house": 10}, "2031-12-29", "2031-12-29"),
        # Four days of house arrest credit nothing (rounded down).
        ({"house": 4}, "2031-12-31", "2031-12-31"),
        # One day of IVS and one in custody are four: Saturday 27 December, so released on
        # Friday 26 December (CEC 159(2)).
        ({"ivs": 1, "custody": 1}, "2031-12-27", "2031-12-26"),
    ],
)
def test_hand_computed_anchors(held, last, release):
    result = _run(date(2031, 1, 1), 12, **held)
    assert (result.term_last_day.isoformat(), result.release_date.isoformat()) == (last, release)


@settings(max_examples=200, deadline=None)
@given(start=starts, months=terms)
def test_parole_of_a_grave_crime_comes_no_sooner_than_of_a_less_grave_one(start, months):
    grave = calc.calculate(inputs(start, months, category="grave"), RULES, every_day)
    less = calc.calculate(inputs(start, months, category="less_grave"), RULES, every_day)
    assert less.parole_date <= grave.parole_date <= grave.term_last_day + timedelta(days=1)
    # 3/4 of the term's days, rounded up, served from the start.
    days = (calc.expiry(start, months) - start).days
    assert (grave.parole_date - start).days * 4 >= 3 * days
    assert ((grave.parole_date - start).days - 1) * 4 < 3 * days
