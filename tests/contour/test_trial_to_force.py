"""Issue 5's acceptance, end to end through the API as the demo users: the prosecutor's approval
of the indictment registers the case in the Bishkek district court with a judge drawn among its
judges (the court president has put `judge_2` and `judge_3` on leave, so the draw can only give
`judge`); `judge` sets the hearing, opens the trial and convicts with imprisonment; with the
simulation clock 31 days on and no appeal, the worker records the entry into force and the
verdict is in the register of decisions. In a second run counsel appeals on day 20: the entry
into force is refused until `appeal_judge` decides.

Only the operator's commands (`icjis clock advance`) and the worker's periodic jobs run outside
the API. The draw's re-run from its record is checked on the public page here; that changing one
recorded weight fails verification is shown by
`tests/courts/test_draw.py::test_verify_draw_passes_on_a_good_record_and_names_a_changed_weight`
and `::test_the_verify_draw_command_exits_non_zero_when_a_record_was_changed`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from tests.contour.steps import advance, leave_for_the_other_judges, now, ok, reactions

from icjis.core import clock, jobs
from icjis.core.models import User
from icjis.courts.verdicts import appeal_due

REPORT = {"channel": "in_person", "summary": "Кража из квартиры", "place": {"region": "KG-GB"}}
ACCUSED = {"surname": "Бейшеналиев", "given_name": "Тимур", "birth_date": "1990-06-21", "sex": "M"}
THEFT = {"article": "205", "part": 3}
PRISON = {"kind": "imprisonment", "months": 30, "regime": "general"}
COURT_JUDGES = {"judge", "judge_2", "judge_3"}


@pytest.fixture
def world(world):
    """Every demo user, the court president and the appeal court's judges among them."""
    return {u.username: u for u in User.objects.all()}


def indicted_and_sent(as_user: Any) -> tuple[str, str, str]:
    """A theft case taken to the approved indictment; returns case, accused, court case."""
    number = ok(as_user("registrar").act("registry.report.register", REPORT))["result"]["case"]
    inv = as_user("investigator")
    ok(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, number))
    ok(inv.act("registry.case.open", THEFT, number))
    suspect = {"role": "suspect", "person": ACCUSED}
    person = ok(inv.act("registry.participant.add", suspect, number))["result"]["person"]
    ok(inv.act("registry.suspicion.notify", {"person": person}, number))
    counsel = {"person": person, "lawyer_name": "Асанова Айгүл", "licence": "GB-0001"}
    ok(inv.act("legalaid.private_counsel", counsel, number))
    ok(inv.act("registry.charge", {"person": person, **THEFT}, number))
    ok(inv.act("registry.indictment.submit", {}, number))
    approved = ok(
        as_user("prosecutor").act("registry.indictment.approve", {"court": "GB-SUD"}, number)
    )
    caused = reactions(approved)
    [registered] = [r for kind, r in caused if kind == "courts.case.register"]
    [drawn] = [r for kind, r in caused if kind == "courts.judge.draw"]
    assert registered["court"] == "GB-SUD"
    court_case = registered["court_case"]
    # The draw happened in the same transaction, among the court's judges present that day.
    assert (drawn["court_case"], drawn["judge"]) == (court_case, "judge")
    shown = ok(as_user("judge").get(f"/cases/{number}"), 200)
    assert shown["stage"] == "trial"
    return number, person, court_case


def draw_rerun_gives_the_judge(court_case: str) -> None:
    """Anyone re-runs the recorded draw on the public page and gets the same judge."""
    body = ok(Client().get(f"/public/courts/draws/{court_case}", {"format": "json"}), 200)
    [draw] = body["draws"]
    assert draw["verified"] is True and draw["record"]["chosen"] == ["judge"]
    names = {c["judge"] for c in draw["record"]["candidates"]}
    assert names <= COURT_JUDGES and "judge" in names
    left_out = COURT_JUDGES - names
    assert left_out <= {"judge_2", "judge_3"}  # on leave, recorded as left out


