"""The register of advocates, duty rosters and the coordinators' views (coverage, response
times), with an outsider test for each endpoint."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.legalaid.conftest import appointments_in, arrest

from icjis.core import clock
from icjis.core.models import Event
from icjis.legalaid.demo import seed_legal_aid
from icjis.legalaid.models import Advocate, DutyShift

ADVOCATE = {
    "licence": "GB-0100",
    "full_name": "Сатыбалдиева Асель",
    "status": "active",
    "languages": ["ky", "ru", "uz"],
    "region": "KG-GB",
    "specialisations": ["juvenile"],
}


def _at(hours: float) -> str:
    return (clock.now() + timedelta(hours=hours)).isoformat()


def test_the_demo_world_has_a_round_the_clock_roster_in_both_demo_districts(world):
    now = clock.now()
    for district, first in (("KG-GB-LEN", "GB-0001"), ("KG-O-KSU", "OSH-0001")):
        shift = DutyShift.objects.get(district=district, starts_at__lte=now, ends_at__gt=now)
        assert shift.advocates[0] == first and len(shift.advocates) == 2
        last = DutyShift.objects.filter(district=district).order_by("-ends_at").first()
        assert last.ends_at - now > timedelta(days=398)
    assert Advocate.objects.get(pk="GB-0001").username == "lawyer"


def test_seeding_the_demo_world_again_records_nothing_new(world):
    before = Event.objects.count()
    seed_legal_aid()
    assert Event.objects.count() == before


def test_the_coordinator_registers_an_advocate_and_changes_the_entry(as_user):
    r = as_user("legal_aid_coordinator").act("legalaid.advocate.register", ADVOCATE)
    assert r.status_code == 201, r.content
    assert r.json()["event"]["stream"] == "advocate/GB-0100"
    r = as_user("legal_aid_coordinator").act(
        "legalaid.advocate.register", {**ADVOCATE, "status": "suspended"}
    )
    assert r.status_code == 201
    listed = as_user("investigator").get("/legalaid/advocates", region="KG-GB").json()
    entry = next(a for a in listed if a["licence"] == "GB-0100")
    assert entry["status"] == "suspended" and entry["languages"] == ["ky", "ru", "uz"]
    assert {
        a["code"] for a in as_user("lawyer").get("/legalaid/advocates", status="active").json()
    } >= {
        "GB-0001",
        "OSH-0001",
    }


def test_an_advocate_entry_is_refused_outside_the_coordinators_region_and_to_others(as_user):
    osh = as_user("legal_aid_coordinator_osh").act("legalaid.advocate.register", ADVOCATE)
    assert osh.status_code == 403
    assert as_user("lawyer").act("legalaid.advocate.register", ADVOCATE).status_code == 403
    taken = {**ADVOCATE, "username": "lawyer"}
    assert (
        as_user("legal_aid_coordinator").act("legalaid.advocate.register", taken).status_code == 409
    )
    not_a_lawyer = {**ADVOCATE, "username": "investigator"}
    r = as_user("legal_aid_coordinator").act("legalaid.advocate.register", not_a_lawyer)
    assert r.status_code == 400 and r.json()["fields"] == {"username": "not a lawyer"}


def test_a_roster_replaces_only_its_own_window_and_keeps_the_rest(as_user):
    shifts = [
        {"starts_at": _at(1), "ends_at": _at(5), "advocates": ["GB-0002", "GB-0001"]},
        {"starts_at": _at(5), "ends_at": _at(9), "advocates": []},
    ]
    r = as_user("legal_aid_coordinator").act(
        "legalaid.roster.set", {"district": "KG-GB-LEN", "shifts": shifts}
    )
    assert r.status_code == 201, r.content
    now = clock.now()
    running = DutyShift.objects.get(district="KG-GB-LEN", starts_at__lte=now, ends_at__gt=now)
    assert running.advocates == ["GB-0001", "GB-0002"]  # the running shift keeps its past

    def on_duty_in(hours: float) -> list[str]:
        moment = now + timedelta(hours=hours)
        [shift] = DutyShift.objects.filter(
            district="KG-GB-LEN", starts_at__lte=moment, ends_at__gt=moment
        )
        return shift.advocates

    assert on_duty_in(2) == ["GB-0002", "GB-0001"]
    assert on_duty_in(6) == []
    assert on_duty_in(9.1) == ["GB-0001", "GB-0002"]  # the roster beyond the window is kept


def test_a_roster_is_refused_when_shifts_overlap_or_name_unknown_advocates(as_user):
    coordinator = as_user("legal_aid_coordinator")
    overlapping = [
        {"starts_at": _at(1), "ends_at": _at(5), "advocates": ["GB-0001"]},
        {"starts_at": _at(4), "ends_at": _at(9), "advocates": ["GB-0002"]},
    ]
    r = coordinator.act("legalaid.roster.set", {"district": "KG-GB-LEN", "shifts": overlapping})
    assert r.status_code == 400 and "overlap" in r.json()["message"]
    unknown = [{"starts_at": _at(1), "ends_at": _at(5), "advocates": ["XX-1"]}]
    r = coordinator.act("legalaid.roster.set", {"district": "KG-GB-LEN", "shifts": unknown})
    assert r.status_code == 400
    past = [{"starts_at": _at(-5), "ends_at": _at(-1), "advocates": ["GB-0001"]}]
    r = coordinator.act("legalaid.roster.set", {"district": "KG-GB-LEN", "shifts": past})
    assert r.status_code == 400
    mine = [{"starts_at": _at(1), "ends_at": _at(5), "advocates": ["GB-0001"]}]
    r = as_user("legal_aid_coordinator_osh").act(
        "legalaid.roster.set", {"district": "KG-GB-LEN", "shifts": mine}
    )
    assert r.status_code == 403


def test_coverage_shows_the_hours_with_nobody_on_duty(as_user):
    now = clock.now()
    shifts = [{"starts_at": _at(3), "ends_at": _at(30), "advocates": ["GB-0001"]}]
    as_user("legal_aid_coordinator").act(
        "legalaid.roster.set",
        {"district": "KG-GB-LEN", "valid_from": now.isoformat(), "shifts": shifts},
    )
    body = (
        as_user("legal_aid_coordinator")
        .get("/legalaid/coverage", **{"from": now.isoformat(), "to": _at(24)})
        .json()
    )
    rows = {d["district"]: d for d in body["districts"]}
    assert set(rows) == {"KG-GB-LEN", "KG-GB-OKT", "KG-GB-PER", "KG-GB-SVE"}
    [gap] = rows["KG-GB-LEN"]["gaps"]
    assert 2.9 < gap["hours"] <= 3.0
    assert datetime.fromisoformat(gap["from"]) - now < timedelta(seconds=5)
    assert rows["KG-GB-OKT"]["uncovered_hours"] == 24  # no roster at all
    osh = as_user("legal_aid_coordinator_osh").get("/legalaid/coverage").json()["districts"]
    assert {d["district"] for d in osh} == {"KG-O-KSU", "KG-O-NOO", "KG-O-UZG"}
    assert next(d for d in osh if d["district"] == "KG-O-KSU")["gaps"] == []
    assert as_user("lawyer").get("/legalaid/coverage").status_code == 403
    assert as_user("investigator").get("/legalaid/coverage").status_code == 403


def test_response_times_per_advocate(as_user, suspect_case):
    n, pid = suspect_case
    [first] = appointments_in(arrest(as_user, n, pid))
    r = as_user("lawyer").act(
        "legalaid.decline", {"appointment": first["appointment"], "reason": "Занят"}, case=n
    )
    [second] = appointments_in(r.json())
    clock.advance(timedelta(minutes=20))
    as_user("lawyer_2").act("legalaid.accept", {"appointment": second["appointment"]}, case=n)
    rows = {
        r["licence"]: r
        for r in as_user("legal_aid_coordinator").get("/legalaid/response-times").json()
    }
    assert rows["GB-0001"]["declined"] == 1 and rows["GB-0001"]["median_minutes_to_accept"] is None
    assert rows["GB-0002"]["accepted"] == 1
    assert 20 <= rows["GB-0002"]["median_minutes_to_accept"] < 21
    own = as_user("lawyer_2").get("/legalaid/response-times").json()
    assert [r["licence"] for r in own] == ["GB-0002"]
    assert as_user("legal_aid_coordinator_osh").get("/legalaid/response-times").json() == []
    assert as_user("investigator").get("/legalaid/response-times").status_code == 403


def test_the_directory_of_advocates_lists_the_register(as_user):
    rows = as_user("investigator").get("/directory/advocates").json()
    assert {"GB-0001", "GB-0002"} <= {r["licence"] for r in rows}


def test_reading_the_appointments_list_is_logged(as_user):
    from icjis.core.models import AccessRecord

    assert as_user("lawyer").get("/legalaid/appointments").status_code == 200
    record = AccessRecord.objects.get(actor="lawyer", subject_type="appointments")
    assert (record.purpose, record.outcome) == ("defence", "shown")


def test_a_period_is_read_in_utc_and_an_impossible_one_refused_not_a_server_error(as_user):
    """An offset beyond any real timezone (+21:05) is still a moment: read in UTC, the database
    stores it. A moment before the year 1900 or without a timezone is refused with a 400."""
    coordinator = as_user("legal_aid_coordinator")
    for path in ("/legalaid/response-times", "/legalaid/coverage"):
        odd = coordinator.get(path, **{"from": "2026-01-01T00:00:00+21:05"})
        assert odd.status_code == 200, (path, odd.content)
        for bad in ("0001-01-01T00:00:00+05:00", "2026-01-01T00:00"):
            r = coordinator.get(path, **{"from": bad})
            assert r.status_code == 400, (path, bad, r.content)
            assert r.json()["error"] == "invalid"
