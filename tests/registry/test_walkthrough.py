"""The acceptance walk of the register: from the report at the desk to the case sent to court,
through the API as the demo users, checking at each step what they would see — the stage, the
timeline and the legal terms."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from tests.analytics.replay import assert_terms_replayed

from icjis.legal.catalogues import lookup

# Terms are bounded from the day the test starts (`ordinary_day`).
pytestmark = pytest.mark.usefixtures("ordinary_day")

REPORT = {
    "channel": "in_person",
    "summary": "Кража телефона из сумки в маршрутке",
    "place": {"region": "KG-GB", "district": "KG-GB-LEN"},
    "applicant": {
        "surname": "Асанова",
        "given_name": "Айгүл",
        "birth_date": "1990-04-12",
        "sex": "F",
        "citizenship": "KGZ",
    },
}
SUSPECT = {
    "surname": "Токтогулов",
    "given_name": "Бакыт",
    "patronymic": "Асанович",
    "birth_date": "1995-09-01",
    "sex": "M",
    "citizenship": "KGZ",
}


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Desk:
    """What a user at the register sees of one case."""

    def __init__(self, api: Any, number: str) -> None:
        self.api, self.number = api, number

    def act(self, api: Any, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        """Perform an act as `api`'s user; it shows at once at the end of the timeline."""
        body = created(api.act(kind, data, self.number))
        assert self.kinds()[-1] == kind
        return body["result"]

    def case(self) -> dict[str, Any]:
        response = self.api.get(f"/cases/{self.number}")
        assert response.status_code == 200, response.content
        return response.json()

    def kinds(self) -> list[str]:
        """The register's acts in the timeline, in order (other modules' reactions left out)."""
        timeline = self.api.get(f"/cases/{self.number}/timeline").json()
        return [e["kind"] for e in timeline if e["kind"].startswith("registry.")]

    def terms(self) -> dict[str, dict[str, Any]]:
        rows = self.api.get("/deadlines", case=self.number).json()
        return {d["rule"]: d for d in rows}

    def states(self) -> dict[str, str]:
        return {rule: d["state"] for rule, d in self.terms().items()}


def test_a_theft_report_goes_from_the_desk_to_the_court(as_user):
    # The registrar enters the report; the ten days for the decision start at once.
    body = created(as_user("registrar").act("registry.report.register", REPORT))
    number = body["result"]["case"]
    desk = Desk(as_user("investigator"), number)
    assert desk.case()["stage"] == "registered"
    assert desk.states() == {"report.decision": "running"}

    # The head of the unit gives it to the investigator: the check begins.
    desk.act(as_user("unit_head"), "registry.case.assign", {"officer": "investigator"})
    assert desk.case()["stage"] == "pre_investigation"

    # The investigator opens the case for theft, part 1: a crime of minor gravity, one month.
    assert lookup("kg-cc-2021", "205", 1).category == "minor_gravity"
    investigator = desk.api
    desk.act(investigator, "registry.case.open", {"article": "205", "part": 1})
    case = desk.case()
    assert case["stage"] == "investigation"
    assert case["qualification"]["category"] == "minor_gravity"
    terms = desk.terms()
    assert terms["report.decision"]["state"] == "met"
    term = terms["investigation.term.minor"]
    assert term["state"] == "running" and term["article"] == "CPC 162(1)"
    assert (
        timedelta(days=28) <= when(term["due_at"]) - when(term["starts_at"]) <= timedelta(days=34)
    )
    assert "investigation.term" not in terms

    # A suspect is identified, told of the suspicion, then charged.
    suspect = {"role": "suspect", "person": SUSPECT}
    person = desk.act(investigator, "registry.participant.add", suspect)["person"]
    desk.act(investigator, "registry.suspicion.notify", {"person": person})
    desk.act(investigator, "registry.charge", {"person": person, "article": "205", "part": 1})
    roles = {(p["person"], p["role"]) for p in desk.case()["participants"]}
    assert (person, "accused") in roles and (person, "suspect") not in roles

    # The investigation ends with the indictment: the prosecutor has five days to review it.
    desk.act(investigator, "registry.indictment.submit", {})
    assert desk.case()["stage"] == "prosecution"
    states = desk.states()
    assert states["investigation.term.minor"] == "met"
    assert states["indictment.review"] == "running"

    # The prosecutor approves it and sends the case to the district court.
    prosecutor = Desk(as_user("prosecutor"), number)
    courts = {c["code"] for c in prosecutor.api.get("/directory/courts").json()}
    assert "GB-SUD" in courts
    prosecutor.act(prosecutor.api, "registry.indictment.approve", {"court": "GB-SUD"})
    case = prosecutor.case()
    assert case["stage"] == "trial"
    assert case["court"] == "GB-SUD"
    assert {"unit": "GB-SUD", "capacity": "court"} in case["units"]
    assert prosecutor.states()["indictment.review"] == "met"
    # No term of the pre-trial stages is left open.
    pretrial = {"report.decision", "investigation.term.minor", "indictment.review"}
    assert not pretrial & {d["rule"] for d in case["deadlines"]}

    assert prosecutor.kinds() == [
        "registry.report.register",
        "registry.case.assign",
        "registry.case.open",
        "registry.participant.add",
        "registry.suspicion.notify",
        "registry.charge",
        "registry.indictment.submit",
        "registry.indictment.approve",
    ]
    call_command("rebuild_projections", check=True)
    assert assert_terms_replayed() > 0  # the statistics replay the same terms
