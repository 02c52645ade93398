"""Hearings: set at least 5 days ahead (CPC 280(6)), the first within 14 days of the order
(283(1)), postponed only with reasons (301(1)), opened by the presiding judge; the court's
calendar for its staff."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from tests.courts.test_intake import case_in_court, created

from icjis.core import clock
from icjis.core.models import CaseParticipant, Event
from icjis.courts.models import Hearing
from icjis.legal.counting import LOCAL_TZ, due_at, local_date
from icjis.legal.models import Deadline


def today() -> date:
    return local_date(clock.now())


def at(days: int, hour: int = 10) -> str:
    """`days` days from today at `hour` o'clock in Bishkek, as the client sends it."""
    return datetime.combine(today() + timedelta(days=days), time(hour), LOCAL_TZ).isoformat()


@pytest.fixture
def in_court(as_user: Any) -> tuple[str, Any]:
    return case_in_court(as_user)


def schedule(api: Any, number: str, starts_at: str, room: str = "3") -> Any:
    return api.act("courts.hearing.schedule", {"starts_at": starts_at, "room": room}, number)


def test_a_hearing_less_than_five_days_ahead_is_refused(as_user, in_court):
    number, court_case = in_court
    response = schedule(as_user(court_case.judge), number, at(4))
    assert response.status_code == 400
    assert "CPC 280(6)" in response.json()["message"]
    assert response.json()["fields"] == {"starts_at": "less than 5 days ahead"}


def test_a_first_hearing_more_than_fourteen_days_after_the_order_is_refused(as_user, in_court):
    number, court_case = in_court
    response = schedule(as_user("court_clerk"), number, at(25))
    assert response.status_code == 400
    assert "CPC 283(1)" in response.json()["message"]


def test_the_first_hearing_meets_the_intake_term_and_starts_the_term_to_begin_the_trial(
    as_user, in_court
):
    number, court_case = in_court
    clerk = as_user("court_clerk")
    body = created(schedule(clerk, number, at(7)))
    hearing = Hearing.objects.get(pk=body["result"]["hearing"])
    assert hearing.pk == f"{court_case.pk}-H1"
    assert hearing.judge == court_case.judge and hearing.room == "3"
    court_case.refresh_from_db()
    assert court_case.state == "scheduled"

    assert Deadline.objects.get(case_id=number, rule="court.intake_decision").state == "met"
    start = Deadline.objects.get(case_id=number, rule="court.trial_start")
    assert start.state == "running" and start.article == "CPC 283(1)"
    ordered = datetime.fromisoformat(body["event"]["recorded_at"].replace("Z", "+00:00"))
    assert start.due_at == due_at(ordered, 14, "d")

    # Later hearings are not bound by the 14 days, only by the parties' notice.
    created(schedule(clerk, number, at(25), room="4"))
    assert Deadline.objects.filter(case_id=number, rule="court.trial_start").count() == 1

    # The court's calendar, for its staff.
    day = (today() + timedelta(days=7)).isoformat()
    rows = clerk.get("/courts/calendar", day=day).json()
    assert [(r["hearing"], r["case"], r["room"], r["local_time"]) for r in rows] == [
        (hearing.pk, number, "3", "10:00")
    ]
    assert as_user("prosecutor").get("/courts/calendar", court="GB-SUD", day=day).status_code == 403
    assert as_user("judge_osh").get("/courts/calendar", court="GB-SUD", day=day).json() == []
    call_command("rebuild_projections", check=True)


def test_only_the_judge_of_the_case_or_a_clerk_of_its_court_sets_a_hearing(as_user, in_court):
    number, court_case = in_court
    other = sorted({"judge", "judge_2", "judge_3"} - {court_case.judge})[0]
    assert schedule(as_user(other), number, at(7)).status_code == 403
    assert schedule(as_user("court_clerk_osh"), number, at(7)).status_code == 404
    assert schedule(as_user("prosecutor"), number, at(7)).status_code == 403
    assert schedule(as_user(court_case.judge), number, at(7)).status_code == 201


