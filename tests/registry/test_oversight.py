"""Oversight lists for heads of unit and prosecutors: reports awaiting a decision, running and
missed terms, refusals, cases without movement — each scoped to the reader's jurisdiction and
made in one query whatever the caseload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icjis.core import access, clock
from icjis.core.access import (
    few_visible_cases,
    in_visible_cases,
    in_visible_cases_per_row,
    listed_cases,
    listed_persons,
    restrict,
    visible_persons,
)
from icjis.core.canonical import iso
from icjis.core.models import AccessRecord, CaseParticipant, Event, Person
from icjis.legal.models import Deadline

REPORT = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}}
OSH_REPORT = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-O"}}
REFUSE = "registry.case.refuse"

UNDECIDED = ("/oversight/undecided", {})
MISSED = ("/oversight/deadlines", {"state": "missed"})
REFUSALS = ("/oversight/refusals", {"days": 30})
STALE = ("/oversight/stale", {"days": 7})
LISTS = [UNDECIDED, MISSED, REFUSALS, STALE]
LIST_IDS = ["undecided", "deadlines", "refusals", "stale"]


def register(as_user, registrar: str = "registrar", report: dict = REPORT) -> str:
    r = as_user(registrar).act("registry.report.register", report)
    assert r.status_code == 201, r.content
    return r.json()["result"]["case"]


def assign(as_user, number: str, head: str = "unit_head", officer: str = "investigator") -> None:
    r = as_user(head).act("registry.case.assign", {"officer": officer}, case=number)
    assert r.status_code == 201, r.content


def refuse(as_user, number: str, investigator: str = "investigator") -> None:
    r = as_user(investigator).act(REFUSE, {"grounds": "Нет события преступления"}, case=number)
    assert r.status_code == 201, r.content


def past_the_decision_term(number: str) -> None:
    """Eleven days, and further if a non-working day moved the end of the ten days (CPC 137)."""
    clock.advance(timedelta(days=11))
    due = Deadline.objects.get(case_id=number, rule="report.decision").due_at
    if clock.now() <= due:
        clock.advance(due - clock.now() + timedelta(minutes=1))


def listed(api, path: str, **params) -> list[str]:
    r = api.get(path, **params)
    assert r.status_code == 200, r.content
    return [row["case"] for row in r.json()["items"]]


@pytest.fixture
def backlog(as_user):
    """In Bishkek: a report nobody decided on past its term, and a refusal; in Osh: a report of
    its own. Returns what each list should show to Bishkek's overseers."""
    undecided = register(as_user)
    refused = register(as_user)
    assign(as_user, refused)
    osh = register(as_user, "registrar_osh", OSH_REPORT)
    past_the_decision_term(undecided)
    refuse(as_user, refused)
    return {
        "/oversight/undecided": undecided,
        "/oversight/deadlines": undecided,
        "/oversight/refusals": refused,
        "/oversight/stale": undecided,
        "osh": osh,
    }


@pytest.mark.parametrize(("path", "params"), LISTS, ids=LIST_IDS)
def test_each_list_shows_the_units_items_to_its_head_and_district_prosecutor_and_all_to_an_auditor(
    as_user, backlog, path, params
):
    for username in ("unit_head", "prosecutor"):
        rows = listed(as_user(username), path, **params)
        assert backlog[path] in rows and backlog["osh"] not in rows, username
    nationwide = listed(as_user("auditor"), path, **params)
    assert backlog[path] in nationwide
    if path != REFUSALS[0]:
        assert backlog["osh"] in nationwide


@pytest.mark.parametrize(("path", "params"), LISTS, ids=LIST_IDS)
def test_each_list_shows_nothing_of_bishkek_to_the_head_and_prosecutor_in_osh(
    as_user, backlog, path, params
):
    for username in ("unit_head_osh", "prosecutor_osh"):
        rows = listed(as_user(username), path, **params)
        assert backlog[path] not in rows, username
        assert set(rows) <= {backlog["osh"]}, username
    if path != REFUSALS[0]:
        assert listed(as_user("prosecutor_osh"), path, **params) == [backlog["osh"]]


