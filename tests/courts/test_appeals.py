"""Appeals against verdicts: filed within 30 days (a detainee's from service of the copy), they
hold back the verdict's entry into force until the appeal court decides; upheld or modified, the
verdict is in force on the decision; quashed, the case is tried again by another judge
(CPC 400, 405, 410, 417, 426(2); 64(2))."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from tests.analytics.replay import assert_terms_replayed
from tests.courts.test_verdicts import (
    PRISON,
    THEFT,
    Trial,
    created,
    refused,
    unshifted_term,
)

from icjis.core import clock, jobs
from icjis.courts.models import Appeal, CourtCase, Verdict, VerdictDefendant
from icjis.legal.models import Deadline


def delivered(as_user, **kw) -> tuple[Trial, str]:
    trial = Trial(as_user, **kw)
    trial.open()
    unshifted_term()
    return trial, created(trial.deliver())["result"]["verdict"]


def test_an_appeal_on_day_20_holds_back_entry_into_force_until_the_appeal_judge_decides(as_user):
    trial, ecli = delivered(as_user)
    clerk, lawyer, appeal_judge = as_user("court_clerk"), as_user("lawyer"), as_user("appeal_judge")
    created(clerk.act("courts.verdict.serve", {"person": trial.person}, trial.number))

    clock.advance(timedelta(days=20))
    grounds = {"person": trial.person, "grounds": "Наказание чрезмерно суровое (CPC 422)"}
    appeal = created(lawyer.act("courts.appeal.file", grounds, trial.number))["result"]["appeal"]
    assert trial.stage() == "appeal"
    # The appeal court's 2 months run from its receipt of the case (CPC 410(2)), not from filing.
    assert not Deadline.objects.filter(case_id=trial.number, rule="appeal.decision").exists()
    shown = as_user("prosecutor").get(f"/cases/{trial.number}").json()["details"]["appeals"]
    assert shown[appeal]["verdict"] == ecli

    held = refused(clerk.act("courts.verdict.enter_into_force", {}, trial.number), 409)
    assert appeal in held["message"] and "CPC 405(1)" in held["message"]
    # The appeal court takes the case only once the appeal term has run (CPC 405(2)).
    decision = {"appeal": appeal, "outcome": "upheld"}
    early = refused(appeal_judge.act("courts.appeal.decide", decision, trial.number), 409)
    assert "CPC 400(2), 405(2)" in early["message"]

    # The term has run: the worker sends the case up; the appeal court draws its panel.
    clock.advance(timedelta(days=11))
    done = jobs.run_all()
    assert (done["courts.appeal.send"], done["courts.verdict.enter_into_force"]) == (1, 0)
    verdict = Verdict.objects.get(pk=ecli)
    assert verdict.state == "delivered"
    bench = CourtCase.objects.get(case_id=trial.number, instance="appeal")
    assert bench.court_id == "GB-APP" and "appeal_judge" in {bench.judge, *bench.panel}
    assert jobs.run_all()["courts.appeal.send"] == 0  # once only
    assert Deadline.objects.get(case_id=trial.number, rule="appeal.decision").state == "running"

    body = created(appeal_judge.act("courts.appeal.decide", decision, trial.number))
    [entered] = body["reactions"]
    assert entered["event"]["kind"] == "courts.verdict.enter_into_force"
    assert entered["result"]["grounds"] == "appeal_decided"
    verdict.refresh_from_db()
    assert verdict.state == "in_force"
    assert (
        verdict.in_force_at.isoformat().replace("+00:00", "Z")[:19]
        == (body["event"]["recorded_at"][:19])
    )  # on the day of the decision (CPC 426(2))
    assert Appeal.objects.get(pk=appeal).outcome == "upheld"
    assert trial.stage() == "execution"
    assert Deadline.objects.get(case_id=trial.number, rule="appeal.decision").state == "met"
    entry = as_user("prison_officer").get(f"/courts/decisions/{ecli}").json()
    assert entry["state"] == "in_force"
    call_command("rebuild_projections", check=True)
    assert assert_terms_replayed() > 0  # the statistics replay the same terms


def test_a_late_appeal_is_refused(as_user):
    trial, ecli = delivered(as_user, at_liberty=True)
    clock.advance(timedelta(days=31))
    late = {"grounds": "Приговор несправедлив"}
    answer = refused(as_user("prosecutor").act("courts.appeal.file", late, trial.number), 409)
    assert "ended at the end of" in answer["message"] and "CPC 400(3)" in answer["message"]
    assert not Appeal.objects.filter(case_id=trial.number).exists()
    jobs.run_all()
    assert Verdict.objects.get(pk=ecli).state == "in_force"
    again = refused(as_user("prosecutor").act("courts.appeal.file", late, trial.number), 409)
    assert "entered into force" in again["message"]


def test_a_detained_defendants_term_runs_from_service_of_the_copy(as_user):
    trial, ecli = delivered(as_user)
    clerk = as_user("court_clerk")
    clock.advance(timedelta(days=10))
    # Unserved, the detainee's term has not begun: the verdict cannot enter into force.
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 0
    created(clerk.act("courts.verdict.serve", {"person": trial.person}, trial.number))
    again = refused(clerk.act("courts.verdict.serve", {"person": trial.person}, trial.number), 409)
    assert "already served" in again["message"]

    clock.advance(timedelta(days=25))  # day 35: 25 days after service
    assert Verdict.objects.get(pk=ecli).state == "delivered"
    late = refused(
        as_user("prosecutor").act("courts.appeal.file", {"grounds": "Мягко"}, trial.number), 409
    )
    assert "CPC 400(1)" in late["message"]  # the prosecutor's term ran from the verdict
    own = {"person": trial.person, "grounds": "Не доказано"}
    created(as_user("lawyer").act("courts.appeal.file", own, trial.number))
    twice = refused(as_user("lawyer").act("courts.appeal.file", own, trial.number), 409)
    assert "already filed" in twice["message"]


def test_counsel_appeals_only_for_their_client(as_user):
    trial, _ = delivered(as_user, at_liberty=True)
    answer = refused(
        as_user("lawyer").act("courts.appeal.file", {"grounds": "x" * 5}, trial.number), 400
    )
    assert "which defendant" in answer["message"]
    # Counsel of nobody in this case does not see it at all.
    other = {"person": trial.person, "grounds": "Не доказано"}
    assert refused(as_user("lawyer_osh").act("courts.appeal.file", other, trial.number), 404)
    # Nor does the appeal court of another region decide.
    appeal = created(as_user("lawyer").act("courts.appeal.file", other, trial.number))
    decision = {"appeal": appeal["result"]["appeal"], "outcome": "upheld"}
    assert refused(
        as_user("appeal_judge_osh").act("courts.appeal.decide", decision, trial.number), 404
    )


def test_the_appeal_court_modifies_a_sentence_but_worsens_it_only_on_the_prosecutions_appeal(
    as_user,
):
    trial, ecli = delivered(as_user, at_liberty=True)
    lawyer = as_user("lawyer")
    own = {"person": trial.person, "grounds": "Чрезмерно сурово"}
    appeal = created(lawyer.act("courts.appeal.file", own, trial.number))["result"]["appeal"]
    clock.advance(timedelta(days=31))
    judge = as_user("appeal_judge")
    decision = {"appeal": appeal, "outcome": "upheld"}
    unsent = refused(judge.act("courts.appeal.decide", decision, trial.number), 409)
    assert "has not been sent up to GB-APP" in unsent["message"]
    sent = created(as_user("court_clerk").act("courts.appeal.send", {}, trial.number))
    assert sent["reactions"][0]["event"]["kind"] == "courts.appeal.register"

    harsher = {"person": trial.person, "outcome": "convicted", **THEFT}
    harsher["sentence"] = {**PRISON, "months": 48}
    worse = {"appeal": appeal, "outcome": "modified", "changes": [harsher]}
    answer = refused(judge.act("courts.appeal.decide", worse, trial.number), 409)
    assert "CPC 420(3), 422(2)-(3)" in answer["message"]
    # The same term in a special-regime colony is harsher too (CC 67(4)).
    special = {**harsher, "sentence": {**PRISON, "regime": "special"}}
    stricter = {"appeal": appeal, "outcome": "modified", "changes": [special]}
    answer = refused(judge.act("courts.appeal.decide", stricter, trial.number), 409)
    assert "CPC 420(3), 422(2)-(3)" in answer["message"]
    missing = refused(
        judge.act("courts.appeal.decide", {**worse, "changes": []}, trial.number), 400
    )
    assert "needs the changes" in missing["message"]

    milder = {**harsher, "sentence": {"kind": "fine", "amount": 2000}}
    body = created(
        judge.act(
            "courts.appeal.decide",
            {"appeal": appeal, "outcome": "modified", "changes": [milder]},
            trial.number,
        )
    )
    assert body["reactions"][0]["event"]["kind"] == "courts.verdict.enter_into_force"
    row = VerdictDefendant.objects.get(verdict_id=ecli)
    assert (row.sentence_kind, row.amount, row.months, row.regime) == ("fine", 2000, None, "")
    verdict = Verdict.objects.get(pk=ecli)
    assert (verdict.state, verdict.modified_by) == ("in_force", appeal)
    call_command("rebuild_projections", check=True)
    assert assert_terms_replayed() > 0  # the statistics replay the same terms


def test_a_quashed_verdict_sends_the_case_back_to_trial_before_another_judge(as_user):
    trial, ecli = delivered(as_user, at_liberty=True)
    first_judge = trial.judge
    representation = {"grounds": "Существенное нарушение (CPC 421)"}
    appeal = created(as_user("prosecutor").act("courts.appeal.file", representation, trial.number))
    clock.advance(timedelta(days=31))
    assert jobs.run_all()["courts.appeal.send"] == 1
    decision = {"appeal": appeal["result"]["appeal"], "outcome": "quashed"}
    body = created(as_user("appeal_judge").act("courts.appeal.decide", decision, trial.number))
    kinds = [r["event"]["kind"] for r in body["reactions"]]
    assert kinds == ["courts.judge.draw_commit"]
    assert Verdict.objects.get(pk=ecli).state == "quashed"
    assert trial.stage() == "trial"
    court_case = CourtCase.objects.get(pk=trial.court_case.pk)
    assert court_case.state == "retrial" and court_case.decided_at is None
    assert court_case.judge and court_case.judge != first_judge  # CPC 64(2)
    jobs.run_all()
    assert Verdict.objects.get(pk=ecli).state == "quashed"  # never enters into force

    # The new judge delivers a new verdict, with the court's next number (of this year).
    trial.judge = court_case.judge
    again = created(trial.deliver())["result"]["verdict"]
    year, number = (int(x) for x in again.rsplit(":", 2)[1:])
    before_year, before = (int(x) for x in ecli.rsplit(":", 2)[1:])
    assert number == (before + 1 if year == before_year else 1)
    call_command("rebuild_projections", check=True)
    assert assert_terms_replayed() > 0  # the statistics replay the same terms
