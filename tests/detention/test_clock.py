"""The custody clock under the simulation clock: who is held now and how long is left
(CPC 97(5), 100(2))."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from icjis.core import clock
from icjis.core.models import PersonSighting


def _held(api, **params) -> dict[str, dict]:
    r = api.get("/detention/held", **params)
    assert r.status_code == 200, r.content
    return {row["person"]["id"]: row for row in r.json()["items"]}


def test_a_detention_without_a_court_decision_is_missed_at_48_hours_and_listed_for_oversight(
    as_user, open_case, suspect, admitted
):
    row = _held(as_user("prosecutor"))[suspect]
    assert row["clock"]["rule"] == "detention.release" and row["clock"]["state"] == "running"
    assert 46 * 3600 < row["clock"]["seconds_left"] <= 47 * 3600
    assert row["court"]["state"] == "running" and row["clock"]["warning"] is False
    clock.advance(timedelta(hours=49))
    for reader in ("prosecutor", "ombudsperson"):
        row = _held(as_user(reader))[suspect]
        assert row["clock"]["state"] == "missed"
        assert -2 * 3600 - 100 < row["clock"]["seconds_left"] <= -2 * 3600  # 50 h held
        assert row["court"]["state"] == "missed"
        assert row["case"] == open_case and row["facility"] == "GB-IVS"
    missed = as_user("prosecutor").get("/deadlines", state="missed").json()
    assert {"detention.release", "detention.court"} <= {d["rule"] for d in missed}
    # The terms of one person name them by id: the list is a read that showed the suspect.
    seen = PersonSighting.objects.filter(actor="prosecutor", subject_type="deadlines")
    assert suspect in {d["subject"] for d in missed}
    assert set(seen.values_list("person", flat=True)) == {d["subject"] for d in missed} - {None}


def test_a_list_of_terms_naming_no_person_is_not_logged_as_a_sighting(as_user, open_case):
    terms = as_user("prosecutor").get("/deadlines", case=open_case).json()
    assert terms and all(d["subject"] is None for d in terms)  # the case's own terms
    assert not PersonSighting.objects.filter(subject_type="deadlines").exists()


def test_the_warning_is_due_in_the_last_hours(as_user, suspect, admitted):
    clock.advance(timedelta(hours=42, minutes=30))  # detained an hour before: 5.5 h left
    row = _held(as_user("ivs_officer"))[suspect]
    assert row["clock"]["state"] == "running" and row["clock"]["warning"] is True


def test_a_child_is_missed_at_24_hours(as_user, open_case, child, arrest):
    assert arrest(child).status_code == 201
    row = _held(as_user("prosecutor"))[child]
    assert row["clock"]["rule"] == "detention.release.child"
    assert 22 * 3600 < row["clock"]["seconds_left"] <= 23 * 3600
    clock.advance(timedelta(hours=23, minutes=30))
    row = _held(as_user("ombudsperson"))[child]
    assert row["clock"]["state"] == "missed" and row["court"]["state"] == "missed"


def test_the_list_is_ordered_by_the_time_left_and_narrowed_by_facility_and_area(
    as_user, open_case, add_person, arrest
):
    early, late = add_person(surname="Кадыров"), add_person(surname="Мамытов")
    arrest(late, ago=timedelta(hours=1))
    arrest(early, ago=timedelta(hours=10))
    ombudsperson = as_user("ombudsperson")
    assert list(_held(ombudsperson)) == [early, late]
    assert list(_held(ombudsperson, facility="GB-IVS")) == [early, late]
    assert _held(ombudsperson, facility="OSH-IVS") == {}
    assert list(_held(ombudsperson, area="KG-GB")) == [early, late]
    assert _held(ombudsperson, area="KG-O") == {}
    assert ombudsperson.get("/detention/held", area="KG-XX").status_code == 404


def test_the_held_list_is_one_query_however_many_are_held(as_user, open_case, add_person, arrest):
    prosecutor = as_user("prosecutor")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert prosecutor.get("/detention/held").status_code == 200
        return len(ctx.captured_queries)

    arrest(add_person(surname="Кадыров"))
    one = queries()
    for i in range(4):
        arrest(add_person(surname=f"Эшимов{i}"))
    assert queries() == one


def test_the_held_list_itself_is_a_single_select(world, as_user, open_case, add_person, arrest):
    from icjis.core.models import User
    from icjis.detention.access import visible_detentions

    for i in range(3):
        arrest(add_person(surname=f"Иванов{i}"))
    user = User.objects.select_related("unit__territory").get(username="prosecutor")
    now = clock.now()
    with CaptureQueriesContext(connection) as ctx:
        rows = list(
            visible_detentions(user).held().with_clock(now).select_related("person", "cell")
        )
    # One SELECT of the detentions, after the one that reads the prosecutor's few visible cases
    # (access.few_visible_cases).
    listing = [q for q in ctx.captured_queries if '"detention_detention"' in q["sql"]]
    assert len(rows) == 3 and len(listing) == 1 and len(ctx.captured_queries) == 2
    assert all(r.limit_due is not None and r.court_due is not None for r in rows)


def test_a_custody_order_replaces_the_clock_with_the_ordered_term(
    as_user, open_case, suspect, admitted
):
    """What the deadline engine does on `courts.measure.decide {granted, measure: custody}`
    (rule pack kg-2021), written directly so this test needs no courts module."""
    from icjis.legal.models import Deadline

    release = Deadline.objects.get(case_id=open_case, subject=suspect, rule="detention.release")
    ordered = release.starts_at + timedelta(days=60)
    Deadline.objects.filter(pk=release.pk).update(state="met", closed_at=clock.now())
    Deadline.objects.create(
        case_id=open_case,
        unit_id=release.unit_id,
        territory_path=release.territory_path,
        rule_pack="kg-2021",
        rule="custody.term",
        subject=suspect,
        title="Custody",
        article="CPC 115(1)",
        start_seq=release.start_seq + 5,
        starts_at=clock.now(),
        due_at=ordered,
    )
    clock.advance(timedelta(hours=49))
    row = _held(as_user("prosecutor"))[suspect]
    assert row["clock"]["rule"] == "custody.term" and row["clock"]["state"] == "running"
    assert row["clock"]["due_at"].startswith(ordered.strftime("%Y-%m-%dT%H:%M"))
