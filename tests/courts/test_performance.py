"""Court performance for the president of the court: the court's cases past their legal terms,
hearings postponed again and again, and each judge's caseload (CPC 277(3), 283, 301, 410)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.courts.test_verdicts import (
    Trial,
    created,
    refused,
)

from icjis.core import clock
from icjis.core.auth import issue_token
from icjis.core.canonical import iso
from icjis.core.models import User


class President:
    """An API client for a court's president (a demo user the core world does not list)."""

    def __init__(self, username: str = "court_president") -> None:
        token, _ = issue_token(User.objects.get(username=username))
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params)


def test_the_president_sees_the_courts_overdue_terms(as_user):
    trial = Trial(as_user, at_liberty=True)
    president = President()
    assert president.get("/courts/performance/overdue").json() == []
    clock.advance(timedelta(days=10))  # nobody set the case down within 5 days (CPC 277(3))
    rows = president.get("/courts/performance/overdue").json()
    [late] = [r for r in rows if r["case"] == trial.number]
    assert late["rule"] == "court.intake_decision" and late["article"] == "CPC 277(3)"
    assert late["days_overdue"] >= 0 and late["stage"] == "trial"
    # Not the president of that court: nothing of it.
    assert President("court_president_osh").get("/courts/performance/overdue").json() == []


def test_the_president_sees_hearings_postponed_again_and_again(as_user):
    trial = Trial(as_user, at_liberty=True)
    judge = as_user(trial.judge)
    starts = clock.now() + timedelta(days=6)
    body = created(
        judge.act("courts.hearing.schedule", {"starts_at": iso(starts), "room": "4"}, trial.number)
    )
    hearing = body["result"]["hearing"]
    for n in (1, 2):
        later = {
            "hearing": hearing,
            "starts_at": iso(starts + timedelta(days=7 * n)),
            "reason": "Неявка свидетеля обвинения (CPC 301(1))",
        }
        created(judge.act("courts.hearing.postpone", later, trial.number))
    president = President()
    [row] = president.get("/courts/performance/postponed", min=2).json()
    assert (row["court_case"], row["postponements"], row["hearings"]) == (
        trial.court_case.pk,
        2,
        1,
    )
    assert president.get("/courts/performance/postponed", min=3).json() == []
    assert president.get("/courts/performance/postponed", min=0).status_code == 400


def test_the_president_sees_each_judges_caseload(as_user):
    trials = [Trial(as_user, at_liberty=True) for _ in range(2)]
    president = President()
    with CaptureQueriesContext(connection) as queries:
        load = president.get("/courts/performance/caseload").json()
    assert len(queries) <= 12
    rows = {r["judge"]: r for r in load["judges"]}
    assert set(rows) == {"judge", "judge_2", "judge_3"}
    assert sum(r["open_cases"] for r in rows.values()) == 2
    trial = trials[0]
    trial.open()
    created(trial.deliver())
    rows = {r["judge"]: r for r in president.get("/courts/performance/caseload").json()["judges"]}
    assert rows[trial.judge]["verdicts"] == 1 and rows[trial.judge]["verdicts_this_year"] == 1
    assert sum(r["open_cases"] for r in rows.values()) == 1


def test_court_performance_is_for_the_president_only(as_user):
    Trial(as_user, at_liberty=True)
    for outsider in ("judge", "court_clerk", "prosecutor", "prison_officer"):
        for path in ("overdue", "postponed", "caseload"):
            answer = refused(as_user(outsider).get(f"/courts/performance/{path}"), 403)
            assert "president" in answer["message"]
