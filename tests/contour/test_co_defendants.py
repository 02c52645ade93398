"""Entry into force per co-defendant (CPC 426(3)), end to end through the API as the demo
users: A and B are convicted by one verdict — A to imprisonment, B to probation; B's counsel
appeals on day 20. On day 31 the worker records the entry into force for A alone, who did not
appeal ("in respect of the convicts who did not appeal, it enters into force when the term for
an appeal has run", 426(3)): A is expected at the colony and turned to execution, the case is
at execution; B's entry is refused while B's appeal awaits the appeal court (405(1)) and B is
not registered with probation. Once `appeal_judge` upholds the verdict, it enters into force
for B on the day of the decision (426(2)), B is registered with probation, and the verdict is
in force for both. The projections rebuild from the ledger to the same state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from tests.contour.steps import advance, leave_for_the_other_judges, now, ok, reactions

from icjis.core import clock, jobs
from icjis.core.models import User
from icjis.courts.models import Verdict, VerdictDefendant
from icjis.courts.verdicts import appeal_due
from icjis.prisons.models import Prisoner
from icjis.probation.models import ProbationFile

REPORT = {"channel": "in_person", "summary": "Кража из склада", "place": {"region": "KG-GB"}}
A = {"surname": "Жумабеков", "given_name": "Азамат", "birth_date": "1987-02-11", "sex": "M"}
B = {"surname": "Сыдыков", "given_name": "Эркин", "birth_date": "1995-09-30", "sex": "M"}
THEFT = {"article": "205", "part": 3}
PRISON = {"kind": "imprisonment", "months": 30, "regime": "general"}
PROBATION = {"kind": "probation", "months": 24, "probation_months": 12}


@pytest.fixture
def world(world):
    return {u.username: u for u in User.objects.all()}


def convicted_together(as_user: Any) -> tuple[str, str, str, str]:
    """A theft by two, tried and convicted by `judge`; returns case, A, B and the ECLI."""
    number = ok(as_user("registrar").act("registry.report.register", REPORT))["result"]["case"]
    inv = as_user("investigator")
    ok(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, number))
    ok(inv.act("registry.case.open", THEFT, number))
    persons = []
    for accused in (A, B):
        added = ok(
            inv.act("registry.participant.add", {"role": "suspect", "person": accused}, number)
        )
        persons.append(added["result"]["person"])
    a, b = persons
    for person in persons:
        ok(inv.act("registry.suspicion.notify", {"person": person}, number))
    counsel = {"person": b, "lawyer_name": "Асанова Айгүл", "licence": "GB-0001"}
    ok(inv.act("legalaid.private_counsel", counsel, number))
    for person in persons:
        ok(inv.act("registry.charge", {"person": person, **THEFT}, number))
    ok(inv.act("registry.indictment.submit", {}, number))
    ok(as_user("prosecutor").act("registry.indictment.approve", {"court": "GB-SUD"}, number))
    judge = as_user("judge")
    starts = (now(judge) + timedelta(days=6)).isoformat()
    hearing = ok(judge.act("courts.hearing.schedule", {"starts_at": starts, "room": "3"}, number))
    advance("6d")
    ok(judge.act("courts.trial.open", {"hearing": hearing["result"]["hearing"]}, number))
    # A day whose appeal term is not moved off a weekend or holiday (31 days on, it has run).
    while appeal_due(clock.now()) >= clock.now() + timedelta(days=31):
        advance("1d")
    rows = [
        {"person": a, "outcome": "convicted", **THEFT, "sentence": PRISON},
        {"person": b, "outcome": "convicted", **THEFT, "sentence": PROBATION},
    ]
    body = ok(judge.act("courts.verdict.deliver", {"defendants": rows}, number))
    return number, a, b, body["result"]["verdict"]


def in_force(ecli: str) -> dict[str, bool]:
    rows = VerdictDefendant.objects.filter(verdict_id=ecli)
    return {r.person_id: r.in_force_at is not None for r in rows}


def test_the_co_defendant_who_did_not_appeal_enters_into_force_when_the_term_runs(as_user):
    leave_for_the_other_judges(as_user)
    number, a, b, ecli = convicted_together(as_user)
    clerk, lawyer = as_user("court_clerk"), as_user("lawyer")

    advance("20d")
    grounds = {"person": b, "grounds": "Наказание чрезмерно суровое (CPC 422)"}
    appeal = ok(lawyer.act("courts.appeal.file", grounds, number))["result"]["appeal"]
    advance("11d")
    # Day 31: the worker records the entry into force for A alone (CPC 426(3)).
    done = jobs.run_all()
    assert done["courts.verdict.enter_into_force"] == 1
    assert in_force(ecli) == {a: True, b: False}
    assert Verdict.objects.get(pk=ecli).state == "delivered"  # not yet in force for every one
    assert ok(as_user("judge").get(f"/cases/{number}"), 200)["stage"] == "execution"
    gb_prison = as_user("prison_officer")
    assert [e["person"]["id"] for e in ok(gb_prison.get("/prisons/expected"), 200)] == [a]
    assert not ProbationFile.objects.filter(person_id=b).exists()
    # The register shows the colony A's row only; probation sees nothing of B yet.
    seen = ok(gb_prison.get(f"/courts/decisions/{ecli}"), 200)
    assert [r["person"]["id"] for r in seen["defendants"]] == [a]
    assert seen["defendants"][0]["in_force_at"]
    assert ok(as_user("probation_officer").get(f"/courts/decisions/{ecli}"), 404)
    # The court turns A's sentence to execution (CPC 426(4)); B's waits.
    sent = ok(clerk.act("courts.verdict.execute", {}, number))["result"]["orders"]
    assert [(o["person"], o["body"]) for o in sent] == [(a, "prison")]
    again = ok(clerk.act("courts.verdict.execute", {}, number), 409)
    assert "CPC 426(3)" in again["message"]

    # B's entry is refused until the appeal judge decides; the worker does nothing for B.
    held = ok(clerk.act("courts.verdict.enter_into_force", {}, number), 409)
    assert appeal in held["message"] and "CPC 405(1)" in held["message"]
    done = jobs.run_all()
    assert done["courts.verdict.enter_into_force"] == 0
    assert in_force(ecli) == {a: True, b: False}

    # In force for A, the verdict is no longer the appeal court's to quash as a whole or to
    # change for A (CPC 426(3), 409(1)); nothing is recorded.
    appeal_judge = as_user("appeal_judge")
    quash = {"appeal": appeal, "outcome": "quashed"}
    refused = ok(appeal_judge.act("courts.appeal.decide", quash, number), 409)
    assert a in refused["message"] and "CPC 426(3)" in refused["message"]
    shorter = {"person": a, "outcome": "convicted", **THEFT, "sentence": {**PRISON, "months": 24}}
    modify = {"appeal": appeal, "outcome": "modified", "changes": [shorter]}
    refused = ok(appeal_judge.act("courts.appeal.decide", modify, number), 409)
    assert a in refused["message"] and "426(3)" in refused["message"]
    assert Verdict.objects.get(pk=ecli).state == "delivered"

    decided = ok(
        as_user("appeal_judge").act(
            "courts.appeal.decide", {"appeal": appeal, "outcome": "upheld"}, number
        )
    )
    entered = [r for kind, r in reactions(decided) if kind == "courts.verdict.enter_into_force"]
    assert [(r["persons"], r["grounds"]) for r in entered] == [([b], "appeal_decided")]
    assert in_force(ecli) == {a: True, b: True}
    assert Verdict.objects.get(pk=ecli).state == "in_force"
    assert ProbationFile.objects.filter(person_id=b, source_ref=ecli).count() == 1
    assert Prisoner.objects.filter(verdict=ecli).count() == 1  # A, once
    sent = ok(clerk.act("courts.verdict.execute", {}, number))["result"]["orders"]
    assert [(o["person"], o["body"]) for o in sent] == [(b, "probation_office")]
    assert ok(as_user("judge").get(f"/cases/{number}"), 200)["stage"] == "execution"

    call_command("rebuild_projections", check=True)
    assert in_force(ecli) == {a: True, b: True}
    assert len(Verdict.objects.get(pk=ecli).execution_orders) == 2