@pytest.mark.parametrize(("path", "params"), LISTS, ids=LIST_IDS)
def test_each_list_refuses_an_investigator_and_a_lawyer_with_403(as_user, world, path, params):
    for username in ("investigator", "lawyer", "registrar_osh"):
        r = as_user(username).get(path, **params)
        assert r.status_code == 403, username
        assert r.json()["error"] == "forbidden"
        assert "heads of unit, prosecutors and auditors" in r.json()["message"]


def test_a_report_left_undecided_past_ten_days_becomes_a_missed_term(as_user):
    number = register(as_user)
    head = as_user("unit_head")
    row = as_user("prosecutor").get("/oversight/undecided").json()["items"][0]
    assert (row["case"], row["stage"], row["state"], row["seconds_overdue"]) == (
        number,
        "registered",
        "running",
        None,
    )
    assert number in listed(head, "/oversight/deadlines", state="running")
    assert number not in listed(head, "/oversight/deadlines", state="missed")

    past_the_decision_term(number)

    for username in ("unit_head", "prosecutor"):
        rows = as_user(username).get("/oversight/deadlines", state="missed").json()["items"]
        row = next(r for r in rows if r["case"] == number)
        assert row["rule"] == "report.decision" and row["basis"] == "CPC 153(3)"
        assert row["state"] == "missed" and row["open"] is True
        assert row["seconds_overdue"] > 0 and row["seconds_left"] is None
    assert number not in listed(head, "/oversight/deadlines", state="running")
    undecided = as_user("prosecutor").get("/oversight/undecided").json()["items"][0]
    assert (undecided["case"], undecided["state"]) == (number, "missed")
    assert undecided["seconds_overdue"] > 0


def test_advancing_past_the_investigation_term_puts_it_on_both_overdue_lists(as_user):
    number = register(as_user)
    assign(as_user, number)
    r = as_user("investigator").act(
        "registry.case.open", {"article": "205", "part": 1}, case=number
    )
    assert r.status_code == 201, r.content
    params = {"state": "missed", "rule": "investigation.term"}
    assert number not in listed(as_user("prosecutor"), "/oversight/deadlines", **params)

    clock.advance(timedelta(days=70))

    for username in ("unit_head", "prosecutor"):
        rows = as_user(username).get("/oversight/deadlines", **params).json()["items"]
        assert [r["case"] for r in rows] == [number], username
        assert rows[0]["rule"].startswith("investigation.term")
        assert (rows[0]["stage"], rows[0]["article"], rows[0]["unit"]) == (
            "investigation",
            "205",
            "GB-UVD",
        )
        assert rows[0]["category"]
    for username in ("unit_head_osh", "prosecutor_osh"):
        assert listed(as_user(username), "/oversight/deadlines", **params) == []


def test_the_deadlines_list_filters_by_dotted_rule_prefix_and_unit(as_user):
    number = register(as_user)
    prosecutor = as_user("prosecutor")
    assert listed(prosecutor, "/oversight/deadlines", state="running", rule="report") == [number]
    assert listed(prosecutor, "/oversight/deadlines", state="running", rule="repo") == []
    assert listed(prosecutor, "/oversight/deadlines", state="running", rule="investigation") == []
    assert listed(prosecutor, "/oversight/deadlines", state="running", unit="GB-UVD") == [number]
    assert listed(prosecutor, "/oversight/deadlines", state="running", unit="OSH-UVD") == []


def test_a_case_without_movement_is_stale_after_eight_days_and_leaves_after_a_new_act(as_user):
    number = register(as_user)
    assign(as_user, number)
    head = as_user("unit_head")
    assert listed(head, "/oversight/stale", days=7) == []

    clock.advance(timedelta(days=8))

    row = head.get("/oversight/stale", days=7).json()["items"][0]
    assert (row["case"], row["stage"], row["days_without_movement"]) == (
        number,
        "pre_investigation",
        8,
    )
    assert listed(as_user("prosecutor"), "/oversight/stale", days=7) == [number]
    assert listed(head, "/oversight/stale", days=9) == []

    r = as_user("investigator").act(
        "registry.case.open", {"article": "205", "part": 1}, case=number
    )
    assert r.status_code == 201, r.content
    assert listed(head, "/oversight/stale", days=7) == []
    assert listed(as_user("prosecutor"), "/oversight/stale", days=7) == []


