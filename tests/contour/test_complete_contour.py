"""Issue 6's acceptance — the complete contour, through the API alone as the demo users, under the
simulation clock: a theft report is registered and opened; suspect A is arrested (the duty
lawyer is appointed in the same act and accepts), admitted to the IVS, remanded in custody and
handed over to the pre-trial facility; A, B and C are charged and indicted; the case is drawn to
`judge`, heard and decided — A to 3 years' imprisonment, B to probation, C to a fine; the
verdict enters into force; A is admitted to the colony with a release date that credits the days
held exactly (computed by hand below), transferred to Osh and released at term; B is
registered with the probation office, appears, meets the officer and completes supervision; C
pays the fine in two instalments. The case is in `execution` until the last sentence is served,
then `closed`, and its timeline holds the whole journey — of which the prison officer reads only
their part.

Outside the API run only the operator's clock command and the worker's periodic jobs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from tests.contour.steps import advance, leave_for_the_other_judges, now, ok, reactions

from icjis.core import clock, jobs
from icjis.core.models import User
from icjis.courts.verdicts import appeal_due
from icjis.legal.counting import LOCAL_TZ

REPORT = {"channel": "in_person", "summary": "Кража из магазина", "place": {"region": "KG-GB"}}
A = {"surname": "Абдрахманов", "given_name": "Канат", "birth_date": "1989-03-02", "sex": "M"}
B = {"surname": "Осмонов", "given_name": "Бекзат", "birth_date": "1998-11-17", "sex": "M"}
C = {"surname": "Турдубаев", "given_name": "Улан", "birth_date": "1985-05-09", "sex": "M"}
THEFT = {"article": "205", "part": 3}  # less grave (CC 19): a fine or 2 to 5 years
PRISON = {"kind": "imprisonment", "months": 36, "regime": "general"}
PROBATION = {"kind": "probation", "months": 24, "probation_months": 12}
FINE = {"kind": "fine", "amount": 500}  # calculation indices (CC 65(3))


def local(y: int, m: int, d: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


@pytest.fixture
def world(db: None, world: dict[str, User]) -> dict[str, User]:
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def monday_7_june_2027(db: None) -> None:
    """The story starts on Monday 7 June 2027 at 09:00 in Bishkek — before the demo world is
    made, so that its duty roster covers the day of the arrest."""
    clock.set_to(local(2027, 6, 7))


def today() -> date:
    return clock.now().astimezone(LOCAL_TZ).date()


def test_the_complete_contour_from_report_to_the_end_of_every_sentence(
    monday_7_june_2027: None, as_user: Any
) -> None:
    registrar, head, inv = as_user("registrar"), as_user("unit_head"), as_user("investigator")
    prosecutor, judge, clerk = as_user("prosecutor"), as_user("judge"), as_user("court_clerk")
    leave_for_the_other_judges(as_user)

    # --- Monday 7 June: report, opening, the arrest of A ------------------------------------
    number = ok(registrar.act("registry.report.register", REPORT))["result"]["case"]
    ok(head.act("registry.case.assign", {"officer": "investigator"}, number))
    ok(inv.act("registry.case.open", THEFT, number))
    people = {}
    for name, person in (("A", A), ("B", B), ("C", C)):
        body = {"role": "suspect", "person": person}
        people[name] = ok(inv.act("registry.participant.add", body, number))["result"]["person"]
    a, b, c = people["A"], people["B"], people["C"]
    arrest = {
        "person": a,
        "detained_at": local(2027, 6, 7, 8, 30).isoformat(),
        "place": "ТЦ «Бишкек Парк»",
        "grounds": "Застигнут при совершении преступления (CPC 96(2)(1))",
    }
    arrested = ok(inv.act("detention.arrest", arrest, number))
    [appointed] = [r for kind, r in reactions(arrested) if kind == "legalaid.appoint"]
    assert appointed["lawyer"] == "lawyer"  # the duty lawyer, in the same transaction
    accepted = {"appointment": appointed["appointment"]}
    ok(as_user("lawyer").act("legalaid.accept", accepted, number))
    ivs = as_user("ivs_officer")
    ok(ivs.act("detention.admit", {"person": a, "facility": "GB-IVS"}, number))
    exam = {"person": a, "injuries": False}
    ok(as_user("ivs_medic").act("detention.medical_exam", exam, number))
    for person in (b, c):
        ok(inv.act("registry.suspicion.notify", {"person": person}, number))

    # --- Tuesday 8 June: custody, hand-over, charges, indictment, the draw ---------------------
    advance("1d")
    petition = {"person": a, "measure": "custody", "months": 2, "grounds": "Может скрыться"}
    filed = ok(inv.act("courts.measure.petition", petition, number))["result"]["petition"]
    ok(prosecutor.act("courts.measure.consent", {"petition": filed}, number))
    until = (today() + timedelta(days=60)).isoformat()
    decision = {"petition": filed, "granted": True, "until": until}
    ok(as_user("investigating_judge").act("courts.measure.decide", decision, number))
    ok(ivs.act("detention.transfer", {"person": a, "to": "СИЗО-1, г. Бишкек"}, number))
    for person in (a, b, c):
        ok(inv.act("registry.charge", {"person": person, **THEFT}, number))
    ok(inv.act("registry.indictment.submit", {}, number))
    approved = ok(prosecutor.act("registry.indictment.approve", {"court": "GB-SUD"}, number))
    [drawn] = [r for kind, r in reactions(approved) if kind == "courts.judge.draw"]
    assert drawn["judge"] == "judge"

    # --- Monday 14 June: the trial and the verdict ---------------------------------------------
    starts = (now(judge) + timedelta(days=6)).isoformat()
    hearing = ok(judge.act("courts.hearing.schedule", {"starts_at": starts, "room": "2"}, number))
    advance("6d")
    advance("1m")
    ok(judge.act("courts.trial.open", {"hearing": hearing["result"]["hearing"]}, number))
    assert today() == date(2027, 6, 14)
    # The 30 days of appeal end on Wednesday 14 July, a working day: nothing shifts them.
    assert appeal_due(clock.now()) == local(2027, 7, 15, 0)  # the end of 14 July
    rows = [
        {"person": a, "outcome": "convicted", **THEFT, "sentence": PRISON},
        {"person": b, "outcome": "convicted", **THEFT, "sentence": PROBATION},
        {"person": c, "outcome": "convicted", **THEFT, "sentence": FINE},
    ]
    ecli = ok(judge.act("courts.verdict.deliver", {"defendants": rows}, number))["result"][
        "verdict"
    ]
    for person in (a, b, c):
        ok(clerk.act("courts.verdict.serve", {"person": person}, number))

    # --- Thursday 15 July: in force, by the worker; execution begins --------------------------
    advance("31d")
    assert today() == date(2027, 7, 15)
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 1
    case = ok(prosecutor.get(f"/cases/{number}"), 200)
    assert case["stage"] == "execution"
    sent = ok(clerk.act("courts.verdict.execute", {}, number))["result"]["orders"]
    assert sorted((o["person"], o["body"]) for o in sent) == sorted(
        [(a, "prison"), (b, "probation_office"), (c, "enforcement_office")]
    )

    # A: expected at the Bishkek colony with no re-typing; admitted with the release date.
    gb_prison = as_user("prison_officer")
    assert [e["person"]["id"] for e in ok(gb_prison.get("/prisons/expected"), 200)] == [a]
    admitted = ok(gb_prison.act("prisons.admit", {"person": a, "facility": "GB-COL"}, number))
    result, calc = admitted["result"], admitted["result"]["calculation"]
    # By hand. Detained on 7 June at 08:30, custody ordered on 8 June: in the IVS on 7 and
    # 8 June = 2 days; in custody from 9 June to 14 July, the day before entry into force =
    # 22 + 14 = 36 days; held 38 days, credited one for two (CC 80(5)) = 76 days.
    # The term runs from the entry into force, 15 July 2027: 36 months end on 15 July 2030,
    # the last day being 14 July 2030 (CEC 159(2)). Less 76 days: 14 July − 14 = 30 June
    # (62 left), − 30 = 31 May (32 left), − 31 = 30 April (1 left), − 1 = 29 April 2030,
    # a Monday — released that day.
    assert calc["inputs"]["ivs_days"] == 2
    assert calc["inputs"]["custody_days"] == 36
    assert calc["inputs"]["house_arrest_days"] == 0
    assert (calc["start"], calc["credit_days"]) == ("2027-07-15", 76)
    assert calc["term_end"] == "2030-07-14"
    assert result["release_date"] == "2030-04-29"
    # Parole after two thirds of the term for a less grave crime (CC 88(4)(1)): the term is
    # 1,096 days (2028 is a leap year); 2/3 of it is 730.67 → 731 days, 76 already credited:
    # 655 days after 15 July 2027 = 30 April 2029.
    assert result["parole_eligible_on"] == "2029-04-30"
    breakdown = "\n".join(calc["breakdown"]["en"])
    for named in ("temporary detention (IVS): 2", "custody ordered by the judge: 36", "36 months"):
        assert named in breakdown, breakdown

    # The prison officer reads the verdict, the custody and the execution — not the
    # investigation file; the prosecutor reads the whole journey.
    part = ok(gb_prison.get(f"/cases/{number}/timeline"), 200)
    whole = ok(prosecutor.get(f"/cases/{number}/timeline"), 200)
    part_kinds = {e["kind"] for e in part}
    assert "prisons.admit" in part_kinds and "detention.arrest" in part_kinds
    assert not part_kinds & {"registry.report.register", "registry.case.open", "registry.charge"}
    assert {e["kind"].split(".")[0] for e in whole} >= {
        "registry",
        "detention",
        "legalaid",
        "courts",
        "prisons",
        "probation",
        "fines",
    }
    [arrest_seen] = [e for e in part if e["kind"] == "detention.arrest"]
    assert "grounds" not in arrest_seen["data"] and "place" not in arrest_seen["data"]
    assert arrest_seen["redacted"] == ["grounds", "place"] and arrest_seen["data"]["detained_at"]
    assert not part_kinds & {"detention.medical_exam", "detention.admit", "legalaid.accept"}
    rules = {d["rule"] for d in ok(gb_prison.get("/deadlines", case=number), 200)}
    assert rules and all(r.startswith(("custody.", "verdict.", "prisons.")) for r in rules)
    call_command("worker", once=True)  # the outbox delivered to the pull feed
    fed = ok(gb_prison.get("/feed", limit=1000), 200)["items"]
    fed_kinds = {e["kind"] for e in fed if e["stream"] == f"case/{number}"}
    assert "prisons.admit" in fed_kinds and "detention.arrest" in fed_kinds
    assert not fed_kinds & {"registry.report.register", "registry.participant.add"}
    assert not fed_kinds & {"detention.medical_exam", "courts.measure.petition"}
    seen = ok(gb_prison.get(f"/cases/{number}"), 200)
    assert seen["summary"] == "" and set(seen["details"]) == {"verdict", "verdicts"}
    assert {p["role"] for p in seen["participants"]} == {"accused"}
    full = ok(prosecutor.get(f"/cases/{number}"), 200)
    assert full["summary"] and {"verdicts", "fines", "probation"} <= set(full["details"])

    # A is transferred to the Osh colony.
    moved = {"person": a, "facility": "OSH-COL"}
    ok(gb_prison.act("prisons.transfer", moved, number))
    osh_prison = as_user("prison_officer_osh")
    assert ok(osh_prison.get(f"/prisons/prisoners/{a}"), 200)

    # B: registered with the probation office by the entry into force; meets the officer.
    officer = as_user("probation_officer")
    [file] = ok(officer.get("/probation/files", case=number), 200)["items"]
    assert (file["person"], file["type"], file["office"]) == (b, "executive", "GB-PROB")
    assert file["state"] == "awaiting_appearance"  # the period runs from the appearance
    ok(officer.act("probation.appear", {"person": b}, number))  # CC 82(4); CEC 166(1)(1)
    plan = {"person": b, "conditions": ["Не менять место жительства"], "meetings_per_month": 2}
    ok(officer.act("probation.plan.set", plan, number))
    meetings = []
    for days in (3, 17):
        at = (clock.now() + timedelta(days=days)).isoformat()
        body = ok(officer.act("probation.meeting.schedule", {"person": b, "at": at}, number))
        meetings.append(body["result"]["meeting"])
    advance("3d")
    advance("10m")
    ok(officer.act("probation.meeting.record", {"meeting": meetings[0], "attended": True}, number))
    advance("14d")
    ok(officer.act("probation.meeting.record", {"meeting": meetings[1], "attended": True}, number))

    # C: the enforcement office opened the file; paid in two instalments.
    bailiff = as_user("enforcement_officer")
    [fine] = ok(bailiff.get("/fines", case=number), 200)["items"]
    assert (fine["person"], fine["amount"]) == (c, "50000.00")  # 500 indices of 100 som
    assert set(ok(bailiff.get(f"/cases/{number}"), 200)["details"]) == {
        "verdict",
        "verdicts",
        "fines",
    }
    first = ok(bailiff.act("fines.payment.record", {"fine": fine["id"], "amount": "20000.00"}))
    assert (first["result"]["balance"], first["result"]["closed"]) == ("30000.00", False)
    advance("30d")
    second = ok(bailiff.act("fines.payment.record", {"fine": fine["id"], "amount": "30000.00"}))
    assert second["result"]["closed"] is True and second["result"]["case_closed"] is False
    assert ok(prosecutor.get(f"/cases/{number}"), 200)["stage"] == "execution"

    # B's twelve months of probation run out; the officer completes the supervision.
    call_command("clock", "set", local(2028, 7, 20).isoformat())
    completed = ok(officer.act("probation.complete", {"person": b}, number))
    assert completed["result"]["case_closed"] is False  # A is still serving
    assert ok(prosecutor.get(f"/cases/{number}"), 200)["stage"] == "execution"

    # A's release date: not a day sooner.
    call_command("clock", "set", local(2030, 4, 28).isoformat())
    at_term = {"person": a, "grounds": "end_of_term"}
    assert "2030-04-29" in ok(osh_prison.act("prisons.release", at_term, number), 409)["message"]
    advance("1d")
    released = ok(osh_prison.act("prisons.release", at_term, number))
    assert released["result"]["case_closed"] is True
    closed = ok(prosecutor.get(f"/cases/{number}"), 200)
    assert closed["stage"] == "closed"
    assert ecli in str(closed["details"])

    call_command("verify_ledger")
    call_command("rebuild_projections", check=True)
