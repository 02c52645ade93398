"""Population reconciliation by name, and who reads the prison register: the prison officer
their own facility (another region's officer gets 404), never the investigation file; every read
is logged."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.courts.test_verdicts import created, refused
from tests.prisons.conftest import ACCUSED, SECOND, Convict

from icjis.core.models import AccessRecord, PersonSighting
from icjis.prisons.models import HeadCount


def two_prisoners(as_user) -> Convict:
    con = Convict(as_user, accused=(ACCUSED, SECOND))
    con.convict()
    con.enter_into_force()
    officer = as_user("prison_officer")
    for person in con.persons:
        created(officer.act("prisons.admit", {"person": person, "facility": "GB-COL"}, con.number))
    return con


def test_a_mismatched_head_count_shows_the_difference_by_name(as_user, fixed_clock):
    con = two_prisoners(as_user)
    first, second = con.persons
    officer = as_user("prison_officer")
    count = {
        "facility": "GB-COL",
        "persons": [first],
        "unidentified": [{"name": "Неизвестный мужчина", "birth_date": "1985-01-01"}],
    }
    result = created(officer.act("prisons.headcount.submit", count))["result"]
    assert (result["counted"], result["register_count"], result["matches"]) == (2, 2, False)
    assert result["register_only"] == [{"person": second, "name": "Исмаилова Гүлнара"}]
    assert result["facility_only"] == [
        {"person": None, "name": "Неизвестный мужчина", "birth_date": "1985-01-01"}
    ]
    shown = officer.get("/prisons/reconciliation").json()
    assert len(shown) == 1 and shown[0]["facility"] == "GB-COL"
    assert shown[0]["register_count"] == 2
    assert shown[0]["headcount"]["register_only"][0]["name"] == "Исмаилова Гүлнара"
    assert shown[0]["headcount"]["matches"] is False
    # The read names the person listed as differing (the unidentified man has no id).
    seen = PersonSighting.objects.filter(actor="prison_officer", subject="reconciliation")
    assert list(seen.values_list("person", flat=True)) == [second]

    # A matching count is shown as such; an unknown id is refused; another colony may not count.
    exact = {"facility": "GB-COL", "persons": [second, first]}
    assert created(officer.act("prisons.headcount.submit", exact))["result"]["matches"] is True
    # The latest count is shown, read in one query whatever the number of counts ever made.
    with CaptureQueriesContext(connection) as queries:
        latest = officer.get("/prisons/reconciliation").json()
    assert latest[0]["headcount"]["matches"] is True and latest[0]["headcount"]["counted"] == 2
    reading = [q for q in queries.captured_queries if "prisons_headcount" in q["sql"]]
    assert len(reading) == 1
    unknown = refused(
        officer.act("prisons.headcount.submit", {**exact, "persons": ["P-NOPE"]}), 400
    )
    assert "unidentified" in unknown["message"]
    osh = as_user("prison_officer_osh")
    refused(osh.act("prisons.headcount.submit", exact), 403)
    assert [f["facility"] for f in osh.get("/prisons/reconciliation").json()] == ["OSH-COL"]
    assert HeadCount.objects.count() == 2
    auditor = as_user("auditor").get("/prisons/reconciliation").json()
    assert {f["facility"] for f in auditor} == {"GB-COL", "OSH-COL"}
    call_command("rebuild_projections", check=True)


def test_the_population_of_every_facility_is_counted_in_one_query(as_user, fixed_clock):
    two_prisoners(as_user)
    auditor = as_user("auditor")
    with CaptureQueriesContext(connection) as queries:
        shown = auditor.get("/prisons/population").json()
    assert {(f["facility"], f["held"], f["expected"]) for f in shown} == {
        ("GB-COL", 2, 0),
        ("OSH-COL", 0, 0),
    }
    counting = [q for q in queries.captured_queries if "prisons_prisoner" in q["sql"]]
    assert len(counting) == 1


def test_another_regions_prison_officer_sees_nothing_of_the_prisoner(as_user, fixed_clock):
    con = two_prisoners(as_user)
    osh = as_user("prison_officer_osh")
    assert osh.get(f"/prisons/prisoners/{con.person}").status_code == 404
    assert osh.get(f"/cases/{con.number}").status_code == 404
    assert osh.get("/prisons/population").json()[0] == {
        **osh.get("/prisons/population").json()[0],
        "facility": "OSH-COL",
        "held": 0,
    }
    assert osh.get("/prisons/population/GB-COL").status_code == 404
    # Roles outside the prison service and national oversight do not read the register.
    assert as_user("investigator").get("/prisons/expected").status_code == 403
    assert AccessRecord.objects.filter(actor="prison_officer_osh", outcome="not_found").exists()


def test_the_prison_officer_reads_the_sentence_not_the_investigation_file(as_user, fixed_clock):
    con = two_prisoners(as_user)
    officer = as_user("prison_officer")
    case = officer.get(f"/cases/{con.number}").json()
    # What core.visibility gives an executing body: no summary, only the defendants.
    assert case["summary"] == "" and case.get("partial") is True
    assert {p["role"] for p in case["participants"]} <= {"suspect", "accused"}
    kinds = {e["kind"] for e in officer.get(f"/cases/{con.number}/timeline").json()}
    assert "prisons.admit" in kinds and "courts.verdict.deliver" in kinds
    assert not {k for k in kinds if k.startswith(("registry.", "legalaid."))}
    # The investigation's own lists are not theirs.
    for path in ("/oversight/undecided", "/oversight/deadlines"):
        assert officer.get(path).status_code == 403
    # Reading the calculation opens the person and the case, both logged.
    assert officer.get(f"/prisons/prisoners/{con.person}").status_code == 200
    logged = set(
        AccessRecord.objects.filter(actor="prison_officer", outcome="shown").values_list(
            "subject_type", "subject"
        )
    )
    assert {("person", con.person), ("case", con.number)} <= logged
