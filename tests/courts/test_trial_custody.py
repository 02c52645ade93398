"""Custody during the trial (CPC 303): the presiding judge of the trial court, on the prosecutor's
motion or of the court's own motion, orders or extends custody by up to 2 months at a time, never
beyond one year in total during the trial; the custody term already running follows the ruling,
and the ruling is appealed within 10 days (CPC 401(3)-(4)). Seen through the API as users see it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from tests.analytics.replay import assert_terms_replayed
from tests.courts.test_verdicts import created, refused, unshifted_term

from icjis.core import clock, jobs
from icjis.core.models import User
from icjis.courts.models import CourtCase, Measure, Petition
from icjis.courts.trial_custody import TRIAL_CAP_MONTHS
from icjis.legal.counting import add_months, end_of_day, local_date
from icjis.legal.models import Deadline

ROBBERY = {"article": "205", "part": 4}
ACCUSED = {"surname": "Токтосунов", "given_name": "Азамат", "birth_date": "1988-10-09", "sex": "M"}


@pytest.fixture
def world(world):
    """The demo world with every demo user (the court's other judges and its president)."""
    return {u.username: u for u in User.objects.all()}


def today() -> date:
    return local_date(clock.now())


class InCourt:
    """A robbery case whose accused is held in custody ordered by the investigating judge, sent
    to the Bishkek court and drawn to a judge. `custody=False`: the accused is at liberty."""

    def __init__(self, as_user: Any, *, custody: bool = True, to_court: bool = True) -> None:
        self.as_user = as_user
        report = {"channel": "in_person", "summary": "Грабёж", "place": {"region": "KG-GB"}}
        n = created(as_user("registrar").act("registry.report.register", report))["result"]["case"]
        self.number = n
        inv = as_user("investigator")
        created(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, n))
        created(inv.act("registry.case.open", ROBBERY, n))
        suspect = {"role": "suspect", "person": ACCUSED}
        p = created(inv.act("registry.participant.add", suspect, n))["result"]["person"]
        self.person = p
        self.until: date | None = None
        if custody:
            arrest = {
                "person": p,
                "detained_at": inv.get("/clock").json()["now"],
                "place": "ул. Токтогула",
                "grounds": "Застигнут при совершении (CPC 96(2))",
            }
            created(inv.act("detention.arrest", arrest, n))
            petition = {"person": p, "measure": "custody", "months": 2, "grounds": "Скроется"}
            pet = created(inv.act("courts.measure.petition", petition, n))["result"]["petition"]
            created(as_user("prosecutor").act("courts.measure.consent", {"petition": pet}, n))
            self.until = today() + timedelta(days=45)
            ruling = {"petition": pet, "granted": True, "until": self.until.isoformat()}
            created(as_user("investigating_judge").act("courts.measure.decide", ruling, n))
        counsel = {"person": p, "lawyer_name": "Асанова Айгүл", "licence": "GB-0001"}
        created(inv.act("legalaid.private_counsel", counsel, n))
        if not to_court:
            return
        created(inv.act("registry.suspicion.notify", {"person": p}, n))
        created(inv.act("registry.charge", {"person": p, **ROBBERY}, n))
        created(inv.act("registry.indictment.submit", {}, n))
        created(as_user("prosecutor").act("registry.indictment.approve", {"court": "GB-SUD"}, n))
        self.court_case = CourtCase.objects.get(case_id=n, instance="first")
        self.judge = self.court_case.judge
        self.registered = local_date(self.court_case.registered_at)

    def rule(self, until: date | None = None, *, judge: str | None = None, **data: Any) -> Any:
        body = {
            "person": self.person,
            "motion": "prosecutor",
            "grounds": "Может скрыться от суда",
            "granted": True,
            "measure": "custody",
            **data,
        }
        if until is not None:
            body["until"] = until.isoformat()
        return self.as_user(judge or self.judge).act("courts.measure.decide", body, self.number)

    def term(self, rule: str = "custody.term") -> Deadline:
        return Deadline.objects.filter(case_id=self.number, rule=rule, subject=self.person).latest(
            "start_seq"
        )


