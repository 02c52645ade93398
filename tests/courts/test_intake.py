"""Intake of a case by the court: the prosecutor's approval registers it in the court, in the same
transaction, with the court's own number and a judge drawn at once (CPC 263, 277, 29(1))."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from typing import Any

from django.core.management import call_command

from icjis.core.models import CaseOfficer, Event
from icjis.courts.draw import verify_draw
from icjis.courts.models import CourtCase, JudgeDraw
from icjis.legal.counting import due_at
from icjis.legal.models import Deadline

COURT_JUDGES = {"judge", "judge_2", "judge_3"}
ACCUSED = {
    "surname": "Токтогулов",
    "given_name": "Бакыт",
    "patronymic": "Асанович",
    "birth_date": "1995-09-01",
    "sex": "M",
    "pin": "20109199500012",
    "citizenship": "KGZ",
}
ADDRESS = "ул. Киевская, 96"


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()


def case_at_prosecutor(
    as_user: Any, article: str = "205", part: int = 1, accused: dict[str, Any] = ACCUSED
) -> str:
    """A theft case walked through the register up to the indictment on the prosecutor's desk."""
    report = {
        "channel": "in_person",
        "summary": "Кража телефона",
        "place": {"region": "KG-GB", "district": "KG-GB-LEN", "address": ADDRESS},
    }
    number = created(as_user("registrar").act("registry.report.register", report))["result"]["case"]
    investigator = as_user("investigator")
    created(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, number))
    created(investigator.act("registry.case.open", {"article": article, "part": part}, number))
    person = created(
        investigator.act("registry.participant.add", {"role": "suspect", "person": accused}, number)
    )["result"]["person"]
    created(investigator.act("registry.suspicion.notify", {"person": person}, number))
    charge = {"person": person, "article": article, "part": part}
    created(investigator.act("registry.charge", charge, number))
    created(investigator.act("registry.indictment.submit", {}, number))
    return number


def send_to_court(as_user: Any, number: str, court: str = "GB-SUD") -> dict[str, Any]:
    """The prosecutor approves the indictment; the answer, with the court's reactions."""
    return created(
        as_user("prosecutor").act("registry.indictment.approve", {"court": court}, number)
    )


def case_in_court(as_user: Any, **kw: Any) -> tuple[str, CourtCase]:
    number = case_at_prosecutor(as_user, **kw)
    send_to_court(as_user, number)
    return number, CourtCase.objects.get(case_id=number, instance="first")


def draw_record(court_case: CourtCase, n: int = -1) -> dict[str, Any]:
    events = Event.objects.filter(
        stream=f"case/{court_case.case_id}", kind="courts.judge.draw"
    ).order_by("seq")
    return [e.payload for e in events if e.payload["court_case"] == court_case.pk][n]


def test_an_approved_indictment_registers_the_case_in_court_with_a_drawn_judge(as_user):
    number = case_at_prosecutor(as_user)
    body = send_to_court(as_user, number)

    # One answer: the approval, the court's registration, the commitment, then the draw.
    register = body["reactions"][-1]
    commit = register["reactions"][0]
    draw = commit["reactions"][0]
    assert [register["event"]["kind"], commit["event"]["kind"], draw["event"]["kind"]] == [
        "courts.case.register",
        "courts.judge.draw_commit",
        "courts.judge.draw",
    ]
    seqs = [body["event"]["seq"], register["event"]["seq"], commit["event"]["seq"]]
    assert seqs == sorted(seqs) and draw["event"]["seq"] == seqs[-1] + 1

    court_case = CourtCase.objects.get(pk=register["result"]["court_case"])
    assert court_case.case_id == number  # the national number is kept
    assert re.fullmatch(r"GB-SUD-\d{2}-\d{6}-\d", court_case.pk)
    assert court_case.court_id == "GB-SUD" and court_case.instance == "first"
    assert court_case.judge in COURT_JUDGES and court_case.state == "assigned"
    assert draw["result"]["judge"] == court_case.judge
    assert CaseOfficer.objects.filter(case_id=number, role="judge", username=court_case.judge)

    shown = as_user(court_case.judge).get(f"/cases/{number}").json()
    assert shown["details"]["court_case"] == court_case.pk
    assert {(o["username"], o["role"]) for o in shown["officers"]} >= {(court_case.judge, "judge")}

    # The judge's five days to decide start at registration (CPC 277(3)).
    intake = Deadline.objects.get(case_id=number, rule="court.intake_decision")
    assert intake.state == "running" and intake.article == "CPC 277(3)"
    assert intake.due_at == due_at(court_case.registered_at, 5, "d")
    assert Deadline.objects.get(case_id=number, rule="court.trial_term.minor").state == "running"

    # The draw was among the court's judges and re-runs to the same judge from its record.
    record = draw_record(court_case)
    assert {c["judge"] for c in record["candidates"]} == COURT_JUDGES
    assert record["chosen"] == [court_case.judge]
    assert verify_draw(record)[0]
    row = JudgeDraw.objects.get(court_case=court_case)
    assert (row.chosen, row.seed, row.commitment) == (
        court_case.judge,
        record["seed"],
        record["commitment"],
    )

    # Changing one recorded weight is a verification failure that names it.
    tampered = copy.deepcopy(record)
    tampered["candidates"][1]["weight"] += 1
    ok, message = verify_draw(tampered)
    assert not ok
    assert f"weight of {tampered['candidates'][1]['judge']}" in message

    call_command("rebuild_projections", check=True)


def test_court_numbers_follow_each_other_per_court_and_year(as_user):
    first = case_in_court(as_user)[1].pk
    second = case_in_court(as_user)[1].pk
    assert int(second.split("-")[3]) == int(first.split("-")[3]) + 1


def test_no_one_registers_a_case_in_court_or_draws_a_judge_by_hand(as_user):
    number = case_at_prosecutor(as_user)
    for user, kind, data in [
        ("court_clerk", "courts.case.register", {"court": "GB-SUD"}),
        ("judge", "courts.judge.draw_commit", {"court_case": "X-1", "reason": "intake"}),
    ]:
        response = as_user(user).act(kind, data, number)
        assert response.status_code == 403, response.content
    kinds = {k["kind"] for k in as_user("judge").get("/acts/catalogue").json()}
    assert not kinds & {"courts.case.register", "courts.judge.draw", "courts.judge.draw_commit"}


def test_the_judge_of_osh_cannot_see_bishkek_court_cases(as_user):
    number, court_case = case_in_court(as_user)
    osh = as_user("judge_osh")
    assert osh.get(f"/courts/cases/{court_case.pk}").status_code == 404
    assert osh.get(f"/cases/{number}").status_code == 404
    assert osh.get("/courts/cases").json()["items"] == []
    starts = "2099-01-01T10:00:00+06:00"
    response = osh.act("courts.hearing.schedule", {"starts_at": starts, "room": "1"}, number)
    assert response.status_code == 404
    # The Bishkek court's clerk sees it, with its draw verified.
    shown = as_user("court_clerk").get(f"/courts/cases/{court_case.pk}").json()
    assert shown["judge"] == court_case.judge
    assert [d["verified"] for d in shown["draws"]] == [True]


def test_the_trial_term_runs_from_registration_by_the_category_of_the_crime(as_user):
    number, court_case = case_in_court(as_user, article="205", part=4)
    term = Deadline.objects.get(case_id=number, rule__startswith="court.trial_term")
    assert term.rule == "court.trial_term" and term.article == "CPC 283(2)"
    assert term.due_at - court_case.registered_at > timedelta(days=55)