def test_a_refusal_is_listed_for_review_for_the_days_asked(as_user):
    number = register(as_user)
    assign(as_user, number)
    clock.advance(timedelta(days=5))
    refuse(as_user, number)
    prosecutor = as_user("prosecutor")
    row = prosecutor.get("/oversight/refusals").json()["items"][0]
    assert (row["case"], row["stage"], row["days_since_refusal"]) == (number, "closed", 0)
    refused_at = Event.objects.get(stream=f"case/{number}", kind=REFUSE).recorded_at
    assert row["refused_at"] == iso(refused_at)
    assert number not in listed(prosecutor, "/oversight/undecided")
    assert number not in listed(prosecutor, "/oversight/stale", days=1)

    clock.advance(timedelta(days=12))

    assert listed(prosecutor, "/oversight/refusals", days=10) == []
    assert listed(prosecutor, "/oversight/refusals", days=13) == [number]
    assert listed(as_user("unit_head"), "/oversight/refusals", days=13) == [number]
    assert listed(as_user("prosecutor_osh"), "/oversight/refusals", days=13) == []


def test_a_refusal_the_prosecutor_cancels_leaves_the_list(as_user):
    number = register(as_user)
    assign(as_user, number)
    refuse(as_user, number)
    prosecutor = as_user("prosecutor")
    assert listed(prosecutor, "/oversight/refusals") == [number]
    r = prosecutor.act("registry.case.reopen", {"grounds": "Проверка неполная"}, case=number)
    assert r.status_code == 201, r.content
    assert listed(prosecutor, "/oversight/refusals") == []
    assert listed(prosecutor, "/oversight/undecided") == [number]


def test_the_lists_write_nothing_to_the_access_log(as_user, backlog):
    before = AccessRecord.objects.count(), Event.objects.count()
    for path, params in LISTS:
        for username in ("unit_head", "prosecutor"):
            assert as_user(username).get(path, **params).status_code == 200
    assert (AccessRecord.objects.count(), Event.objects.count()) == before


def test_a_list_pages_with_limit_and_offset(as_user):
    numbers = [register(as_user) for _ in range(3)]
    head = as_user("unit_head")
    first = head.get("/oversight/undecided", limit=2).json()
    assert [r["case"] for r in first["items"]] == numbers[:2]
    assert (first["limit"], first["offset"], first["next_offset"]) == (2, 0, 2)
    second = head.get("/oversight/undecided", limit=2, offset=2).json()
    assert [r["case"] for r in second["items"]] == numbers[2:]
    assert second["next_offset"] is None


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/oversight/stale", {"days": 0}, "days"),
        ("/oversight/stale", {"days": 3651}, "days"),
        ("/oversight/stale", {"days": "week"}, "days"),
        ("/oversight/stale", {}, "days"),
        ("/oversight/refusals", {"days": -1}, "days"),
        ("/oversight/deadlines", {"state": "met"}, "state"),
        ("/oversight/deadlines", {"rule": "report decision"}, "rule"),
        ("/oversight/deadlines", {"unit": "x" * 33}, "unit"),
        ("/oversight/undecided", {"limit": 501}, "limit"),
        ("/oversight/undecided", {"limit": 0}, "limit"),
        ("/oversight/undecided", {"offset": -1}, "offset"),
    ],
)
def test_bad_parameters_are_refused_with_400_json(as_user, world, path, params, field):
    r = as_user("prosecutor").get(path, **params)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["error"] == "invalid" and field in body["fields"]
    assert body["message"].startswith(f"Check the field '{field}'")


