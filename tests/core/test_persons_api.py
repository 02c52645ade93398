"""The persons index over the API: cross-script search, duplicate flags, reversible merges."""

from __future__ import annotations

from icjis.core.models import DuplicateFlag, Event, Person

REPORT = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}}
OMURBEKOV = {"surname": "Өмүрбеков", "given_name": "Жаңыл", "birth_date": "1988-07-04", "sex": "F"}


def register(as_user, applicant):
    r = as_user("registrar").act("registry.report.register", {**REPORT, "applicant": applicant})
    assert r.status_code == 201, r.content
    return r.json()["result"]["applicant"]


def test_a_latin_query_finds_a_person_recorded_in_cyrillic(as_user):
    pid = register(as_user, OMURBEKOV)
    assert Person.objects.get(pk=pid).latin_name.startswith("Ömürbekov")
    for query in ("Omurbekov", "Ömürbekov Janyl", "Өмүрбеков", "omurbekov zhanyl"):
        found = as_user("registrar").get("/persons", q=query).json()
        assert found and found[0]["id"] == pid, query


def test_the_same_person_recorded_twice_is_flagged_and_can_be_merged_and_unmerged(as_user):
    first = register(as_user, OMURBEKOV)
    second = register(as_user, {**OMURBEKOV, "surname": "Омурбеков"})
    assert DuplicateFlag.objects.filter(person_id=second, other_id=first, state="open").exists()
    head = as_user("unit_head")
    r = head.act(
        "persons.merge", {"person": second, "into": first, "reason": "одно лицо, тот же документ"}
    )
    assert r.status_code == 201, r.content
    assert Person.objects.get(pk=second).merged_into_id == first
    assert (
        head.act("persons.merge", {"person": second, "into": first, "reason": "again"}).status_code
        == 409
    )
    r = head.act("persons.unmerge", {"person": second, "reason": "разные лица, ошибка"})
    assert r.status_code == 201
    assert Person.objects.get(pk=second).merged_into_id is None
    events = Event.objects.filter(stream=f"person/{second}").order_by("seq")
    kinds = list(events.values_list("kind", flat=True))
    assert kinds == ["persons.merge", "persons.unmerge"]


def test_a_person_of_another_region_is_not_searchable_or_readable(as_user):
    pid = register(as_user, OMURBEKOV)
    assert as_user("registrar_osh").get("/persons", q="Omurbekov").json() == []
    assert as_user("registrar_osh").get(f"/persons/{pid}").status_code == 404


def test_the_person_page_lists_their_visible_cases_with_roles(
    as_user, django_assert_max_num_queries
):
    pid = register(as_user, OMURBEKOV)
    registrar = as_user("registrar")
    body = registrar.get(f"/persons/{pid}").json()
    assert [(c["stage"], c["roles"]) for c in body["cases"]] == [("registered", ["applicant"])]
    for _ in range(3):
        number = registrar.act("registry.report.register", {**REPORT}).json()["result"]["case"]
        r = registrar.act(
            "registry.participant.add", {"role": "witness", "person": {"id": pid}}, case=number
        )
        assert r.status_code == 201, r.content
    with django_assert_max_num_queries(30):
        body = registrar.get(f"/persons/{pid}").json()
    assert len(body["cases"]) == 4


def test_a_residence_is_given_with_the_person_or_recorded_later_and_kept_in_history(as_user):
    """The place of residence (CEC 30(1)-(2)): a district or a region of the territory tree,
    given when the person is first named (in that act's event) or recorded later by an act of
    the person's stream, so that every residence the index held stays in the ledger."""
    pid = register(as_user, {**OMURBEKOV, "residence": "KG-GB-OKT"})
    assert Person.objects.get(pk=pid).residence_id == "KG-GB-OKT"
    assert as_user("registrar").get(f"/persons/{pid}").json()["residence"] == "KG-GB-OKT"
    # Not a place: an unknown code, or the whole country; nothing is written.
    for code in ("KG-XX", "KG"):
        r = as_user("registrar").act(
            "registry.report.register", {**REPORT, "applicant": {**OMURBEKOV, "residence": code}}
        )
        assert r.status_code == 400, r.content
        assert r.json()["fields"] == {"person.residence": "unknown place"}
    registrar = as_user("registrar")
    moved = {"person": pid, "residence": "KG-O-NOO", "basis": "Адресная справка № 12"}
    assert registrar.act("persons.residence.record", moved).status_code == 201
    assert Person.objects.get(pk=pid).residence_id == "KG-O-NOO"
    again = registrar.act("persons.residence.record", moved)
    assert again.status_code == 409 and "already lives in KG-O-NOO" in again.json()["message"]
    wrong = registrar.act("persons.residence.record", {**moved, "residence": "KG-XX"})
    assert wrong.status_code == 400 and wrong.json()["fields"] == {"residence": "unknown place"}
    # Only for a person the user may read: the same answer as for nobody at all.
    for person in (pid, "PNOBODY000000"):
        hidden = as_user("registrar_osh").act(
            "persons.residence.record", {**moved, "person": person, "residence": "KG-O-KSU"}
        )
        assert hidden.status_code == 404, hidden.content
    kinds = [
        (e.kind, e.payload.get("residence"))
        for e in Event.objects.filter(stream=f"person/{pid}").order_by("seq")
    ]
    assert kinds == [("persons.residence.record", "KG-O-NOO")]
    [named] = [
        e.payload["applicant"]
        for e in Event.objects.filter(kind="registry.report.register")
        if (e.payload.get("applicant") or {}).get("id") == pid
    ]
    assert named["residence"] == "KG-GB-OKT"
    assert Person.objects.get(pk=pid).residence_id == "KG-O-NOO"
