"""A term whose due time rests on a day the calendar only estimates (a lunar holiday not yet
set by the government, a year with no calendar file) is marked provisional on the pages."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from icjis.legal.calendar import default_calendar
from icjis.legal.counting import LOCAL_TZ, Duration, due_for
from icjis.legal.deadlines import provisional
from icjis.legal.models import Deadline


def term(rule: str, start: datetime, duration: str) -> Deadline:
    """A deadline row as the projection writes it, due as the engine counts it."""
    shift = rule != "detention.release"
    due = due_for(start, Duration.parse(duration), shift=shift, calendar=default_calendar())
    return Deadline(rule_pack="kg-2021", rule=rule, starts_at=start, due_at=due, duration="")


def local(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 10, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("rule", "start", "duration", "expected"),
    [
        # 10 days ending on Kurman Ait 2027 (Sunday 16 May, estimated), moved to Monday 17 May:
        # were the holiday decreed for Monday, the end would move to Tuesday.
        ("report.decision", local(2027, 5, 6), "10d", True),
        # 10 days over that holiday, ending on Thursday 20 May: the end does not rest on it.
        ("report.decision", local(2027, 5, 10), "10d", False),
        # The same term in 2025, every holiday set by then.
        ("report.decision", local(2025, 5, 10), "10d", False),
        # Into 2029, a year with no calendar file.
        ("report.decision", local(2028, 12, 25), "10d", True),
        # 48 hours, not moved off days off (CPC 137): no calendar in it.
        ("detention.release", local(2027, 5, 15), "48h", False),
    ],
)
def test_a_term_over_an_estimated_day_is_provisional(rule, start, duration, expected):
    assert provisional(term(rule, start, duration)) is expected


def test_a_term_of_an_unknown_rule_is_not_called_provisional():
    unknown = Deadline(
        rule_pack="kg-2021",
        rule="no.such.rule",
        starts_at=local(2027, 5, 10),
        due_at=local(2027, 5, 10) + timedelta(days=10),
        duration="",
    )
    assert provisional(unknown) is False
