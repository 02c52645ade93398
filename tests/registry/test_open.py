"""Opening a case: the qualification sets the category and the investigation term (CPC 162)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from icjis.core import clock
from icjis.legal.models import Deadline

REPORT = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}}


@pytest.fixture
def assigned(as_user):
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    assert (
        as_user("unit_head")
        .act("registry.case.assign", {"officer": "investigator"}, case=number)
        .status_code
        == 201
    )
    return number


def test_opening_for_theft_part_4_makes_a_grave_case_with_a_two_month_term(as_user, assigned):
    r = as_user("investigator").act(
        "registry.case.open", {"article": "205", "part": 4}, case=assigned
    )
    assert r.status_code == 201, r.content
    case = as_user("investigator").get(f"/cases/{assigned}").json()
    assert case["stage"] == "investigation"
    assert case["qualification"] == {
        "article": "205",
        "part": 4,
        "code": "kg-cc-2021",
        "category": "grave",
    }
    term = Deadline.objects.get(case_id=assigned, rule="investigation.term")
    assert timedelta(days=59) <= term.due_at - term.starts_at <= timedelta(days=66)
    assert Deadline.objects.get(case_id=assigned, rule="report.decision").state == "met"


def test_it_refuses_an_article_that_is_not_in_the_code_and_an_outsider(as_user, assigned):
    r = as_user("investigator").act("registry.case.open", {"article": "9999"}, case=assigned)
    assert r.status_code == 400 and r.json()["fields"] == {"article": "not in the code"}
    assert r.json()["message"] == (
        "There is no article 9999 in the criminal code kg-cc-2021; check the number."
    )
    r = as_user("investigator").act(
        "registry.case.open", {"article": "205", "part": 9}, case=assigned
    )
    assert r.status_code == 400 and r.json()["fields"] == {"article": "not in the code"}
    assert r.json()["message"] == (
        "Article 205 of kg-cc-2021 has no part 9; its parts are 1, 2, 3, 4."
    )
    r = as_user("investigator_osh").act(
        "registry.case.open", {"article": "205", "part": 1}, case=assigned
    )
    assert r.status_code == 404


def test_the_investigation_term_is_missed_after_it_runs_out(as_user, assigned):
    as_user("investigator").act("registry.case.open", {"article": "205", "part": 1}, case=assigned)
    clock.advance(timedelta(days=70))
    missed = {d["rule"] for d in as_user("prosecutor").get("/deadlines", state="missed").json()}
    assert "investigation.term" in missed or "investigation.term.minor" in missed