@pytest.mark.parametrize("few_cases", [access.FEW_CASES, 0], ids=["listed", "row_by_row"])
def test_the_deadlines_list_reads_exactly_the_deadlines_of_the_cases_restrict_lets_through(
    as_user, world, monkeypatch, few_cases
):
    """The lists of case rows apply the access filter to the row's own case number
    (`in_visible_cases(user)`): the numbers of a user's few visible cases, or else a correlated
    EXISTS per row. Either way, for every kind of reader, the deadlines, the cases listed and
    the persons must be those that `restrict(user)` lets through."""
    monkeypatch.setattr(access, "FEW_CASES", few_cases)
    assign(as_user, register(as_user))
    assign(
        as_user, register(as_user, "registrar_osh", OSH_REPORT), "unit_head_osh", "investigator_osh"
    )
    readers = {"investigator_osh": 1, "lawyer": 0, "unit_head": 1, "prosecutor_osh": 1}
    for username, cases in {**readers, "auditor": 2}.items():
        user = world[username]
        listed = few_visible_cases(user)
        if username == "auditor":
            assert listed is None  # national scope: no list, no filter
        else:
            assert (listed is not None) == (cases <= few_cases), username
        rewritten = Deadline.objects.filter(in_visible_cases(user))
        expected = Deadline.objects.filter(case__in=restrict(user).values("pk"))
        assert expected.values("case").distinct().count() == cases, username
        assert set(rewritten.values_list("pk", flat=True)) == set(
            expected.values_list("pk", flat=True)
        ), username
        assert set(listed_cases(user).values_list("pk", flat=True)) == set(
            restrict(user).values_list("pk", flat=True)
        ), username
        roles = CaseParticipant.objects.filter(case__in=restrict(user).values("pk"))
        persons = Person.objects.filter(pk__in=roles.values("person_id"))
        assert set(visible_persons(user).values_list("pk", flat=True)) == set(
            persons.values_list("pk", flat=True)
        ), username
        assert set(listed_persons(user).values_list("pk", flat=True)) == set(
            persons.values_list("pk", flat=True)
        ), username
        per_row = Deadline.objects.filter(in_visible_cases_per_row(user))
        assert set(per_row.values_list("pk", flat=True)) == set(
            expected.values_list("pk", flat=True)
        ), username


def make_backlog(as_user, count: int) -> None:
    """`count` reports left undecided past their term and `count` refusals, so that every
    list has `count` rows or more."""
    numbers = [register(as_user) for _ in range(count)]
    refused = [register(as_user) for _ in range(count)]
    for number in refused:
        assign(as_user, number)
    past_the_decision_term(numbers[0])
    for number in refused:
        refuse(as_user, number)


@pytest.mark.parametrize(("path", "params"), LISTS, ids=LIST_IDS)
def test_each_list_takes_one_query_of_the_cases_for_2_cases_and_for_20(
    as_user, world, path, params
):
    prosecutor = as_user("prosecutor")

    def measure() -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as captured:
            r = prosecutor.get(path, **params)
        assert r.status_code == 200, r.content
        on_cases = [q for q in captured.captured_queries if '"core_case"' in q["sql"]]
        return len(captured), len(on_cases), len(r.json()["items"])

    make_backlog(as_user, 2)
    few, few_on_cases, few_rows = measure()
    make_backlog(as_user, 18)
    many, many_on_cases, many_rows = measure()
    assert few_rows >= 2 and many_rows >= 20
    assert many == few
    assert few_on_cases == many_on_cases == 1


def test_the_undecided_list_walks_its_partial_index_in_order(as_user, world):
    """The undecided reports are read oldest first along case_undecided_idx (migration core
    0007), whose condition must name exactly the list's stages: with other stages the planner
    could not use it, and a unit's list would sort every undecided report again."""
    from icjis.core.models import Case
    from icjis.registry.oversight import UNDECIDED_STAGES, undecided_reports

    (index,) = [i for i in Case._meta.indexes if i.name == "case_undecided_idx"]
    assert index.condition.connector == "OR"
    assert sorted(index.condition.children) == sorted(("stage", s) for s in UNDECIDED_STAGES)
    register(as_user)
    if connection.vendor != "postgresql":
        return  # SQLite has the index too; its planner is not examined here
    query = undecided_reports(world["unit_head"], clock.now())[:50]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cur:
        # On a near-empty table any plan is cheap; offered no sort and no sequential or bitmap
        # scan, the ordered walk of the partial index is the only plan left if it applies.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cur.execute(f"SET LOCAL {setting} = off")
        cur.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "case_undecided_idx" in plan, plan
    assert "Sort" not in plan.split("SubPlan")[0], plan