def test_the_presiding_judge_extends_custody_and_the_running_custody_term_follows(as_user):
    case = InCourt(as_user)
    assert case.until is not None
    assert case.term().state == "running" and case.term().due_at == end_of_day(case.until)

    too_long = refused(case.rule(add_months(case.until, 2) + timedelta(days=1)), 400)
    assert "at most 2 months at a time (CPC 303(3))" in too_long["message"]

    extended = add_months(case.until, 2)
    body = created(case.rule(extended))
    assert body["result"]["until"] == extended.isoformat()
    # The same custody term moves: no second one is started for the person.
    terms = Deadline.objects.filter(case_id=case.number, rule="custody.term")
    assert [(t.state, t.due_at) for t in terms] == [("running", end_of_day(extended))]
    assert "judge" in terms[0].notify  # the trial judge is warned before custody runs out
    # The ruling is appealed within 10 days (CPC 401(3)-(4)).
    window = case.term("measure.appeal.trial")
    assert window.state == "running" and window.due_at >= end_of_day(today() + timedelta(days=10))
    measure = Measure.objects.get(case_id=case.number, person_id=case.person, state="active")
    assert (measure.until, measure.extensions) == (extended, 1)
    ruling = Petition.objects.get(pk=body["result"]["petition"])
    assert (ruling.kind, ruling.state, ruling.decided_by) == (
        "trial_extension",
        "decided",
        case.judge,
    )
    call_command("rebuild_projections", check=True)
    assert assert_terms_replayed() > 0  # the statistics replay the same terms


def test_extensions_during_the_trial_stop_at_one_year_from_the_courts_receipt(as_user):
    case = InCourt(as_user)
    assert case.until is not None
    until = case.until
    cap = add_months(case.registered, TRIAL_CAP_MONTHS)
    while add_months(until, 2) <= cap:
        until = add_months(until, 2)
        created(case.rule(until))
    beyond = refused(case.rule(min(add_months(until, 2), cap + timedelta(days=1))), 409)
    message = beyond["message"]
    assert message.startswith("Custody during the trial would reach 12 months and ")
    assert "no more than 12 months in total during the trial (CPC 303(3)-(4))" in message
    assert f"may last until {cap.isoformat()} at the latest" in message
    assert "released at once (CPC 303(4))" in message
    # Up to the last day of the year it still passes.
    if until < cap:
        created(case.rule(cap))
    assert case.term().due_at == end_of_day(cap)


def test_custody_ordered_again_in_the_trial_counts_the_earlier_stretch(as_user):
    case = InCourt(as_user)
    assert case.until is not None
    clock.advance(timedelta(days=20))
    # Custody is changed to bail of the court's own motion: the custody term is cancelled.
    created(case.rule(measure="bail", motion="court"))
    assert case.term().state == "cancelled"
    clock.advance(timedelta(days=10))
    # Custody again on the prosecutor's motion, for what is left of the trial term (303(2)); the
    # 20 days already held in court count towards the year (303(5)).
    term = Deadline.objects.get(case_id=case.number, rule="court.trial_term", state="running")
    until = local_date(term.due_at - timedelta(microseconds=1))
    body = created(case.rule(until))
    assert Petition.objects.get(pk=body["result"]["petition"]).kind == "trial_initial"
    assert body["result"]["until"] == until.isoformat()
    assert case.term().state == "running" and case.term().due_at == end_of_day(until)
    last = add_months(today() - timedelta(days=20), TRIAL_CAP_MONTHS)
    assert last > add_months(case.registered, TRIAL_CAP_MONTHS)  # the 10 days on bail don't count
    while add_months(until, 2) <= last:
        until = add_months(until, 2)
        created(case.rule(until))
    beyond = refused(case.rule(min(add_months(until, 2), last + timedelta(days=1))), 409)
    assert f"may last until {last.isoformat()} at the latest" in beyond["message"]


