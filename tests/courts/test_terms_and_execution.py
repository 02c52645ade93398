"""The court's own terms extended (CPC 283(3)-(4), 410(4)) — the Deadline projection shows the
new end — and a verdict in force turned to execution within 3 days (CPC 426(4)), recording which
body was sent which sentence."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.management import call_command
from tests.courts.test_appeals import delivered
from tests.courts.test_verdicts import (
    THEFT,
    Trial,
    created,
    refused,
    unshifted_term,
)

from icjis.core import clock, jobs
from icjis.courts.models import CourtCase, Verdict, VerdictDefendant
from icjis.legal.counting import due_at
from icjis.legal.models import Deadline

REASON = {"reason": "Свидетели обвинения не явились, нужна экспертиза"}


def term(number: str, rule: str) -> Deadline:
    return Deadline.objects.filter(case_id=number, rule=rule).latest("start_seq")


def test_the_presiding_judge_extends_the_trial_term_by_up_to_two_months_before_it_runs_out(
    as_user,
):
    trial = Trial(as_user, at_liberty=True)
    judge = as_user(trial.judge)
    before = term(trial.number, "court.trial_term")
    assert before.due_at == due_at(before.starts_at, 2, "M")  # less grave: 2 months (283(2))

    too_long = refused(judge.act("courts.term.extend", {"months": 3, **REASON}, trial.number), 400)
    assert "months" in too_long["fields"]
    other = next(j for j in ("judge", "judge_2", "judge_3") if j != trial.judge)
    not_presiding = refused(
        as_user(other).act("courts.term.extend", {"months": 2, **REASON}, trial.number), 403
    )
    assert "presiding judge" in not_presiding["message"]
    clerk = as_user("court_clerk").act("courts.term.extend", {"months": 2, **REASON}, trial.number)
    assert clerk.status_code == 403

    body = created(judge.act("courts.term.extend", {"months": 2, **REASON}, trial.number))
    assert body["result"] == {"court_case": trial.court_case.pk, "term": "trial", "months": 2}
    after = term(trial.number, "court.trial_term")
    assert after.state == "running" and after.due_at == due_at(before.starts_at, 4, "M")
    created(judge.act("courts.term.extend", {"months": 1, **REASON}, trial.number))
    after = term(trial.number, "court.trial_term")
    assert after.due_at == due_at(before.starts_at, 5, "M")
    shown = {d["rule"]: d for d in judge.get(f"/cases/{trial.number}").json()["deadlines"]}
    shown_due = datetime.fromisoformat(shown["court.trial_term"]["due_at"].replace("Z", "+00:00"))
    assert shown_due == after.due_at

    # Past its end the term is no longer extended (CPC 283(4)).
    clock.advance(after.due_at - clock.now() + timedelta(hours=1))
    late = refused(judge.act("courts.term.extend", {"months": 2, **REASON}, trial.number), 409)
    assert "ran out" in late["message"] and "CPC 283(4)" in late["message"]
    call_command("rebuild_projections", check=True)


def test_the_appeal_court_extends_its_term_once_by_one_month(as_user):
    trial, ecli = delivered(as_user)
    clerk, lawyer = as_user("court_clerk"), as_user("lawyer")
    created(clerk.act("courts.verdict.serve", {"person": trial.person}, trial.number))
    clock.advance(timedelta(days=20))
    grounds = {"person": trial.person, "grounds": "Наказание чрезмерно суровое (CPC 422)"}
    created(lawyer.act("courts.appeal.file", grounds, trial.number))
    # The trial court's case is decided: its judge has no term left to extend.
    decided = as_user(trial.judge).act("courts.term.extend", {"months": 1, **REASON}, trial.number)
    assert decided.status_code == 404
    clock.advance(timedelta(days=11))
    assert jobs.run_all()["courts.appeal.send"] == 1
    bench = CourtCase.objects.get(case_id=trial.number, instance="appeal")
    panel = as_user("appeal_judge")
    assert "appeal_judge" in {bench.judge, *bench.panel}
    start = term(trial.number, "appeal.decision")
    assert start.due_at == due_at(start.starts_at, 2, "M")

    two = refused(panel.act("courts.term.extend", {"months": 2, **REASON}, trial.number), 400)
    assert "one month (CPC 410(4))" in two["message"]
    body = created(panel.act("courts.term.extend", {"months": 1, **REASON}, trial.number))
    assert body["result"]["term"] == "appeal"
    assert term(trial.number, "appeal.decision").due_at == due_at(start.starts_at, 3, "M")
    again = refused(panel.act("courts.term.extend", {"months": 1, **REASON}, trial.number), 409)
    assert "already been extended" in again["message"]
    call_command("rebuild_projections", check=True)


def test_a_verdict_in_force_is_turned_to_execution_and_the_term_is_met(as_user):
    trial = Trial(as_user)
    trial.open()
    unshifted_term()
    fine = {"kind": "fine", "amount": 500}  # calculation indices (CC 65(3))
    created(
        trial.deliver({"person": trial.person, "outcome": "convicted", **THEFT, "sentence": fine})
    )
    clerk = as_user("court_clerk")
    early = refused(clerk.act("courts.verdict.execute", {}, trial.number), 409)
    assert "not entered into force" in early["message"]
    created(clerk.act("courts.verdict.serve", {"person": trial.person}, trial.number))
    clock.advance(timedelta(days=31))
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 1
    running = term(trial.number, "verdict.execution")
    assert running.state == "running"
    assert running.due_at == due_at(running.starts_at, 3, "d")

    stranger = as_user("court_clerk_osh").act("courts.verdict.execute", {}, trial.number)
    assert stranger.status_code == 404
    body = created(clerk.act("courts.verdict.execute", {}, trial.number))
    [order] = body["result"]["orders"]
    assert order["person"] == trial.person and order["body"] == "enforcement_office"
    assert order["unit"] == "GB-ENF"
    assert order["sentence"]["kind"] == "fine" and float(order["sentence"]["amount"]) == 500
    assert term(trial.number, "verdict.execution").state == "met"
    verdict = Verdict.objects.get(case_id=trial.number)
    assert verdict.executed_at is not None and verdict.execution_orders == body["result"]["orders"]
    twice = refused(clerk.act("courts.verdict.execute", {}, trial.number), 409)
    assert "already" in twice["message"]
    call_command("rebuild_projections", check=True)


def test_imprisonment_goes_to_the_colony_and_an_acquittal_has_nothing_to_execute(as_user):
    convicted, acquitted = Trial(as_user), Trial(as_user, at_liberty=True)
    for trial in (convicted, acquitted):
        trial.open()
    unshifted_term()
    created(convicted.deliver())
    created(acquitted.deliver({"person": acquitted.person, "outcome": "acquitted", **THEFT}))
    clerk = as_user("court_clerk")
    created(clerk.act("courts.verdict.serve", {"person": convicted.person}, convicted.number))
    clock.advance(timedelta(days=31))
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 2
    judge = as_user(convicted.judge)
    [order] = created(judge.act("courts.verdict.execute", {}, convicted.number))["result"]["orders"]
    assert (order["body"], order["unit"]) == ("prison", "GB-COL")
    assert order["sentence"] == {"kind": "imprisonment", "months": 36, "regime": "general"}
    # The days the register credits, to the day before entry into force (CC 80(5)).
    credited = VerdictDefendant.objects.get(verdict__case_id=convicted.number)
    assert order["custody_credit_days"] == credited.custody_credit_days >= 31
    nothing = refused(clerk.act("courts.verdict.execute", {}, acquitted.number), 409)
    assert "nothing to turn to execution" in nothing["message"]
