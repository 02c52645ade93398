"""The one custody-day counter (CC 80(5)-(6)): day arithmetic by properties, and a ledger story
counted by hand — the day of entry into force is never credited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from icjis.core import ledger
from icjis.legal.counting import LOCAL_TZ, local_date
from icjis.legal.custody_time import days_held, held_before

ACTOR = ledger.Actor("judge", "COURT", "GB-SUD", "judge")
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
spans = st.lists(
    st.tuples(moments, st.integers(0, 60 * 24 * 40)).map(
        lambda t: (t[0], t[0] + timedelta(minutes=t[1]))
    ),
    max_size=5,
)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 2, 1))


def local(y: int, m: int, d: int, hour: int = 9) -> datetime:
    return datetime(y, m, d, hour, 0, tzinfo=LOCAL_TZ).astimezone(UTC)


@given(spans, days)
def test_only_days_before_the_given_day_are_counted(held: list, before: date) -> None:
    assert all(day < before for day in days_held(held, before))


@given(spans, days)
def test_a_day_begun_held_counts_whole(held: list, before: date) -> None:
    counted = days_held(held, before)
    for start, end in held:
        for day in (local_date(start), local_date(end)):
            assert (day in counted) == (day < before)


@given(spans, days, days)
def test_a_later_day_never_counts_fewer_days(held: list, one: date, other: date) -> None:
    early, late = sorted((one, other))
    assert days_held(held, early) <= days_held(held, late)


@given(moments, st.integers(0, 400), days)
def test_one_span_counts_its_local_days(start: datetime, length: int, before: date) -> None:
    end = start + timedelta(days=length)
    first, last = local_date(start), min(local_date(end), before - timedelta(days=1))
    expected = max(0, (last - first).days + 1)
    assert len(days_held([(start, end)], before)) == expected


@given(spans, days)
def test_overlapping_spans_count_a_day_once(held: list, before: date) -> None:
    assert days_held(held + held, before) == days_held(held, before)


def test_hand_counted_anchors() -> None:
    # Detained at 23:30 local on 1 March, released 00:10 on 3 March: three days begun held.
    span = (local(2026, 3, 1, 23) + timedelta(minutes=30), local(2026, 3, 3, 0))
    assert len(days_held([span], date(2026, 3, 10))) == 3
    # Entry into force on 3 March: that day is the first day of the term, not credited.
    assert len(days_held([span], date(2026, 3, 3))) == 2
    assert days_held([span], date(2026, 3, 1)) == set()


def _append(stream: str, kind: str, data: dict, at: datetime) -> None:
    with transaction.atomic():
        ledger.append(stream, kind, data, ACTOR, recorded_at=at)


@pytest.mark.django_db
def test_detention_custody_and_house_arrest_counted_apart_by_hand() -> None:
    stream, person = "case/TEST-CUSTODY-1", "P-1"
    _append(
        stream,
        "detention.arrest",
        {"person": person, "detained_at": local(2026, 3, 1, 7).isoformat()},
        local(2026, 3, 1, 8),
    )
    custody = {"person": person, "granted": True, "measure": "custody"}
    _append(stream, "courts.measure.decide", custody, local(2026, 3, 2, 15))
    house = {"person": person, "granted": True, "measure": "house_arrest"}
    _append(stream, "courts.measure.decide", house, local(2026, 3, 11, 10))
    other = {"person": "P-2", "granted": True, "measure": "custody"}
    _append(stream, "courts.measure.decide", other, local(2026, 3, 1, 10))
    held = held_before(stream, person, date(2026, 3, 21))
    # IVS: 1-2 March; custody: 3-11 March (2 March already counted as IVS); house arrest:
    # 12-20 March (11 March already counted as custody); 21 March, the day of entry into force,
    # is the first day of the term.
    assert held == {
        "ivs_days": 2,
        "custody_days": 9,
        "house_arrest_days": 9,
        "in_custody": False,
    }
    assert held_before(stream, person, date(2026, 3, 5)) == {
        "ivs_days": 2,
        "custody_days": 2,
        "house_arrest_days": 0,
        "in_custody": True,
    }