def test_the_court_orders_custody_of_its_own_motion_and_refuses_a_motion(as_user):
    case = InCourt(as_user, custody=False)
    no = created(case.rule(granted=False))
    assert no["result"] == {"petition": no["result"]["petition"], "granted": False}
    assert not Deadline.objects.filter(case_id=case.number, rule="custody.term").exists()
    bad = refused(case.rule(granted=False, motion="court"), 400)
    assert "Only a motion can be refused" in bad["message"]
    needs_until = refused(case.rule(motion="court"), 400)
    assert needs_until["message"].endswith("give until.")
    until = today() + timedelta(days=30)
    created(case.rule(until, motion="court"))
    assert case.term().state == "running" and case.term().due_at == end_of_day(until)
    again = refused(case.rule(measure="bail", until=until), 400)
    assert "not ordered for a term" in again["message"]


def test_only_the_presiding_judge_rules_during_the_trial(as_user, world):
    case = InCourt(as_user)
    assert case.until is not None
    extended = add_months(case.until, 1)
    other = next(
        u.username
        for u in world.values()
        if "judge" in u.roles and u.unit_id == "GB-SUD" and u.username != case.judge
    )
    forbidden = refused(case.rule(extended, judge=other), 403)
    assert "Only the presiding judge" in forbidden["message"]
    pet = {"petition": f"MP-{case.number}-1", "granted": True}
    late = refused(
        as_user("investigating_judge").act("courts.measure.decide", pet, case.number), 409
    )
    assert "CPC 303(1)" in late["message"]
    no_petition = refused(case.rule(extended, petition=f"MP-{case.number}-1"), 400)
    assert "not on a written petition" in no_petition["message"]
    missing = refused(case.rule(extended, motion=None), 400)
    assert "motion" in missing["fields"]
    # A judge of another region's court does not see the case at all.
    stranger = as_user("judge_osh").act("courts.measure.decide", {"granted": True}, case.number)
    assert stranger.status_code == 404, stranger.content


def test_a_judge_does_not_rule_before_the_trial(as_user):
    # Custody ordered by the investigating judge of the Bishkek court: the court's trial judge
    # sees the case, but before it reaches the court the investigating judge rules (CPC 266).
    case = InCourt(as_user, to_court=False)
    judge = as_user("judge")
    assert judge.get(f"/cases/{case.number}").status_code == 200
    until = today() + timedelta(days=20)
    r = case.rule(until, judge="judge")
    assert r.status_code == 409, r.content
    assert "stage 'investigation'" in r.json()["message"] and "CPC 303(1)" in r.json()["message"]
    assert not Petition.objects.filter(case_id=case.number, kind__in=("trial_initial",)).exists()


def test_a_first_order_in_court_runs_for_the_trial_term_at_most(as_user):
    case = InCourt(as_user, custody=False)
    term = Deadline.objects.get(case_id=case.number, rule="court.trial_term", state="running")
    last = local_date(term.due_at - timedelta(microseconds=1))
    beyond = refused(case.rule(last + timedelta(days=1), motion="court"), 400)
    assert f"ends on {last.isoformat()} (CPC 303(2))" in beyond["message"]
    assert beyond["fields"]["until"] == f"at most {last.isoformat()}"
    body = created(case.rule(last, motion="court"))
    assert body["result"]["until"] == last.isoformat()


