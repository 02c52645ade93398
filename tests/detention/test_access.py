"""Who sees detainees: the facility, the case's investigators and prosecutors, the
ombudsperson (everything, read only, every read logged); nobody else (404)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from icjis.core.acts import KINDS
from icjis.core.models import AccessRecord, PersonSighting

DETENTION_ACTS = sorted(k for k in KINDS if k.startswith("detention."))


def test_an_investigator_of_another_region_sees_neither_the_detainee_nor_the_case(
    as_user, open_case, admitted
):
    outsider = as_user("investigator_osh")
    assert outsider.get(f"/detention/{admitted}").status_code == 404
    assert outsider.get(f"/cases/{open_case}").status_code == 404
    assert outsider.get("/detention/held").json()["items"] == []
    assert outsider.get("/detention/register").json()["items"] == []
    refused = AccessRecord.objects.get(actor="investigator_osh", subject=admitted)
    assert refused.subject_type == "detention" and refused.outcome == "denied"


def test_staff_of_another_facility_and_other_officials_see_nothing(as_user, admitted):
    for outsider in (
        "ivs_officer_osh",
        "ivs_medic_osh",
        "prosecutor_osh",
        "registrar_osh",
        "analyst",
    ):
        api = as_user(outsider)
        assert api.get(f"/detention/{admitted}").status_code == 404, outsider
        assert api.get("/detention/held").json()["items"] == [], outsider


def test_the_facility_the_investigator_and_the_prosecutor_see_the_detainee(as_user, admitted):
    for reader in ("ivs_officer", "ivs_medic", "investigator", "prosecutor", "prosecutor_city"):
        api = as_user(reader)
        assert api.get(f"/detention/{admitted}").status_code == 200, reader
        assert [r["detention"] for r in api.get("/detention/held").json()["items"]] == [admitted]


def test_an_unknown_detention_is_404_and_logged(as_user, world):
    assert as_user("ombudsperson").get("/detention/D-26-0101-000001-5-9").status_code == 404
    assert AccessRecord.objects.get(actor="ombudsperson").outcome == "not_found"


def test_the_ombudsperson_reads_every_register_and_every_read_is_logged(as_user, admitted):
    ombudsperson = as_user("ombudsperson")
    assert ombudsperson.get(f"/detention/{admitted}").status_code == 200
    assert ombudsperson.get("/detention/held").status_code == 200
    assert (
        ombudsperson.get("/detention/register", status="admitted").json()["items"][0]["detention"]
        == admitted
    )
    assert ombudsperson.get("/detention/facilities").status_code == 200
    reads = list(AccessRecord.objects.filter(actor="ombudsperson").order_by("at"))
    assert [r.subject for r in reads] == [
        admitted,
        "held:visible",
        "register:visible",
        "facilities",
    ]
    assert {r.purpose for r in reads} == {"oversight"} and {r.outcome for r in reads} == {"shown"}


def test_the_ombudsperson_does_not_read_case_files(as_user, open_case, admitted):
    assert as_user("ombudsperson").get(f"/cases/{open_case}").status_code == 404


@pytest.mark.parametrize("kind", DETENTION_ACTS)
def test_the_ombudsperson_cannot_perform_any_detention_act(
    as_user, open_case, suspect, admitted, kind
):
    r = as_user("ombudsperson").act(kind, {"person": suspect}, case=open_case)
    assert r.status_code == 403, r.content


def test_every_read_of_a_detention_is_logged_with_its_purpose(as_user, admitted, suspect):
    as_user("ivs_officer").get(f"/detention/{admitted}")
    as_user("prosecutor").get(f"/detention/{admitted}", purpose="supervision")
    logged = dict(AccessRecord.objects.filter(subject=admitted).values_list("actor", "purpose"))
    assert logged == {"ivs_officer": "detention", "prosecutor": "supervision"}
    # Each read names the detainee it shows.
    seen = PersonSighting.objects.filter(subject=admitted).values_list("actor", "person")
    assert sorted(seen) == [("ivs_officer", suspect), ("prosecutor", suspect)]


def test_a_held_detainee_waiting_for_admission_is_seen_by_the_facility_they_are_taken_to(
    as_user, suspect, arrest
):
    arrest(suspect, ago=timedelta(minutes=30))
    rows = as_user("ivs_officer").get("/detention/held", facility="GB-IVS").json()["items"]
    assert [r["status"] for r in rows] == ["arrested"]
    assert as_user("ivs_officer_osh").get("/detention/held").json()["items"] == []


def test_facility_occupancy_is_shown_only_within_the_readers_area(as_user):
    """Occupancy and arrivals reveal arrests: each reader sees their own area's facilities."""
    codes = lambda user: {f["code"] for f in as_user(user).get("/detention/facilities").json()}  # noqa: E731
    assert codes("ombudsperson") == {"GB-IVS", "OSH-IVS"}
    assert codes("ivs_officer_osh") == {"OSH-IVS"}
    assert codes("investigator") == {"GB-IVS"}
    assert codes("prosecutor_osh") == {"OSH-IVS"}
    assert as_user("analyst").get("/detention/facilities").status_code == 403
    from icjis.core.models import AccessRecord

    assert AccessRecord.objects.filter(actor="investigator", subject="facilities").exists()


def test_a_case_read_by_the_facility_counts_for_the_defendants_it_showed_alone(
    as_user, open_case, add_person, suspect, admitted
):
    """The detention officer reads the defendants of a case, not its witnesses (core.visibility):
    "who saw this person" lists the officer's read of the case for the suspect, not for the
    witness; the investigator's read of the whole file counts for both."""
    witness = add_person(role="witness", surname="Бекмуратова", given_name="Нургүл", sex="F")
    shown = as_user("ivs_officer").get(f"/cases/{open_case}").json()
    assert [p["person"] for p in shown["participants"]] == [suspect]
    assert as_user("investigator").get(f"/cases/{open_case}").status_code == 200
    auditor = as_user("auditor")

    def readers(person: str) -> set[str]:
        log = auditor.get("/audit/access", person=person).json()
        return {r["actor"] for r in log if r["subject"] == open_case}

    assert readers(suspect) == {"ivs_officer", "investigator"}
    assert readers(witness) == {"investigator"}
