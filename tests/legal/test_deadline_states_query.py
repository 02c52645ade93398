"""`Deadline.objects.in_state(state, now)` selects exactly the terms whose state shown at `now`
is `state`, whatever the stored state, window flag and due time; and on PostgreSQL a unit's
overdue terms are read from the partial index deadline_unit_overdue_idx, soonest due first.

The reference is the query `in_state` was before it was rewritten for the index (kept here
word for word), the `with_state` annotation, and a plain Python reading of the rule: a running
term past due is missed, or lapsed if it is a window (engine.effective_state for obligations)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icjis.core import clock
from icjis.core.models import Case, User
from icjis.legal import engine
from icjis.legal.models import STATES, Deadline

REPORT = {"channel": "in_person", "summary": "Кража велосипеда", "place": {"region": "KG-GB"}}
RULE = "test.term"
# Stored states: the engine's, and "lapsed", which no code stores but `in_state` must still treat
# as the old query did (in no state: `in_state("lapsed")` means a passed window, while
# `with_state` would show the stored word — so the state-shown references cover the engine's).
STORED = (*engine.STATES, "lapsed")
# Due times around `now`, the instant itself included (at `now` a term is still running).
OFFSETS = (
    -timedelta(days=30),
    -timedelta(seconds=1),
    -timedelta(microseconds=1),
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(days=30),
)
PROPERTY = settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)


def old_in_state(state: str, now: datetime) -> Q:
    """`in_state` before the partial index (the reference)."""
    if state == "missed":
        return Q(state="running", window=False, due_at__lt=now) | Q(state="missed")
    if state == "lapsed":
        return Q(state="running", window=True, due_at__lt=now)
    if state == "running":
        return Q(state="running", due_at__gte=now)
    return Q(state=state)


def shown(state: str, window: bool, due_at: datetime, now: datetime) -> str:
    if state in engine.STATES and not window:
        return engine.effective_state(state, due_at, now)
    if state == "running" and due_at < now:
        return "lapsed"  # a window that passed
    return state


def a_case(as_user) -> Case:
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    return Case.objects.get(pk=number)


@pytest.fixture
def case(as_user) -> Case:
    return a_case(as_user)


def put_terms(
    case: Case,
    now: datetime,
    rows: list[tuple[str, bool, timedelta]],
    unit: str | Callable[[int], str],
):
    """The case's test terms, replaced by `rows` (state, window, due offset from `now`); `unit`
    is the unit of every row, or a function of the row's index."""
    unit_of = unit if callable(unit) else (lambda _i: unit)
    Deadline.objects.filter(case=case, rule=RULE).delete()
    made = Deadline.objects.bulk_create(
        Deadline(
            case=case,
            unit_id=unit_of(i),
            territory_path=case.territory_path,
            rule_pack="kg-2021",
            rule=RULE,
            title="test",
            article="CPC 1",
            start_seq=i,
            starts_at=now - timedelta(days=60),
            due_at=now + offset,
            state=state,
            window=window,
            closed_at=None if state in engine.OPEN_STATES else now - timedelta(days=1),
        )
        for i, (state, window, offset) in enumerate(rows)
    )
    return {d.pk: (d.state, d.window, d.due_at) for d in made}


TERM = st.tuples(st.sampled_from(STORED), st.booleans(), st.sampled_from(OFFSETS))


@PROPERTY
@given(rows=st.lists(TERM, min_size=1, max_size=25))
def test_in_state_selects_the_same_rows_as_before_and_as_the_state_shown(case, rows):
    now = clock.now()
    made = put_terms(case, now, rows, case.unit_id)
    mine = Deadline.objects.filter(case=case, rule=RULE)
    engine_rows = {pk for pk, row in made.items() if row[0] in engine.STATES}
    for state in STATES:
        got = set(mine.in_state(state, now).values_list("pk", flat=True))
        assert got == set(mine.filter(old_in_state(state, now)).values_list("pk", flat=True))
        written = got & engine_rows
        annotated = mine.with_state(now).filter(current_state=state, state__in=engine.STATES)
        assert written == set(annotated.values_list("pk", flat=True))
        assert written == {pk for pk in engine_rows if shown(*made[pk], now) == state}
    # Same order too: the overdue page, soonest due first.
    page = mine.in_state("missed", now).order_by("due_at", "pk")
    reference = mine.filter(old_in_state("missed", now)).order_by("due_at", "pk")
    assert list(page.values_list("pk", flat=True)) == list(reference.values_list("pk", flat=True))


def test_every_combination_of_state_window_and_due_time_at_once(as_user):
    """The exhaustive case: one row of each stored state × window × due time."""
    case = a_case(as_user)
    now = clock.now()
    rows = [(s, w, o) for s in STORED for w in (False, True) for o in OFFSETS]
    made = put_terms(case, now, rows, case.unit_id)
    mine = Deadline.objects.filter(case=case, rule=RULE)
    engine_rows = {pk for pk, row in made.items() if row[0] in engine.STATES}
    seen = 0
    for state in STATES:
        got = set(mine.in_state(state, now).values_list("pk", flat=True))
        assert got == set(mine.filter(old_in_state(state, now)).values_list("pk", flat=True))
        assert got & engine_rows == {pk for pk in engine_rows if shown(*made[pk], now) == state}
        seen += len(got & engine_rows)
    assert seen == len(engine_rows)  # every row the engine could write is in exactly one state
    missed = {made[pk][:2] for pk in mine.in_state("missed", now).values_list("pk", flat=True)}
    # A stored "missed" window is kept (no code writes one, but the query must not assume it).
    assert missed == {("running", False), ("missed", False), ("missed", True)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL query plan")
def test_postgresql_reads_overdue_terms_from_the_partial_indexes(as_user, world):
    """A few thousand terms, a fifth of them in the unit, about a quarter overdue: after ANALYZE
    the planner reads the unit's first page of overdue terms from deadline_unit_overdue_idx, and
    the country's (no unit: the national oversight list) from deadline_overdue_due_idx, both in
    due order with no sort."""
    case = a_case(as_user)
    other = User.objects.get(username="unit_head_osh").unit_id
    assert other != case.unit_id
    now = clock.now()
    rows = []
    for i in range(6000):
        state = ("running", "running", "running", "met", "missed", "cancelled")[i % 6]
        offset = timedelta(hours=(i % 97) - 24)  # about a quarter past due
        rows.append((state, i % 11 == 0, offset))
    put_terms(case, now, rows, lambda i: case.unit_id if i % 5 == 0 else other)
    with connection.cursor() as cur:
        cur.execute("ANALYZE legal_deadline")
    qs = Deadline.objects.in_state("missed", now).filter(unit_id=case.unit_id).order_by("due_at")
    plan = qs[:50].explain()
    assert "deadline_unit_overdue_idx" in plan, plan
    assert "Sort" not in plan, plan
    assert len(qs[:50]) == 50
    everyone = Deadline.objects.in_state("missed", now).order_by("due_at")[:50]
    plan = everyone.explain()
    assert "deadline_overdue_due_idx" in plan, plan
    assert "Sort" not in plan, plan
