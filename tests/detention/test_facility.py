"""Life in the facility: admission, the medical examination, effects, cells, movements,
complaints and release (CPC 44(6), 97(7), 98, 100, 101)."""

from __future__ import annotations

from datetime import timedelta

from icjis.core.models import Unit
from icjis.detention.models import Detention, EffectsItem
from icjis.legal.models import Deadline


def test_the_facility_admits_and_its_medic_examines_the_detainee(
    as_user, open_case, suspect, arrest
):
    assert arrest(suspect).status_code == 201
    officer, medic = as_user("ivs_officer"), as_user("ivs_medic")
    r = officer.act("detention.admit", {"person": suspect, "facility": "GB-IVS"}, case=open_case)
    assert r.status_code == 201, r.content
    detention = r.json()["result"]["detention"]
    assert officer.get(f"/cases/{open_case}").status_code == 200  # the facility now sees the case
    row = officer.get(f"/detention/{detention}").json()
    assert row["status"] == "admitted" and row["exam_due"] is True
    r = medic.act(
        "detention.medical_exam",
        {"person": suspect, "injuries": False, "notes": "Жалоб нет"},
        case=open_case,
    )
    assert r.status_code == 201, r.content
    row = medic.get(f"/detention/{detention}").json()
    assert row["exam_due"] is False
    assert row["medical_exams"][0]["occasion"] == "admission"
    assert row["medical_exams"][0]["notes"] == "Жалоб нет"
    alerts = as_user("prosecutor").get("/alerts").json()
    assert not [a for a in alerts if a["kind"] == "detention.injuries"]


def test_injuries_found_on_admission_are_reported_to_the_prosecutor(as_user, open_case, admitted):
    exam = {
        "person": Detention.objects.get(pk=admitted).person_id,
        "injuries": True,
        "notes": "Гематома левого плеча",
    }
    assert (
        as_user("ivs_medic").act("detention.medical_exam", exam, case=open_case).status_code == 201
    )
    alerts = [
        a for a in as_user("prosecutor").get("/alerts").json() if a["kind"] == "detention.injuries"
    ]
    assert len(alerts) == 1 and alerts[0]["case"] == open_case
    assert "Гематома" not in alerts[0]["message"]  # the medical notes stay in the record
    assert not [
        a for a in as_user("unit_head").get("/alerts").json() if a["kind"] == "detention.injuries"
    ]


def test_the_investigator_sees_whether_there_were_injuries_but_not_the_medics_notes(
    as_user, open_case, suspect, admitted
):
    exam = {"person": suspect, "injuries": True, "notes": "Ссадины"}
    as_user("ivs_medic").act("detention.medical_exam", exam, case=open_case)
    seen = as_user("investigator").get(f"/detention/{admitted}").json()["medical_exams"][0]
    assert seen["injuries"] is True and seen["notes"] is None
    assert (
        as_user("prosecutor").get(f"/detention/{admitted}").json()["medical_exams"][0]["notes"]
        == "Ссадины"
    )


def test_the_officer_cannot_examine_and_the_medic_cannot_admit(as_user, open_case, suspect, arrest):
    arrest(suspect)
    admit = {"person": suspect, "facility": "GB-IVS"}
    assert as_user("ivs_medic").act("detention.admit", admit, case=open_case).status_code == 403
    exam = {"person": suspect, "injuries": False}
    assert (
        as_user("ivs_officer").act("detention.medical_exam", exam, case=open_case).status_code
        == 403
    )


def test_a_facility_cannot_admit_to_another_facility_nor_twice(
    as_user, open_case, suspect, admitted
):
    officer = as_user("ivs_officer")
    r = officer.act("detention.admit", {"person": suspect, "facility": "OSH-IVS"}, case=open_case)
    assert r.status_code == 403
    r = officer.act("detention.admit", {"person": suspect, "facility": "GB-IVS"}, case=open_case)
    assert r.status_code == 409


