"""Legal aid triggered by the detention event: the duty lawyer is appointed in the arrest's own
transaction, answers against the custody clock, and nothing is dropped when nobody answers or
nobody is on duty (CPC 44(1)(6), 49(2), 50(4)-(5), 51(2))."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.management import call_command
from tests.legalaid.conftest import appointments_in, arrest, make_case

from icjis.core import clock, jobs
from icjis.core.models import CaseOfficer, PersonSighting
from icjis.legalaid.models import Appointment


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _gap_roster(as_user, district="KG-GB-LEN", site=""):
    """A roster for the district with nobody on duty for the next two hours."""
    now = clock.now()
    shift = {
        "starts_at": _iso(now + timedelta(hours=2)),
        "ends_at": _iso(now + timedelta(hours=26)),
        "advocates": ["GB-0001" if not site else "OSH-0001"],
    }
    r = as_user(f"legal_aid_coordinator{site}").act(
        "legalaid.roster.set", {"district": district, "valid_from": _iso(now), "shifts": [shift]}
    )
    assert r.status_code == 201, r.content
    return r


def test_an_arrest_appoints_the_duty_lawyer_in_the_same_response_and_the_lawyer_sees_it(
    as_user, suspect_case
):
    n, pid = suspect_case
    assert as_user("lawyer").get(f"/cases/{n}").status_code == 404
    body = arrest(as_user, n, pid)
    [appointed] = appointments_in(body)
    assert appointed["lawyer"] == "lawyer" and appointed["licence"] == "GB-0001"
    assert appointed["state"] == "offered" and appointed["person"] == pid
    respond_by = datetime.fromisoformat(appointed["respond_by"])
    assert timedelta(minutes=59) < respond_by - clock.now() <= timedelta(minutes=60)
    mine = as_user("lawyer").get("/legalaid/appointments", state="open").json()["items"]
    assert [a["id"] for a in mine] == [appointed["appointment"]]
    assert mine[0]["case"] == n and mine[0]["detained_at"] is not None
    case = as_user("investigator").get(f"/cases/{n}").json()
    assert case["details"]["legal_aid"][appointed["appointment"]]["lawyer"] == "lawyer"


def test_the_lawyer_accepts_the_time_is_recorded_and_the_case_opens_to_them(as_user, suspect_case):
    n, pid = suspect_case
    [appointed] = appointments_in(arrest(as_user, n, pid))
    clock.advance(timedelta(minutes=12))
    r = as_user("lawyer").act("legalaid.accept", {"appointment": appointed["appointment"]}, case=n)
    assert r.status_code == 201, r.content
    result = r.json()["result"]
    assert 12 <= result["minutes_to_respond"] < 13
    assert 12 <= result["minutes_since_detention"] < 14
    row = Appointment.objects.get(pk=appointed["appointment"])
    assert row.state == "accepted" and row.responded_at is not None and not row.late
    assert as_user("lawyer").get(f"/cases/{n}").status_code == 200
    assert as_user("lawyer").get("/legalaid/appointments").json()["items"] == []
    again = as_user("lawyer").act("legalaid.accept", {"appointment": row.id}, case=n)
    assert again.status_code == 409


def test_only_the_appointed_lawyer_may_answer(as_user, suspect_case):
    n, pid = suspect_case
    [appointed] = appointments_in(arrest(as_user, n, pid))
    data = {"appointment": appointed["appointment"]}
    assert as_user("lawyer_2").act("legalaid.accept", data, case=n).status_code == 404
    assert as_user("investigator").act("legalaid.accept", data, case=n).status_code == 403
    assert as_user("lawyer_osh").act("legalaid.accept", data, case=n).status_code == 404


def test_a_decline_appoints_the_next_lawyer_in_the_same_response(as_user, suspect_case):
    n, pid = suspect_case
    [first] = appointments_in(arrest(as_user, n, pid))
    r = as_user("lawyer").act(
        "legalaid.decline", {"appointment": first["appointment"], "reason": "Болен"}, case=n
    )
    assert r.status_code == 201, r.content
    [second] = appointments_in(r.json())
    assert second["lawyer"] == "lawyer_2" and second["state"] == "offered"
    declined = Appointment.objects.get(pk=first["appointment"])
    assert declined.state == "declined" and declined.decline_reason == "Болен"
    officers = set(CaseOfficer.objects.filter(case_id=n, role="lawyer").values_list("username"))
    assert officers == {("lawyer_2",)}
    assert as_user("lawyer").get(f"/cases/{n}").status_code == 404
    assert (
        as_user("lawyer_2").get("/legalaid/appointments").json()["items"][0]["previous"]
        == (first["appointment"])
    )


def test_when_every_lawyer_on_duty_declines_the_appointment_waits_for_the_coordinator(
    as_user, suspect_case
):
    n, pid = suspect_case
    [first] = appointments_in(arrest(as_user, n, pid))
    r = as_user("lawyer").act(
        "legalaid.decline", {"appointment": first["appointment"], "reason": "Занят"}, case=n
    )
    [second] = appointments_in(r.json())
    r = as_user("lawyer_2").act(
        "legalaid.decline", {"appointment": second["appointment"], "reason": "Занят"}, case=n
    )
    [third] = appointments_in(r.json())
    assert third["state"] == "unassigned" and third["lawyer"] is None
    alerts = as_user("legal_aid_coordinator").get("/alerts").json()
    assert any(a["kind"] == "legalaid.unassigned" and a["case"] == n for a in alerts)
    r = as_user("legal_aid_coordinator").act(
        "legalaid.appoint", {"person": pid, "lawyer": "GB-0002"}, case=n
    )
    assert r.status_code == 201, r.content
    assert r.json()["result"]["lawyer"] == "lawyer_2"
    assert Appointment.objects.get(pk=third["appointment"]).state == "superseded"
    # The lawyer appointed by hand answers the coordinator's alert.
    alerts = as_user("legal_aid_coordinator").get("/alerts").json()
    assert not any(a["kind"] == "legalaid.unassigned" and a["case"] == n for a in alerts)


def test_with_nobody_on_duty_the_appointment_is_unassigned_and_the_coordinator_is_alerted(
    as_user, suspect_case
):
    n, pid = suspect_case
    _gap_roster(as_user)
    [appointed] = appointments_in(arrest(as_user, n, pid))
    assert appointed["state"] == "unassigned" and appointed["lawyer"] is None
    alerts = as_user("legal_aid_coordinator").get("/alerts").json()
    [alert] = [a for a in alerts if a["kind"] == "legalaid.unassigned"]
    assert alert["case"] == n and alert["subject"] == pid
    # The list named the person: the read is logged with them.
    seen = PersonSighting.objects.get(actor="legal_aid_coordinator", subject_type="alerts")
    assert (seen.person, seen.subject) == (pid, "api:open")
    assert not any(
        a["kind"] == "legalaid.unassigned" for a in as_user("lawyer").get("/alerts").json()
    )
    assert not as_user("legal_aid_coordinator_osh").get("/alerts").json()
    coordinator = as_user("legal_aid_coordinator").get("/legalaid/appointments").json()["items"]
    assert [a["state"] for a in coordinator] == ["unassigned"]
    # Nothing is dropped: once somebody comes on duty the worker's job fills the appointment.
    assert jobs.run_all()["legalaid.escalate"] == 0
    clock.advance(timedelta(hours=2, minutes=1))
    assert jobs.run_all()["legalaid.escalate"] == 1
    filled = Appointment.objects.get(case_id=n, state="offered")
    assert filled.lawyer == "lawyer" and filled.previous == appointed["appointment"]
    assert not as_user("legal_aid_coordinator").get("/alerts").json()  # answered by the offer
    assert Appointment.objects.get(pk=appointed["appointment"]).state == "superseded"


def test_an_offer_not_accepted_in_time_passes_to_the_next_lawyer_and_the_coordinator_is_told(
    as_user, suspect_case
):
    n, pid = suspect_case
    [first] = appointments_in(arrest(as_user, n, pid))
    clock.advance(timedelta(minutes=30))
    assert jobs.run_all()["legalaid.escalate"] == 0
    clock.advance(timedelta(minutes=31))
    assert jobs.run_all()["legalaid.escalate"] == 1
    assert Appointment.objects.get(pk=first["appointment"]).state == "lapsed"
    nxt = Appointment.objects.get(case_id=n, state="offered")
    assert nxt.lawyer == "lawyer_2" and nxt.trigger == "escalation"
    alerts = as_user("legal_aid_coordinator").get("/alerts").json()
    assert any(a["kind"] == "legalaid.lapsed" and a["case"] == n for a in alerts)
    late = as_user("lawyer").act("legalaid.accept", {"appointment": first["appointment"]}, case=n)
    assert late.status_code == 404  # no longer in the case


def test_a_late_answer_before_the_escalation_is_taken_and_marked_late(as_user, suspect_case):
    n, pid = suspect_case
    [first] = appointments_in(arrest(as_user, n, pid))
    clock.advance(timedelta(minutes=70))
    r = as_user("lawyer").act("legalaid.accept", {"appointment": first["appointment"]}, case=n)
    assert r.status_code == 201
    assert Appointment.objects.get(pk=first["appointment"]).late
    assert jobs.run_all()["legalaid.escalate"] == 0


def test_private_counsel_closes_the_appointment(as_user, suspect_case):
    n, pid = suspect_case
    [appointed] = appointments_in(arrest(as_user, n, pid))
    r = as_user("investigator").act(
        "legalaid.private_counsel", {"person": pid, "lawyer_name": "Токтогулов Эрлан"}, case=n
    )
    assert r.status_code == 201, r.content
    assert r.json()["result"]["replaced"] == [appointed["appointment"]]
    row = Appointment.objects.get(pk=appointed["appointment"])
    assert row.state == "replaced" and row.closed_at is not None
    assert as_user("lawyer").get(f"/cases/{n}").status_code == 404
    assert jobs.run_all()["legalaid.escalate"] == 0
    clock.advance(timedelta(minutes=61))
    assert jobs.run_all()["legalaid.escalate"] == 0


def test_private_counsel_from_the_register_gets_the_case(as_user, suspect_case):
    n, pid = suspect_case
    data = {"person": pid, "lawyer_name": "Иванов Сергей", "licence": "GB-0002"}
    assert as_user("investigator").act("legalaid.private_counsel", data, case=n).status_code == 201
    assert as_user("lawyer_2").get(f"/cases/{n}").status_code == 200
    assert appointments_in(arrest(as_user, n, pid)) == []


def test_a_suspect_notified_while_already_having_counsel_gets_no_second_appointment(
    as_user, suspect_case
):
    n, pid = suspect_case
    [appointed] = appointments_in(arrest(as_user, n, pid))
    as_user("lawyer").act("legalaid.accept", {"appointment": appointed["appointment"]}, case=n)
    r = as_user("investigator").act("registry.suspicion.notify", {"person": pid}, case=n)
    assert r.status_code == 201, r.content
    assert appointments_in(r.json()) == []
    assert Appointment.objects.filter(case_id=n).count() == 1


def test_a_suspect_notified_without_counsel_gets_the_duty_lawyer(as_user, suspect_case):
    n, pid = suspect_case
    r = as_user("investigator").act("registry.suspicion.notify", {"person": pid}, case=n)
    assert r.status_code == 201, r.content
    [appointed] = appointments_in(r.json())
    assert appointed["lawyer"] == "lawyer"
    assert Appointment.objects.get(pk=appointed["appointment"]).trigger == "suspicion"


def test_lawyer_osh_cannot_see_bishkek_appointments(as_user, suspect_case):
    n, pid = suspect_case
    [appointed] = appointments_in(arrest(as_user, n, pid))
    for who in ("lawyer_osh", "legal_aid_coordinator_osh", "investigator_osh"):
        assert as_user(who).get("/legalaid/appointments", state="all").json()["items"] == [], who
    assert as_user("lawyer_osh").get(f"/cases/{n}").status_code == 404
    seen = as_user("legal_aid_coordinator").get("/legalaid/appointments").json()["items"]
    assert [a["id"] for a in seen] == [appointed["appointment"]]
    assert (
        as_user("investigator").get("/legalaid/appointments").json()["items"][0]["id"]
        == (appointed["appointment"])
    )


def test_an_osh_arrest_appoints_the_osh_duty_lawyer(as_user):
    report = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-O"}}
    n, pid = make_case(as_user, report, site="_osh")
    [appointed] = appointments_in(arrest(as_user, n, pid, site="_osh"))
    assert appointed["lawyer"] == "lawyer_osh"
    assert as_user("lawyer").get("/legalaid/appointments", state="all").json()["items"] == []


def test_the_coordinator_may_appoint_by_hand_but_not_twice_over_counsel(as_user, suspect_case):
    n, pid = suspect_case
    r = as_user("legal_aid_coordinator").act("legalaid.appoint", {"person": pid}, case=n)
    assert r.status_code == 201 and r.json()["result"]["lawyer"] == "lawyer"
    as_user("lawyer").act(
        "legalaid.accept", {"appointment": r.json()["result"]["appointment"]}, case=n
    )
    again = as_user("legal_aid_coordinator").act("legalaid.appoint", {"person": pid}, case=n)
    assert again.status_code == 409
    system_only = {"person": pid, "trigger": "arrest"}
    r = as_user("legal_aid_coordinator").act("legalaid.appoint", system_only, case=n)
    assert r.status_code == 403
    outsider = as_user("legal_aid_coordinator_osh").act("legalaid.appoint", {"person": pid}, case=n)
    assert outsider.status_code == 404
    assert (
        as_user("investigator").act("legalaid.appoint", {"person": pid}, case=n).status_code == 403
    )
    escalate = as_user("legal_aid_coordinator").act(
        "legalaid.escalate", {"appointment": "LA-x"}, case=n
    )
    assert escalate.status_code == 403


def test_projections_rebuild_identically_after_a_legal_aid_history(as_user, suspect_case):
    n, pid = suspect_case
    [first] = appointments_in(arrest(as_user, n, pid))
    r = as_user("lawyer").act(
        "legalaid.decline", {"appointment": first["appointment"], "reason": "Болен"}, case=n
    )
    [second] = appointments_in(r.json())
    clock.advance(timedelta(minutes=61))
    jobs.run_all()
    other, pid2 = make_case(as_user)
    _gap_roster(as_user)
    arrest(as_user, other, pid2)
    as_user("investigator").act(
        "legalaid.private_counsel",
        {"person": pid, "lawyer_name": "Иванов Сергей", "licence": "GB-0002"},
        case=n,
    )
    assert Appointment.objects.get(pk=second["appointment"]).state == "lapsed"
    call_command("rebuild_projections", check=True)
