"""A statement of torture or cruel treatment (CPC 179(11)): recorded in the case, it alerts the
investigator and the prosecutor and gives 12 hours to order a forensic medical expertise of the
person, which only such an order meets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from tests.analytics.replay import assert_terms_replayed
from tests.forensics.conftest import order
from tests.legalaid.conftest import make_case
from tests.registry.test_filings import counsel, open_alerts, term
from tests.registry.test_procedure import ok

from icjis.core import clock
from icjis.core.models import Event

pytestmark = pytest.mark.usefixtures("ordinary_day")

SAID = "Во время допроса 3 февраля сотрудник бил меня по рукам."
ITEM = {
    "description": "Медицинская карта задержанного",
    "category": "document",
    "obtained": "seizure",
    "place": "ИВС",
    "seal": "ОП-12",
    "location": "Сейф",
}


def seized(now):
    return {**ITEM, "seized_at": (now - timedelta(hours=1)).isoformat()}


def test_counsel_records_the_statement_and_a_medical_expertise_of_the_person_meets_it(as_user):
    number, person = counsel(as_user)
    body = {"person": person, "text": SAID}
    assert as_user("lawyer_osh").act("registry.torture.report", body, number).status_code in (
        403,
        404,
    )
    filed = ok(as_user("lawyer").act("registry.torture.report", body, number))
    due = term(number, "forensics.torture_examination", person)
    recorded_at = Event.objects.get(stream=f"case/{number}", seq=filed["event"]["seq"]).recorded_at
    assert due.state == "running"
    assert abs(due.due_at - recorded_at - timedelta(hours=12)) < timedelta(minutes=1)
    [told] = open_alerts("registry.torture.reported", person)
    assert {"investigator", "prosecutor"} <= set(told.roles.strip(",").split(","))
    assert "179(11)" in told.message and SAID not in told.message  # the statement stays in the file

    # Neither an expertise of another kind of the person nor a medical one of things alone
    # meets it; a complex one with a medical part does.
    investigator = as_user("investigator")
    ok(order(investigator, number, kind="biological", person=person))
    item = ok(investigator.act("evidence.item.seize", seized(clock.now()), number))["result"][
        "item"
    ]
    ok(order(investigator, number, kind="medical", items=[item]))
    assert term(number, "forensics.torture_examination", person).state == "running"
    assert open_alerts("registry.torture.reported", person) != []
    both = {"kind": "trace", "form": "complex", "also": ["medical"], "person": person}
    ok(order(investigator, number, items=[item], **both))
    assert term(number, "forensics.torture_examination", person).state == "met"
    assert open_alerts("registry.torture.reported", person) == []
    call_command("rebuild_projections", check=True)
    assert_terms_replayed()


def test_an_expertise_not_ordered_in_12_hours_is_a_missed_term_and_a_closed_case_refuses(as_user):
    number, person = make_case(as_user)
    ok(
        as_user("prosecutor").act(
            "registry.torture.report", {"person": person, "text": SAID}, number
        )
    )
    clock.advance(timedelta(hours=13))
    overdue = as_user("prosecutor").get("/deadlines", state="missed").json()
    assert (number, "forensics.torture_examination", person) in {
        (d["case"], d["rule"], d["subject"]) for d in overdue
    }
    missing = {"person": "P-NOT-HERE", "text": SAID}
    assert as_user("prosecutor").act("registry.torture.report", missing, number).status_code == 400
    ok(as_user("investigator").act("registry.case.terminate", {"grounds": "Нет состава"}, number))
    closed = {"person": person, "text": SAID}
    assert as_user("prosecutor").act("registry.torture.report", closed, number).status_code == 409


def test_a_statement_is_taken_where_the_expertise_can_be_ordered():
    from icjis.forensics.acts import ORDER_STAGES
    from icjis.registry.torture import STAGES

    assert STAGES == ORDER_STAGES  # else a term nobody could keep
