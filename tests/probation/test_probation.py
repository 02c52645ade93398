"""Probation (module H): intake from a verdict in force, supervision plan and meetings, a missed
meeting found by the job, violations and referral to court, completion closing the case; and
pre-sentence report requests with their due time (CPC 280(4))."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from tests.courts.test_verdicts import OTHER, THEFT, Trial, created, refused, unshifted_term

from icjis.core import clock, jobs
from icjis.core.canonical import iso
from icjis.core.execution import remaining
from icjis.core.models import Alert, Event
from icjis.courts.models import Hearing
from icjis.legal.counting import Duration, add_months, due_for, end_of_day, local_date
from icjis.probation.models import Meeting, ProbationFile, ReportRequest

PROBATION = {"kind": "probation", "months": 24, "probation_months": 12}


VANDALISM = {"article": "281"}  # minor gravity: fine, restriction of liberty, community work


def in_force(
    as_user: Any, sentence: dict[str, Any], article: dict[str, Any] = THEFT, **trial_args: Any
) -> Trial:
    """A theft case tried and sentenced with `sentence`, the verdict in force by the worker."""
    trial = Trial(as_user, at_liberty=True, **trial_args)
    trial.open()
    unshifted_term()
    created(
        trial.deliver(
            {"person": trial.person, "outcome": "convicted", **article, "sentence": sentence}
        )
    )
    clock.advance(timedelta(days=31))
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 1
    return trial


def test_probation_from_a_verdict_to_completion_closes_the_case(ordinary_day, as_user):
    trial = in_force(as_user, PROBATION)
    n, person = trial.number, trial.person
    assert trial.stage() == "execution"

    # Registered by the system in the act of entry into force, with the office of the region.
    [f] = ProbationFile.objects.filter(case_id=n)
    registered_on = local_date(f.registered_at)
    assert (f.type, f.source, f.sentence_kind, f.office_id, f.state) == (
        "executive",
        "verdict",
        "probation",
        "GB-PROB",
        "awaiting_appearance",
    )
    # The period runs from the appearance (CC 82(4)), due within ten days (CC 83(1)(1)).
    assert (f.starts_on, f.ends_on, f.months) == (None, None, 12)
    assert f.appear_by == registered_on + timedelta(days=10)
    event = Event.objects.get(stream=f"case/{n}", kind="probation.register")
    assert event.actor == "system" and event.payload["source_ref"] == trial.verdict().id
    assert remaining(n) == {f"probation:{person}"}

    officer = as_user("probation_officer")
    case = officer.get(f"/cases/{n}")
    assert case.status_code == 200, case.content  # the office now holds the case
    [told] = [a for a in officer.get("/alerts").json() if a["kind"] == "probation.appearance"]
    assert f.appear_by.isoformat() in told["message"] and "CC 83(1)(1)" in told["message"]
    [listed] = officer.get("/probation/files", case=n).json()["items"]
    assert (listed["state"], listed["appear_by"]) == ("awaiting_appearance", str(f.appear_by))
    waiting = {"person": person, "conditions": ["Не выезжать"], "meetings_per_month": 2}
    answer = refused(officer.act("probation.plan.set", waiting, n), 409)
    assert "probation.appear" in answer["message"] and "CC 82(4)" in answer["message"]
    assert refused(officer.act("probation.complete", {"person": person}, n), 409)
    assert refused(
        as_user("probation_officer_osh").act("probation.appear", {"person": person}, n), 404
    )

    # The convict appears on the fourth day: twelve months from that day.
    clock.advance(timedelta(days=4))
    appeared = created(officer.act("probation.appear", {"person": person}, n))["result"]
    f.refresh_from_db()
    assert f.state == "active" and appeared["late"] is False
    assert f.starts_on == registered_on + timedelta(days=4)
    assert f.ends_on == add_months(f.starts_on, 12) and appeared["ends_on"] == str(f.ends_on)
    assert not Alert.objects.filter(case_id=n, kind="probation.appearance", state="open").exists()
    assert refused(officer.act("probation.appear", {"person": person}, n), 404)
    prosecutor_view = as_user("prosecutor").get(f"/cases/{n}").json()
    assert prosecutor_view["details"]["probation"][f.id]["state"] == "active"

    # The plan: at least twice a month for probation supervision (CC 83(1)(4)).
    too_rare = {
        "person": person,
        "conditions": ["Не выезжать за пределы страны"],
        "meetings_per_month": 1,
    }
    assert "CC 83(1)(4)" in refused(officer.act("probation.plan.set", too_rare, n), 400)["message"]
    plan = {**too_rare, "meetings_per_month": 2}
    created(officer.act("probation.plan.set", plan, n))
    created(officer.act("probation.assign", {"person": person, "officer": "probation_officer"}, n))
    assert (
        "not a probation officer"
        in refused(officer.act("probation.assign", {"person": person, "officer": "judge"}, n), 400)[
            "message"
        ]
    )

    # Meetings: only in the future.
    now = clock.now()
    past = {"person": person, "at": iso(now - timedelta(hours=1))}
    assert refused(officer.act("probation.meeting.schedule", past, n), 400)
    first = created(
        officer.act(
            "probation.meeting.schedule", {"person": person, "at": iso(now + timedelta(days=3))}, n
        )
    )["result"]["meeting"]
    second = created(
        officer.act(
            "probation.meeting.schedule", {"person": person, "at": iso(now + timedelta(days=17))}, n
        )
    )["result"]["meeting"]
    # Not before it has begun.
    assert refused(
        officer.act("probation.meeting.record", {"meeting": first, "attended": True}, n), 409
    )

    clock.advance(timedelta(days=3, minutes=5))
    today = officer.get("/probation/meetings/today").json()
    assert [m["id"] for m in today] == [first]
    created(officer.act("probation.meeting.record", {"meeting": first, "attended": True}, n))
    assert refused(
        officer.act("probation.meeting.record", {"meeting": first, "attended": False}, n), 409
    )

    # The second meeting passes unrecorded: the job finds it once its day has ended.
    clock.advance(timedelta(days=14, minutes=5))
    assert jobs.run_all()["probation.meetings.missed"] == 0  # its day is not over yet
    clock.advance(end_of_day(local_date(clock.now())) - clock.now() + timedelta(minutes=1))
    assert jobs.run_all()["probation.meetings.missed"] == 1
    assert jobs.run_all()["probation.meetings.missed"] == 0
    assert Meeting.objects.get(pk=second).state == "missed"
    assert Event.objects.get(stream=f"case/{n}", kind="probation.meeting.missed").actor == "system"
    missed = officer.get("/probation/meetings/missed").json()
    assert [(m["id"], m["state"]) for m in missed] == [(second, "missed")]
    alerts = officer.get("/alerts").json()
    assert any(a["kind"] == "probation.meeting.missed" and a["case"] == n for a in alerts)

    # Violations: revocation is submitted after two (CC 84(2)).
    violation = {
        "person": person,
        "kind": "missed_meeting",
        "description": "Не явился",
        "meeting": second,
    }
    created(officer.act("probation.violation.record", violation, n))
    # The violation recorded for the missed meeting answers the meeting's alert.
    kinds = [a["kind"] for a in officer.get("/alerts").json() if a["case"] == n]
    assert "probation.meeting.missed" not in kinds
    revoke = {"person": person, "request": "revoke", "grounds": "Систематические нарушения"}
    assert "CC 84(2)" in refused(officer.act("probation.court.refer", revoke, n), 409)["message"]
    other = {
        "person": person,
        "kind": "supervision_requirement",
        "description": "Сменил место жительства",
    }
    created(officer.act("probation.violation.record", other, n))
    assert ProbationFile.objects.get(pk=f.id).violations == 2
    assert Alert.objects.filter(case_id=n, kind="probation.violations", state="open").exists()
    referral = created(officer.act("probation.court.refer", revoke, n))["result"]
    assert referral["court"] == "GB-SUD"
    # The submission to revoke answers the violations alert.
    assert not Alert.objects.filter(case_id=n, kind="probation.violations", state="open")
    judge_alerts = as_user(trial.judge).get("/alerts").json()
    [told] = [a for a in judge_alerts if a["kind"] == "probation.referral" and a["case"] == n]
    assert "CC 84(2)-(3)" in told["message"]
    note = {"alert": told["id"], "note": "Назначено судебное заседание"}
    created(as_user(trial.judge).act("alerts.acknowledge", note))
    missed_alert = next(a for a in alerts if a["kind"] == "probation.meeting.missed")
    answered = refused(officer.act("alerts.acknowledge", {"alert": missed_alert["id"]}), 409)
    assert "already acknowledged" in answered["message"]

    # Caseload and the file, within the office.
    load = officer.get("/probation/caseload").json()
    assert {"office": "GB-PROB", "active": 1, "by_type": {"executive": 1}} in load["offices"]
    assert load["officers"][0]["officer"] == "probation_officer"
    detail = officer.get(f"/probation/files/{f.id}").json()
    assert [m["state"] for m in detail["meetings"]] == ["attended", "missed"]
    assert len(detail["violations"]) == 2 and detail["referrals"][0]["request"] == "revoke"
    assert as_user("probation_officer_osh").get(f"/probation/files/{f.id}").status_code == 404
    assert as_user("probation_officer_osh").get("/probation/files").json()["items"] == []

    # Completion: refused before the period has run, unless the court decided.
    done = {"person": person}
    answer = refused(officer.act("probation.complete", done, n), 409)
    assert "CC 84(1)" in answer["message"] and f.ends_on.isoformat() in answer["message"]
    early = {"person": person, "grounds": "cancelled_early"}
    assert refused(officer.act("probation.complete", early, n), 400)
    clock.advance(end_of_day(f.ends_on) - clock.now() + timedelta(minutes=1))
    body = created(officer.act("probation.complete", done, n))
    assert body["result"]["case_closed"] is True
    assert trial.stage() == "closed"
    assert remaining(n) == set()
    assert refused(officer.act("probation.complete", done, n), 404)
    call_command("rebuild_projections", check=True)


def test_a_court_cancelling_supervision_early_completes_it_and_closes_the_case(as_user):
    trial = in_force(as_user, PROBATION)
    f = ProbationFile.objects.get(case_id=trial.number)
    officer = as_user("probation_officer")
    created(officer.act("probation.appear", {"person": trial.person}, trial.number))
    ahead = {"person": trial.person, "at": iso(clock.now() + timedelta(days=2))}
    meeting = created(officer.act("probation.meeting.schedule", ahead, trial.number))
    early = {"person": trial.person, "grounds": "cancelled_early", "decision": "№ 1-123/26"}
    body = created(officer.act("probation.complete", early, trial.number))
    assert body["result"]["case_closed"] is True
    assert ProbationFile.objects.get(pk=f.pk).completion_grounds == "cancelled_early"
    assert trial.stage() == "closed"
    # The meeting still ahead lapses with the file; the job does not find it missed.
    assert Meeting.objects.get(pk=meeting["result"]["meeting"]).state == "cancelled"
    clock.advance(timedelta(days=4))
    assert jobs.run_all()["probation.meetings.missed"] == 0


def test_no_appearance_within_ten_days_may_be_referred_and_a_late_one_is_marked(as_user):
    """CC 84(2): not appearing within ten days of the entry into force without good reason is
    grounds to submit revocation, with no violation recorded; an appearance after that is
    recorded all the same, marked late, and the period runs from it (CC 82(4))."""
    trial = in_force(as_user, PROBATION)
    n, person = trial.number, trial.person
    officer = as_user("probation_officer")
    f = ProbationFile.objects.get(case_id=n)
    revoke = {"person": person, "request": "revoke", "grounds": "Не явился в орган пробации"}
    clock.advance(end_of_day(f.appear_by) - clock.now() - timedelta(minutes=1))
    assert "CC 84(2)" in refused(officer.act("probation.court.refer", revoke, n), 409)["message"]
    clock.advance(timedelta(minutes=2))  # the tenth day is over
    assert created(officer.act("probation.court.refer", revoke, n))["result"]["court"] == "GB-SUD"
    appeared = created(officer.act("probation.appear", {"person": person}, n))["result"]
    assert appeared["late"] is True
    f.refresh_from_db()
    assert f.starts_on == local_date(clock.now()) == f.appear_by + timedelta(days=1)
    assert f.ends_on == add_months(f.starts_on, 12)
    call_command("rebuild_projections", check=True)


def test_a_report_request_opens_with_the_hearing_and_is_met_by_the_office(as_user):
    trial = Trial(as_user, at_liberty=True)
    judge = as_user(trial.judge)
    starts = clock.now() + timedelta(days=6)
    with override_settings(PROBATION_REPORT_TERM="3d"):
        body = created(
            judge.act(
                "courts.hearing.schedule",
                {"starts_at": iso(starts), "room": "3", "probation_report": True},
                trial.number,
            )
        )
    [caused] = [r for r in body["reactions"] if r["event"]["kind"] == "probation.report.request"]
    request_id = caused["result"]["request"]
    req = ReportRequest.objects.get(pk=request_id)
    assert (req.office_id, req.state, req.mandatory) == ("GB-PROB", "open", [])
    assert req.due_at == due_for(req.requested_at, Duration.parse("3d"))  # CPC 137 counting
    assert req.due_at < starts
    officer = as_user("probation_officer")
    listed = officer.get("/probation/reports").json()
    assert [r["id"] for r in listed] == [request_id]
    assert officer.get("/probation/reports", state="missed").json() == []
    told = [a for a in officer.get("/alerts").json() if a["kind"] == "probation.report.requested"]
    assert len(told) == 1 and trial.number in told[0]["message"]

    short = {"summary": "кратко"}
    assert refused(officer.act("probation.report.submit", short, trial.number), 400)
    report = {"summary": "Характеристика по месту жительства положительная."}
    assert refused(
        as_user("probation_officer_osh").act("probation.report.submit", report, trial.number), 404
    )
    done = created(officer.act("probation.report.submit", report, trial.number))
    assert done["result"] == {"request": request_id, "late": False}
    assert ReportRequest.objects.get(pk=request_id).state == "submitted"
    # The report answers the alert: it leaves the office's list.
    assert not [
        a for a in officer.get("/alerts").json() if a["kind"] == "probation.report.requested"
    ]
    assert refused(officer.act("probation.report.submit", report, trial.number), 409)
    call_command("rebuild_projections", check=True)


def test_without_a_term_the_report_is_due_by_the_hearing_and_late_after_it(as_user):
    trial = Trial(as_user, at_liberty=True)
    starts = clock.now() + timedelta(days=6)
    data = {"starts_at": iso(starts), "room": "3", "probation_report": True}
    created(as_user(trial.judge).act("courts.hearing.schedule", data, trial.number))
    req = ReportRequest.objects.get(case_id=trial.number)
    hearing = Hearing.objects.get(court_case__case_id=trial.number)
    assert req.due_at == hearing.starts_at and req.hearing == hearing.id
    clock.advance(timedelta(days=7))
    officer = as_user("probation_officer")
    assert [r["id"] for r in officer.get("/probation/reports", state="missed").json()] == [req.id]
    report = {"summary": "Доклад представлен после заседания."}
    assert created(officer.act("probation.report.submit", report, trial.number))["result"]["late"]


def test_a_report_ordered_for_a_woman_names_the_grounds(as_user):
    """The court orders the report for an accused woman (CPC 280(4)); the request says so."""
    trial = Trial(as_user, at_liberty=True, accused=OTHER)
    starts = clock.now() + timedelta(days=6)
    created(
        as_user(trial.judge).act(
            "courts.hearing.schedule", {"starts_at": iso(starts), "room": "3"}, trial.number
        )
    )
    req = ReportRequest.objects.get(case_id=trial.number)
    assert req.mandatory == [{"person": trial.person, "grounds": "woman"}]
    assert req.persons == [trial.person]
    alerts = as_user("probation_officer").get("/alerts").json()
    assert any(
        a["kind"] == "probation.report.requested" and a["case"] == trial.number for a in alerts
    )


def test_no_report_request_for_a_man_without_an_order(as_user):
    trial = Trial(as_user, at_liberty=True)
    trial.open()
    assert not ReportRequest.objects.filter(case_id=trial.number).exists()


def test_restriction_of_liberty_is_registered_for_its_months(as_user):
    """CEC 62: the term runs from the registration with the probation body — no appearance to
    await, unlike a release under probation supervision (CC 82(4))."""
    trial = in_force(as_user, {"kind": "restriction_of_liberty", "months": 12}, VANDALISM)
    f = ProbationFile.objects.get(case_id=trial.number)
    assert (f.type, f.sentence_kind) == ("executive", "restriction_of_liberty")
    registered_on = local_date(f.registered_at)
    assert (f.state, f.appear_by, f.starts_on) == ("active", None, registered_on)
    assert f.ends_on == add_months(registered_on, 12)


def test_an_officer_registers_pretrial_probation_in_a_case_the_office_holds(as_user):
    trial = Trial(as_user, at_liberty=True)
    starts = clock.now() + timedelta(days=6)
    data = {"starts_at": iso(starts), "room": "3", "probation_report": True}
    created(as_user(trial.judge).act("courts.hearing.schedule", data, trial.number))
    officer = as_user("probation_officer")
    body = created(
        officer.act(
            "probation.register", {"person": trial.person, "type": "pretrial"}, trial.number
        )
    )
    f = ProbationFile.objects.get(pk=body["result"]["file"])
    assert (f.type, f.source, f.officer, f.office_id) == (
        "pretrial",
        "officer",
        "probation_officer",
        "GB-PROB",
    )
    again = refused(
        officer.act(
            "probation.register", {"person": trial.person, "type": "pretrial"}, trial.number
        ),
        409,
    )
    assert "already" in again["message"]
    forged = {"person": trial.person, "type": "executive", "months": 12, "source": "verdict"}
    assert refused(officer.act("probation.register", forged, trial.number), 403)
    # Pre-trial supervision is no sentence: it does not hold the case open, and ends by act.
    assert remaining(trial.number) == set()
    created(
        officer.act(
            "probation.complete", {"person": trial.person, "grounds": "ended"}, trial.number
        )
    )
    call_command("rebuild_projections", check=True)


def test_community_work_is_completed_when_its_hours_are_served(as_user):
    trial = in_force(as_user, {"kind": "community_work", "hours": 80}, VANDALISM)
    f = ProbationFile.objects.get(case_id=trial.number)
    assert (f.sentence_kind, f.hours, f.ends_on) == ("community_work", 80, None)
    officer = as_user("probation_officer")
    short = {"person": trial.person, "hours_served": 60}
    assert (
        "80 hours"
        in refused(officer.act("probation.complete", short, trial.number), 409)["message"]
    )
    served = {"person": trial.person, "hours_served": 80}
    assert created(officer.act("probation.complete", served, trial.number))["result"]["case_closed"]


def test_the_sentence_supervision_takes_over_from_pretrial_supervision(as_user):
    trial = Trial(as_user, at_liberty=True)
    starts = clock.now() + timedelta(days=6)
    data = {"starts_at": iso(starts), "room": "3", "probation_report": True}
    created(as_user(trial.judge).act("courts.hearing.schedule", data, trial.number))
    officer = as_user("probation_officer")
    pretrial = {"person": trial.person, "type": "pretrial"}
    first = created(officer.act("probation.register", pretrial, trial.number))["result"]["file"]
    clock.advance(timedelta(days=6, minutes=1))
    hearing = Hearing.objects.get(court_case__case_id=trial.number)
    created(as_user(trial.judge).act("courts.trial.open", {"hearing": hearing.id}, trial.number))
    unshifted_term()
    row = {"person": trial.person, "outcome": "convicted", **THEFT, "sentence": PROBATION}
    created(trial.deliver(row))
    clock.advance(timedelta(days=31))
    jobs.run_all()
    ended = ProbationFile.objects.get(pk=first)
    assert (ended.state, ended.completion_grounds) == ("completed", "superseded")
    [running] = ProbationFile.objects.filter(
        case_id=trial.number, state__in=("active", "awaiting_appearance")
    )
    assert (running.type, running.state) == ("executive", "awaiting_appearance")
    call_command("rebuild_projections", check=True)


def test_the_convict_is_supervised_by_the_office_where_they_live(as_user):
    """CEC 30(2): the probation office of the place of residence, not of the case's place. The
    index learnt it from the investigator; the convict lives in the Osh region, the case is in
    Bishkek."""
    from tests.courts.test_verdicts import ACCUSED

    trial = in_force(as_user, PROBATION, accused={**ACCUSED, "residence": "KG-O-UZG"})
    n = trial.number
    [f] = ProbationFile.objects.filter(case_id=n)
    assert f.office_id == "OSH-PROB"  # Uzgen district has no office: the region's serves it
    event = Event.objects.get(stream=f"case/{n}", kind="probation.register")
    assert event.payload["office_basis"] == "residence"
    assert as_user("probation_officer_osh").get(f"/cases/{n}").status_code == 200
    assert as_user("probation_officer").get(f"/probation/files/{f.id}").status_code == 404
    appeared = as_user("probation_officer_osh").act("probation.appear", {"person": f.person_id}, n)
    assert appeared.status_code == 201, appeared.content
    call_command("rebuild_projections", check=True)


@pytest.mark.parametrize("residence", [None, "KG-C"])
def test_without_a_residence_the_office_of_the_cases_place_supervises(as_user, residence):
    """No residence in the index, or one no probation office serves (no office in the Chüy
    region): the office of the case's place, and the event says so."""
    from tests.courts.test_verdicts import ACCUSED

    accused = {**ACCUSED, "residence": residence} if residence else ACCUSED
    trial = in_force(as_user, PROBATION, accused=accused)
    [f] = ProbationFile.objects.filter(case_id=trial.number)
    event = Event.objects.get(stream=f"case/{trial.number}", kind="probation.register")
    assert (f.office_id, event.payload["office_basis"]) == ("GB-PROB", "case")
