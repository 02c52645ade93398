"""Access follows functional responsibility; every read of a case or person is logged."""

from __future__ import annotations

from icjis.core.models import AccessRecord, Event

REPORT = {"channel": "in_person", "summary": "Кража велосипеда", "place": {"region": "KG-GB"}}
PERSON = {"surname": "Үсөнов", "given_name": "Нурлан", "birth_date": "1991-03-02", "sex": "M"}


def bishkek_case(as_user) -> str:
    return (
        as_user("registrar")
        .act("registry.report.register", {**REPORT, "applicant": PERSON})
        .json()["result"]["case"]
    )


def test_it_shows_an_outsider_404_and_logs_the_attempt(as_user):
    number = bishkek_case(as_user)
    r = as_user("investigator_osh").get(f"/cases/{number}")
    assert r.status_code == 404 and r.json() == {
        "error": "not_found",
        "message": "No such case, or it is not visible to you.",
    }
    record = AccessRecord.objects.get(actor="investigator_osh")
    assert (record.subject_type, record.subject, record.outcome) == ("case", number, "denied")


def test_missing_and_forbidden_cases_look_the_same(as_user):
    outsider = as_user("investigator_osh")
    number = bishkek_case(as_user)
    hidden = outsider.get(f"/cases/{number}")
    missing = outsider.get("/cases/26-0101-999999-" + "0")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_it_lets_the_unit_and_the_district_prosecutor_read_and_logs_each_read(as_user):
    number = bishkek_case(as_user)
    for username in ("investigator", "unit_head", "prosecutor", "auditor"):
        assert as_user(username).get(f"/cases/{number}").status_code == 200, username
    assert as_user("prosecutor_osh").get(f"/cases/{number}").status_code == 404
    readers = set(
        AccessRecord.objects.filter(subject=number, outcome="shown").values_list("actor", flat=True)
    )
    assert readers == {"investigator", "unit_head", "prosecutor", "auditor"}


def test_a_role_without_case_scope_sees_no_cases(as_user):
    number = bishkek_case(as_user)
    analyst = as_user("analyst")
    assert analyst.get(f"/cases/{number}").status_code == 404
    assert analyst.get("/cases").json()["items"] == []


def test_it_lists_only_visible_cases(as_user):
    number = bishkek_case(as_user)
    assert [c["number"] for c in as_user("investigator").get("/cases").json()["items"]] == [number]
    assert as_user("investigator_osh").get("/cases").json()["items"] == []


def test_the_auditor_sees_who_viewed_a_person_and_others_may_not(as_user):
    number = bishkek_case(as_user)
    person = as_user("registrar").get(f"/cases/{number}").json()["participants"][0]["person"]
    assert as_user("investigator").get(f"/persons/{person}", purpose="caseload").status_code == 200
    assert as_user("investigator_osh").get(f"/persons/{person}").status_code == 404
    log = as_user("auditor").get("/audit/access", person=person).json()
    # The registrar's read of the case showed the person among its participants (SPEC 6).
    assert {(r["actor"], r["subject_type"], r["outcome"]) for r in log} == {
        ("registrar", "case", "shown"),
        ("investigator", "person", "shown"),
        ("investigator_osh", "person", "denied"),
    }
    # Each row names its read in the reader's hash-chained stream.
    for row in log:
        ref = row["event"]
        event = Event.objects.get(stream=ref["stream"], seq=ref["seq"])
        assert (event.hash, event.kind) == (ref["hash"], "access.read"), row
    assert as_user("investigator").get("/audit/access", person=person).status_code == 403


def test_a_case_read_counts_as_a_read_of_a_person_only_while_the_person_is_in_the_case(as_user):
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    assert as_user("unit_head").get(f"/cases/{number}").status_code == 200  # before the person
    assert as_user("prosecutor_osh").get(f"/cases/{number}").status_code == 404  # nothing shown
    r = as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number)
    assert r.status_code == 201, r.content
    added = as_user("investigator").act(
        "registry.participant.add", {"role": "witness", "person": PERSON}, case=number
    )
    assert added.status_code == 201, added.content
    person = added.json()["result"]["person"]
    assert as_user("prosecutor").get(f"/cases/{number}").status_code == 200  # after
    log = as_user("auditor").get("/audit/access", person=person).json()
    assert [(r["actor"], r["subject"]) for r in log] == [("prosecutor", number)]


def test_the_access_log_is_hash_chained_per_reader(as_user):
    from icjis.core.ledger import verify_chains

    number = bishkek_case(as_user)
    reader = as_user("unit_head")
    for _ in range(3):
        reader.get(f"/cases/{number}")
    heads, faults = verify_chains()
    assert faults == [] and heads["access/unit_head"][0] == 3