def test_the_trial_ruling_is_appealed_within_ten_days(as_user):
    case = InCourt(as_user)
    assert case.until is not None
    ruling = created(case.rule(add_months(case.until, 2)))["result"]["petition"]
    clock.advance(timedelta(days=8))
    appeal = {"petition": ruling, "grounds": "Мера чрезмерна"}
    created(as_user("prosecutor").act("courts.measure.appeal", appeal, case.number))
    assert case.term("measure.appeal.trial").state == "met"
    clock.advance(timedelta(days=10))
    late = refused(as_user("prosecutor").act("courts.measure.appeal", appeal, case.number), 409)
    assert "10-day appeal term" in late["message"] and "CPC 401(3)-(4)" in late["message"]


def test_custody_at_the_appeal_stage_is_ruled_on_by_the_court_holding_the_case(as_user):
    case = InCourt(as_user)
    assert case.until is not None
    judge = as_user(case.judge)
    starts = clock.now() + timedelta(days=6)
    hearing = created(
        judge.act(
            "courts.hearing.schedule", {"starts_at": starts.isoformat(), "room": "3"}, case.number
        )
    )["result"]["hearing"]
    clock.advance(timedelta(days=6, minutes=1))
    created(judge.act("courts.trial.open", {"hearing": hearing}, case.number))
    unshifted_term()
    sentence = {"kind": "imprisonment", "months": 72, "regime": "general"}
    row = {"person": case.person, "outcome": "convicted", **ROBBERY, "sentence": sentence}
    created(judge.act("courts.verdict.deliver", {"defendants": [row]}, case.number))
    clerk = as_user("court_clerk")
    created(clerk.act("courts.verdict.serve", {"person": case.person}, case.number))
    grounds = {"person": case.person, "grounds": "Наказание чрезмерно суровое"}
    created(as_user("lawyer").act("courts.appeal.file", grounds, case.number))
    assert as_user("prosecutor").get(f"/cases/{case.number}").json()["stage"] == "appeal"

    # Until the case is sent up, the trial court still rules (CPC 303(1)).
    first = add_months(case.until, 2)
    created(case.rule(first))
    clock.advance(timedelta(days=31))
    assert jobs.run_all()["courts.appeal.send"] == 1
    bench = CourtCase.objects.get(case_id=case.number, instance="appeal")

    # Sent up: the trial judge no longer rules; a judge of the appeal panel does, same caps.
    moved = refused(case.rule(add_months(first, 2)), 403)
    assert bench.court_id in moved["message"] and "CPC 303(1)" in moved["message"]
    panel = sorted({bench.judge, *bench.panel})
    assert "appeal_judge" in panel
    too_long = refused(
        case.rule(add_months(first, 2) + timedelta(days=1), judge="appeal_judge"), 400
    )
    assert "at most 2 months at a time (CPC 303(3))" in too_long["message"]
    body = created(case.rule(add_months(first, 2), judge="appeal_judge"))
    assert body["result"]["until"] == add_months(first, 2).isoformat()
    measure = Measure.objects.get(case_id=case.number, person_id=case.person, state="active")
    assert (measure.until, measure.extensions) == (add_months(first, 2), 2)
    ruling = Petition.objects.get(pk=body["result"]["petition"])
    assert (ruling.kind, ruling.decided_by) == ("trial_extension", "appeal_judge")
    call_command("rebuild_projections", check=True)
    assert assert_terms_replayed() > 0  # the statistics replay the same terms


def test_the_presidents_list_of_overdue_terms_names_the_person_held_and_logs_it(as_user):
    """A custody term past due names the accused by id: the president's list is a read that
    showed them (SPEC 6)."""
    from tests.courts.test_performance import President

    from icjis.core.models import PersonSighting

    held = InCourt(as_user)
    assert held.until is not None
    clock.advance(timedelta(days=(held.until - today()).days + 2))
    rows = President().get("/courts/performance/overdue").json()
    terms = {r["rule"]: r["subject"] for r in rows if r["case"] == held.number}
    assert terms["custody.term"] == held.person
    seen = PersonSighting.objects.filter(actor="court_president", subject_type="deadlines")
    assert list(seen.values_list("person", "subject")) == [(held.person, "overdue:GB-SUD")]