def test_a_room_is_not_booked_twice_in_the_same_hour(as_user):
    first, court_case = case_in_court(as_user)
    second, _ = case_in_court(as_user)
    created(schedule(as_user("court_clerk"), first, at(7, 10), room="5"))
    response = schedule(as_user("court_clerk"), second, at(7, 10), room="5")
    assert response.status_code == 409
    created(schedule(as_user("court_clerk"), second, at(7, 11), room="5"))


def test_a_postponement_records_its_reasons_and_a_new_time_at_least_five_days_ahead(
    as_user, in_court
):
    number, court_case = in_court
    clerk = as_user("court_clerk")
    hearing = created(schedule(clerk, number, at(7)))["result"]["hearing"]
    postpone = {"hearing": hearing, "starts_at": at(3), "reason": "The victim is in hospital."}
    assert clerk.act("courts.hearing.postpone", postpone, number).status_code == 400
    postpone["starts_at"] = at(12, 15)
    assert clerk.act(
        "courts.hearing.postpone", {**postpone, "reason": "ill"}, number
    ).status_code == (400)
    created(clerk.act("courts.hearing.postpone", postpone, number))
    row = Hearing.objects.get(pk=hearing)
    assert row.postponements == 1 and row.last_reason == "The victim is in hospital."
    assert row.starts_at == datetime.fromisoformat(at(12, 15))
    shown = clerk.get(f"/courts/cases/{court_case.pk}").json()["hearings"]
    assert [(h["hearing"], h["postponements"]) for h in shown] == [(hearing, 1)]


def test_the_presiding_judge_opens_the_trial_at_its_hearing_which_meets_the_term(as_user, in_court):
    number, court_case = in_court
    judge = as_user(court_case.judge)
    hearing = created(schedule(judge, number, at(6)))["result"]["hearing"]
    early = judge.act("courts.trial.open", {"hearing": hearing}, number)
    assert early.status_code == 409
    clock.advance(datetime.fromisoformat(at(6)) - clock.now())
    assert as_user("court_clerk").act(
        "courts.trial.open", {"hearing": hearing}, number
    ).status_code == (403)
    created(judge.act("courts.trial.open", {"hearing": hearing}, number))
    assert Deadline.objects.get(case_id=number, rule="court.trial_start").state == "met"
    assert Hearing.objects.get(pk=hearing).state == "held"
    court_case.refresh_from_db()
    assert court_case.state == "in_trial"
    call_command("rebuild_projections", check=True)


WOMAN = {"surname": "Садыкова", "given_name": "Айпери", "birth_date": "1994-07-02", "sex": "F"}


def recorded(number: str, hearing: str) -> dict[str, Any]:
    events = Event.objects.filter(stream=f"case/{number}", kind="courts.hearing.schedule")
    return next(e.payload for e in events if e.payload["hearing"] == hearing)


@pytest.mark.parametrize("who", ["woman", "child"])
def test_a_probation_report_is_mandatory_for_a_woman_or_a_child(as_user, who):
    child = {
        "surname": "Осмонов",
        "given_name": "Адилет",
        "birth_date": (today() - timedelta(days=16 * 365)).isoformat(),
        "sex": "M",
    }
    number, court_case = case_in_court(as_user, accused=WOMAN if who == "woman" else child)
    judge = as_user(court_case.judge)
    body = {"starts_at": at(7), "room": "3", "probation_report": False}
    refused = judge.act("courts.hearing.schedule", body, number)
    assert refused.status_code == 400, refused.content
    message = refused.json()["message"]
    assert "CPC 280(4)" in message and f"is a {who}" in message
    hearing = created(schedule(judge, number, at(7)))["result"]["hearing"]
    data = recorded(number, hearing)
    assert data["probation_report"] is True
    accused = CaseParticipant.objects.get(case_id=number, role="accused").person_id
    assert data["probation_report_mandatory"] == [accused]


def test_a_probation_report_is_at_the_judges_discretion_for_others(as_user, in_court):
    number, court_case = in_court
    judge = as_user(court_case.judge)
    first = created(schedule(judge, number, at(7)))["result"]["hearing"]
    assert recorded(number, first)["probation_report"] is False
    assert "probation_report_mandatory" not in recorded(number, first)
    body = {"starts_at": at(8), "room": "4", "probation_report": True}
    second = created(judge.act("courts.hearing.schedule", body, number))["result"]["hearing"]
    assert recorded(number, second)["probation_report"] is True