def test_a_search_is_logged_as_a_sighting_of_each_person_it_found(as_user):
    """A search names persons: the read is logged with them, and "who saw this person" finds it
    per reader, list and day (SPEC 6), however often the list is read that day."""
    from datetime import timedelta

    from icjis.core import clock
    from icjis.core.models import PersonSighting

    number = bishkek_case(as_user)
    person = as_user("registrar").get(f"/cases/{number}").json()["participants"][0]["person"]
    investigator = as_user("investigator")
    for _ in range(2):
        found = investigator.get("/persons", q="Үсөнов").json()
        assert [p["id"] for p in found] == [person]
    assert investigator.get("/persons", q="Никто Такой").json() == []
    searches = AccessRecord.objects.filter(actor="investigator", subject="search")
    assert searches.count() == 3  # the empty one too
    [seen] = PersonSighting.objects.filter(person=person)
    assert (seen.actor, seen.subject_type, seen.subject, seen.purpose, seen.times) == (
        "investigator",
        "persons",
        "search",
        "search",
        2,
    )
    first, last = searches.order_by("at")[:2]
    assert (seen.first_event_id, seen.last_event_id) == (first.event_id, last.event_id)
    assert (seen.first_at, seen.last_at) == (first.at, last.at)
    clock.advance(timedelta(days=1))
    investigator.get("/persons", q="Усонов")
    assert PersonSighting.objects.filter(person=person).count() == 2  # a new day, a new row

    auditor = as_user("auditor")
    log = auditor.get("/audit/sightings", person=person).json()
    assert [(r["actor"], r["subject"], r["times"]) for r in log] == [
        ("investigator", "search", 1),
        ("investigator", "search", 2),
    ]
    for row in log:
        for ref in (row["first_event"], row["last_event"]):
            event = Event.objects.get(stream=ref["stream"], seq=ref["seq"])
            assert event.hash == ref["hash"] and person in event.payload["persons"]
    assert investigator.get("/audit/sightings", person=person).status_code == 403


def test_the_persons_an_event_names_are_found_wherever_its_data_keeps_them():
    from icjis.core.access import persons_in

    a, b, c, d = "P0123456789AB", "PABCDEF012345", "P00000000000F", "P111111111111"
    e, f = "PFFFFFFFFFFFF", "P222222222222"
    data = {
        "applicant": {"id": a, "surname": "Асанов"},
        "person": b,
        "defendants": [{"person": {"id": c}}, {"person": "not-an-id"}],
        "persons": [d, {"id": a}],
        "note": "P999999999999 in free text is not a person named",
        "convict": e,  # under a key no act used before: found all the same
        "changes": [{"replaces": {"of": [f]}, "article": "164"}],
        "seed": "p0123456789ab",  # lower case: a hash's or a seed's hex, not a person's id
        "hash": "P0123456789ABC",  # one character more
    }
    assert persons_in("case/26-0101-000001-5", data) == {a, b, c, d, e, f}
    assert persons_in(f"person/{a}", {"reason": "x"}) == {a}
    assert persons_in("case/x", {"person": {"surname": "no id"}}) == set()


def test_a_read_naming_thousands_of_persons_is_logged_whole(world):
    """More persons than one statement's parameters allow (PostgreSQL's 65,535 over 11 a row;
    SQLite's limit is 32,766 where it is built with the default): the sightings go in several
    statements, every person once, counted twice when read twice."""
    from icjis.core.access import log_read
    from icjis.core.models import PersonSighting

    persons = [f"P{n:012X}" for n in range(6000)]
    for _ in range(2):
        log_read(world["prosecutor"], "feed", "after:0", "caseload", "shown", persons=persons)
    seen = PersonSighting.objects.filter(actor="prosecutor")
    assert seen.count() == 6000 and set(seen.values_list("times", flat=True)) == {2}


def test_a_sighting_falls_on_the_day_as_the_country_counts_it(as_user):
    """Half past midnight in Bishkek is still the day before in UTC: the sighting counts the
    local day (UTC+6)."""
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from icjis.core import clock
    from icjis.core.models import PersonSighting

    number = bishkek_case(as_user)
    person = as_user("registrar").get(f"/cases/{number}").json()["participants"][0]["person"]
    bishkek = ZoneInfo("Asia/Bishkek")
    local = clock.now().astimezone(bishkek)
    after_midnight = datetime.combine(local.date() + timedelta(days=1), time(0, 30), bishkek)
    clock.advance(after_midnight - clock.now())
    now = clock.now()
    assert now.astimezone(UTC).date() < now.astimezone(bishkek).date()
    as_user("investigator").get("/persons", q="Үсөнов")
    [seen] = PersonSighting.objects.filter(person=person)
    assert seen.day == now.astimezone(bishkek).date()


def test_the_reads_of_a_record_merged_into_another_count_as_reads_of_the_survivor(as_user):
    def register(surname: str) -> str:
        r = as_user("registrar").act("persons.register", {"person": {**PERSON, "surname": surname}})
        assert r.status_code == 201, r.content
        return r.json()["result"]["person"]

    first, second, third = register("Үсөнов"), register("Усонов"), register("Usonov")
    # In no case yet, so out of the prosecutor's scope: a read refused, and logged as such.
    assert as_user("prosecutor").get(f"/persons/{third}", purpose="supervision").status_code == 404
    for person, into in ((third, second), (second, first)):  # a chain of two merges
        merge = {"person": person, "into": into, "reason": "одно лицо, тот же паспорт"}
        assert as_user("unit_head").act("persons.merge", merge).status_code == 201
    log = as_user("auditor").get("/audit/access", person=first).json()
    assert [(r["actor"], r["subject"], r["outcome"]) for r in log] == [
        ("prosecutor", third, "denied")
    ]
    assert as_user("auditor").get("/audit/access", person=second).json() == log
    assert as_user("auditor").get("/audit/access", person=third).json() == log
    r = as_user("unit_head").act("persons.unmerge", {"person": second, "reason": "разные лица"})
    assert r.status_code == 201, r.content
    assert as_user("auditor").get("/audit/access", person=first).json() == []  # apart again