def test_a_full_facility_refuses_admission(as_user, open_case, suspect, arrest):
    Unit.objects.filter(code="GB-IVS").update(capacity=1)
    other = (
        as_user("investigator")
        .act(
            "registry.participant.add",
            {
                "role": "suspect",
                "person": {"surname": "Эшимов", "given_name": "Данияр", "sex": "M"},
            },
            case=open_case,
        )
        .json()["result"]["person"]
    )
    officer = as_user("ivs_officer")
    for person in (suspect, other):
        assert arrest(person).status_code == 201
    assert (
        officer.act(
            "detention.admit", {"person": suspect, "facility": "GB-IVS"}, case=open_case
        ).status_code
        == 201
    )
    r = officer.act("detention.admit", {"person": other, "facility": "GB-IVS"}, case=open_case)
    assert r.status_code == 409 and "full" in r.json()["message"]
    facility = {f["code"]: f for f in officer.get("/detention/facilities").json()}["GB-IVS"]
    assert facility["capacity"] == 1 and facility["occupancy"] == 1 and facility["arriving"] == 1


def test_a_full_cell_refuses_a_move_and_the_facility_shows_its_occupancy(
    as_user, open_case, add_person, arrest
):
    officer = as_user("ivs_officer")
    people = [add_person(surname=f"Ногойбаев{i}") for i in range(5)]
    for n, person in enumerate(people):
        assert arrest(person).status_code == 201
        cell = "1" if n < 4 else "2"
        r = officer.act(
            "detention.admit",
            {"person": person, "facility": "GB-IVS", "cell": cell},
            case=open_case,
        )
        assert r.status_code == 201, r.content
    r = officer.act("detention.cell_move", {"person": people[4], "cell": "1"}, case=open_case)
    assert r.status_code == 409 and "full" in r.json()["message"]
    r = officer.act("detention.cell_move", {"person": people[4], "cell": "99"}, case=open_case)
    assert r.status_code == 400
    r = officer.act("detention.cell_move", {"person": people[0], "cell": "3"}, case=open_case)
    assert r.status_code == 201
    facility = {f["code"]: f for f in officer.get("/detention/facilities").json()}["GB-IVS"]
    cells = {c["cell"]: c["occupancy"] for c in facility["cells"]}
    assert facility["occupancy"] == 5 and facility["capacity"] == 40
    assert cells["1"] == 3 and cells["2"] == 1 and cells["3"] == 1 and len(cells) == 10


def test_a_detainee_away_at_court_keeps_the_place_and_is_examined_again_on_return(
    as_user, open_case, suspect, admitted
):
    officer, medic = as_user("ivs_officer"), as_user("ivs_medic")
    medic.act("detention.medical_exam", {"person": suspect, "injuries": False}, case=open_case)
    r = officer.act("detention.depart", {"person": suspect, "purpose": "court"}, case=open_case)
    assert r.status_code == 201
    row = officer.get(f"/detention/{admitted}").json()
    assert row["status"] == "away" and row["away_purpose"] == "court" and row["cell"] == "1"
    assert (
        officer.act(
            "detention.cell_move", {"person": suspect, "cell": "2"}, case=open_case
        ).status_code
        == 409
    )
    assert (
        officer.act(
            "detention.depart", {"person": suspect, "purpose": "hospital"}, case=open_case
        ).status_code
        == 409
    )
    facility = {f["code"]: f for f in officer.get("/detention/facilities").json()}["GB-IVS"]
    assert facility["occupancy"] == 1 and facility["away"] == 1
    assert officer.act("detention.return", {"person": suspect}, case=open_case).status_code == 201
    assert officer.act("detention.return", {"person": suspect}, case=open_case).status_code == 409
    row = officer.get(f"/detention/{admitted}").json()
    assert row["status"] == "admitted" and row["exam_due"] is True
    medic.act("detention.medical_exam", {"person": suspect, "injuries": False}, case=open_case)
    exams = officer.get(f"/detention/{admitted}").json()["medical_exams"]
    assert [e["occasion"] for e in exams] == ["admission", "return"]
    kinds = [m["kind"] for m in officer.get(f"/detention/{admitted}").json()["movements"]]
    assert kinds == ["arrest", "admit", "depart", "return"]


