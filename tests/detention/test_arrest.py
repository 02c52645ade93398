"""The arrest record: the hour of detention, the recording time beside it, and the custody
clock it starts (CPC 96-97, 100(2); Constitution 59(4))."""

from __future__ import annotations

from datetime import datetime, timedelta

from icjis.core import clock
from icjis.core.models import CaseParticipant, Event
from icjis.detention.models import Detention

from .conftest import minute


def _terms(api, case: str) -> dict[str, dict]:
    return {d["rule"]: d for d in api.get(f"/cases/{case}").json()["deadlines"]}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_an_arrest_puts_the_45_and_48_hour_terms_on_the_case_from_the_hour_of_detention(
    as_user, open_case, suspect, arrest
):
    detained = minute(timedelta(hours=2, minutes=17))
    r = arrest(suspect, ago=timedelta(hours=2, minutes=17))
    assert r.status_code == 201, r.content
    assert r.json()["result"]["detention"] == f"D-{open_case}-{r.json()['event']['seq']}"
    terms = _terms(as_user("investigator"), open_case)
    court, release = terms["detention.court"], terms["detention.release"]
    assert court["subject"] == release["subject"] == suspect
    assert at(court["starts_at"]) == detained
    assert at(court["due_at"]) == detained + timedelta(hours=45)
    assert at(release["due_at"]) == detained + timedelta(hours=48)
    assert at(terms["detention.record_to_prosecutor"]["due_at"]) == detained + timedelta(hours=12)
    assert court["state"] == release["state"] == "running"


def test_the_event_keeps_the_hour_of_detention_beside_the_recording_time(
    open_case, suspect, arrest
):
    r = arrest(suspect, ago=timedelta(minutes=40))
    event = Event.objects.get(stream=f"case/{open_case}", seq=r.json()["event"]["seq"])
    assert event.claimed_at == minute(timedelta(minutes=40))
    assert event.recorded_at > event.claimed_at
    assert not Detention.objects.get(case_id=open_case).late_record


def test_a_child_gets_21_and_24_hours(as_user, open_case, child, arrest):
    detained = minute(timedelta(hours=1))
    assert arrest(child).status_code == 201
    terms = _terms(as_user("investigator"), open_case)
    assert "detention.court" not in terms and "detention.release" not in terms
    assert at(terms["detention.court.child"]["due_at"]) == detained + timedelta(hours=21)
    assert at(terms["detention.release.child"]["due_at"]) == detained + timedelta(hours=24)


def test_an_hour_of_detention_in_the_future_is_refused_and_nothing_is_written(
    open_case, suspect, arrest
):
    before = Event.objects.count()
    r = arrest(suspect, ago=timedelta(minutes=-5))
    assert r.status_code == 400 and r.json()["fields"] == {"detained_at": "future"}
    assert Event.objects.count() == before
    assert not Detention.objects.exists()


def test_an_hour_without_a_timezone_is_refused(as_user, open_case, suspect):
    body = {"person": suspect, "detained_at": "2020-01-01T10:00:00", "place": "x", "grounds": "xyz"}
    r = as_user("investigator").act("detention.arrest", body, case=open_case)
    assert r.status_code == 400 and "detained_at" in r.json()["fields"]


def test_a_record_made_4_hours_late_is_flagged_to_the_head_of_unit_and_the_prosecutor(
    as_user, open_case, suspect, arrest
):
    assert arrest(suspect, ago=timedelta(hours=4)).status_code == 201
    assert Detention.objects.get(case_id=open_case).late_record
    for reader in ("unit_head", "prosecutor"):
        alerts = as_user(reader).get("/alerts").json()
        late = [a for a in alerts if a["kind"] == "detention.late_record"]
        assert len(late) == 1 and late[0]["case"] == open_case and late[0]["subject"] == suspect
        assert "4 h 00 min" in late[0]["message"]
    kinds = {a["kind"] for a in as_user("investigator").get("/alerts").json()}
    assert "detention.late_record" not in kinds


def test_a_record_within_3_hours_raises_no_alert(as_user, suspect, arrest):
    assert arrest(suspect, ago=timedelta(hours=2, minutes=59)).status_code == 201
    kinds = {a["kind"] for a in as_user("prosecutor").get("/alerts").json()}
    assert "detention.late_record" not in kinds


def test_a_person_held_in_the_case_cannot_be_arrested_twice(suspect, arrest):
    assert arrest(suspect).status_code == 201
    r = arrest(suspect, ago=timedelta(minutes=10))
    assert r.status_code == 409
    assert Detention.objects.count() == 1


def test_a_witness_who_is_detained_becomes_a_suspect(open_case, add_person, arrest):
    witness = add_person(role="witness", surname="Токтогулов")
    assert arrest(witness).status_code == 201
    roles = set(CaseParticipant.objects.filter(person_id=witness).values_list("role", flat=True))
    assert roles == {"witness", "suspect"}


def test_only_a_participant_of_the_case_can_be_detained(open_case, arrest):
    r = arrest("PFFFFFFFFFFFF")
    assert r.status_code == 400 and r.json()["fields"] == {"person": "not in the case"}


def test_the_arrest_names_the_facility_the_detainee_is_taken_to(
    as_user, open_case, suspect, add_person, arrest
):
    r = arrest(suspect)
    assert r.json()["result"]["facility"] == "GB-IVS"
    units = as_user("investigator").get(f"/cases/{open_case}").json()["units"]
    assert {"unit": "GB-IVS", "capacity": "detention"} in units
    r = arrest(add_person(surname="Мамытов"), facility="GB-UVD")
    assert r.status_code == 400 and r.json()["fields"] == {"facility": "unknown"}


def test_only_an_investigator_may_arrest(as_user, open_case, suspect):
    body = {
        "person": suspect,
        "detained_at": clock.now().isoformat(),
        "place": "x",
        "grounds": "xyz",
    }
    assert as_user("ivs_officer").act("detention.arrest", body, case=open_case).status_code == 403
    assert as_user("registrar").act("detention.arrest", body, case=open_case).status_code == 403