def tried_and_convicted(as_user: Any, number: str, person: str) -> str:
    """`judge` sets the hearing 6 days ahead, opens the trial and convicts; returns the ECLI."""
    judge = as_user("judge")
    starts = (now(judge) + timedelta(days=6)).isoformat()
    hearing = ok(judge.act("courts.hearing.schedule", {"starts_at": starts, "room": "3"}, number))
    advance("6d")
    ok(judge.act("courts.trial.open", {"hearing": hearing["result"]["hearing"]}, number))
    # Deliver on a day whose 30-day appeal term is not moved off a weekend or holiday, so that
    # 31 days on it has run whatever day the test runs.
    while appeal_due(clock.now()) >= clock.now() + timedelta(days=31):
        advance("1d")
    verdict = {"person": person, "outcome": "convicted", **THEFT, "sentence": PRISON}
    body = ok(judge.act("courts.verdict.deliver", {"defendants": [verdict]}, number))
    return body["result"]["verdict"]


def test_indictment_to_a_verdict_in_force_in_the_register(as_user):
    leave_for_the_other_judges(as_user)
    number, person, court_case = indicted_and_sent(as_user)
    draw_rerun_gives_the_judge(court_case)
    ecli = tried_and_convicted(as_user, number, person)
    judge, clerk = as_user("judge"), as_user("court_clerk")

    held = ok(clerk.act("courts.verdict.enter_into_force", {}, number), 409)
    assert "CPC 400(1)" in held["message"]
    advance("31d")
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 1  # the worker's periodic job
    shown = ok(judge.get(f"/cases/{number}"), 200)
    assert shown["stage"] == "execution"

    year = ecli.split(":")[3]
    listed = ok(judge.get("/courts/decisions", court="GB-SUD", year=year, state="in_force"), 200)
    [entry] = [e for e in listed["items"] if e["ecli"] == ecli]
    [row] = entry["defendants"]
    assert row["outcome"] == "convicted" and row["sentence"]["kind"] == "imprisonment"
    assert row["sentence"]["months"] == 30 and row["sentence"]["regime"] == "general"
    # Those who execute sentences read it in the register.
    prison = as_user("prison_officer")
    assert ok(prison.get(f"/courts/decisions/{ecli}"), 200)["state"] == "in_force"
    # The court turns it to execution within 3 days (CPC 426(4)).
    sent = ok(clerk.act("courts.verdict.execute", {}, number))["result"]["orders"]
    assert [(o["person"], o["body"]) for o in sent] == [(person, "prison")]


def test_an_appeal_on_day_20_holds_back_entry_into_force_until_the_appeal_judge_decides(as_user):
    leave_for_the_other_judges(as_user)
    number, person, court_case = indicted_and_sent(as_user)
    ecli = tried_and_convicted(as_user, number, person)
    clerk, lawyer = as_user("court_clerk"), as_user("lawyer")

    advance("20d")
    grounds = {"person": person, "grounds": "Наказание чрезмерно суровое (CPC 422)"}
    appeal = ok(lawyer.act("courts.appeal.file", grounds, number))["result"]["appeal"]
    advance("11d")
    held = ok(clerk.act("courts.verdict.enter_into_force", {}, number), 409)
    assert appeal in held["message"] and "CPC 405(1)" in held["message"]
    done = jobs.run_all()
    assert done["courts.verdict.enter_into_force"] == 0 and done["courts.appeal.send"] == 1
    assert ok(clerk.get(f"/courts/decisions/{ecli}"), 200)["state"] == "delivered"
    held = ok(clerk.act("courts.verdict.enter_into_force", {}, number), 409)
    assert "CPC 405(1)" in held["message"]

    decided = ok(
        as_user("appeal_judge").act(
            "courts.appeal.decide", {"appeal": appeal, "outcome": "upheld"}, number
        )
    )
    assert ("courts.verdict.enter_into_force", "appeal_decided") in [
        (kind, r.get("grounds")) for kind, r in reactions(decided)
    ]
    assert ok(clerk.get(f"/courts/decisions/{ecli}"), 200)["state"] == "in_force"
    assert ok(as_user("judge").get(f"/cases/{number}"), 200)["stage"] == "execution"