def test_a_complaint_is_recorded_and_reported_to_the_prosecutor(
    as_user, open_case, suspect, admitted
):
    r = as_user("ivs_officer").act(
        "detention.complaint",
        {"person": suspect, "text": "Меня ударили при задержании", "about_violence": True},
        case=open_case,
    )
    assert r.status_code == 201, r.content
    alerts = [
        a for a in as_user("prosecutor").get("/alerts").json() if a["kind"] == "detention.complaint"
    ]
    assert len(alerts) == 1 and alerts[0]["subject"] == suspect
    row = as_user("prosecutor").get(f"/detention/{admitted}").json()
    assert row["complaints"][0]["text"] == "Меня ударили при задержании"
    assert row["exam_due"] is True  # a complaint of violence calls for an examination
    # ... and a forensic medical expertise within 12 hours (CPC 179(11)), as any statement of it.
    from icjis.legal.models import Deadline

    term = Deadline.objects.get(
        case_id=open_case, rule="forensics.torture_examination", subject=suspect
    )
    assert term.state == "running"


def test_release_meets_the_terms_returns_the_effects_and_frees_the_place(
    as_user, open_case, suspect, admitted
):
    officer = as_user("ivs_officer")
    items = [{"description": "Мобильный телефон", "quantity": 1}, {"description": "Ремень"}]
    assert (
        officer.act(
            "detention.effects.record", {"person": suspect, "items": items}, case=open_case
        ).status_code
        == 201
    )
    r = officer.act(
        "detention.release",
        {"person": suspect, "grounds": "suspicion_not_confirmed"},
        case=open_case,
    )
    assert r.status_code == 201, r.content
    certificate = r.json()["result"]
    assert certificate["release_grounds"] == "suspicion_not_confirmed"
    assert certificate["detained_by"] == "investigator" and certificate["place"]
    states = dict(
        Deadline.objects.filter(case_id=open_case, subject=suspect).values_list("rule", "state")
    )
    assert states["detention.release"] == "met" and states["detention.court"] == "cancelled"
    open_rules = {
        d["rule"] for d in as_user("investigator").get(f"/cases/{open_case}").json()["deadlines"]
    }
    assert not open_rules & {"detention.release", "detention.court"}
    assert all(i.returned_at is not None for i in EffectsItem.objects.all())
    assert officer.get("/detention/held").json()["items"] == []
    facility = {f["code"]: f for f in officer.get("/detention/facilities").json()}["GB-IVS"]
    assert facility["occupancy"] == 0
    r = officer.act(
        "detention.release", {"person": suspect, "grounds": "term_expired"}, case=open_case
    )
    assert r.status_code == 409


def test_the_investigator_can_release_before_admission_and_can_arrest_again(
    as_user, open_case, suspect, arrest
):
    arrest(suspect, ago=timedelta(hours=3))
    r = as_user("ivs_officer").act(
        "detention.release", {"person": suspect, "grounds": "custody_not_needed"}, case=open_case
    )
    assert r.status_code == 409  # not yet in the facility
    r = as_user("investigator").act(
        "detention.release", {"person": suspect, "grounds": "custody_not_needed"}, case=open_case
    )
    assert r.status_code == 201
    assert arrest(suspect, ago=timedelta(minutes=5)).status_code == 201
    assert Detention.objects.filter(person_id=suspect).count() == 2


def test_staff_of_another_facility_cannot_act_on_the_detainee(
    as_user, open_case, suspect, admitted
):
    r = as_user("ivs_officer_osh").act(
        "detention.depart", {"person": suspect, "purpose": "court"}, case=open_case
    )
    assert r.status_code == 404
