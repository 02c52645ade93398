"""Issue 4's acceptance, end to end through the API as the demo users: an arrest brings the duty
lawyer in the same response, the custody clock runs from the minute of detention, the IVS admits
and examines, and the investigating judge's custody order replaces the 48-hour clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from icjis.core import clock
from icjis.core.models import User
from icjis.legal.counting import LOCAL_TZ, end_of_day

REPORT = {"channel": "in_person", "summary": "Грабёж у рынка", "place": {"region": "KG-GB"}}
SUSPECT = {"surname": "Сатыбалдиев", "given_name": "Эрлан", "birth_date": "1992-02-11", "sex": "M"}


@pytest.fixture
def world(world):
    return {**world, **{u.username: u for u in User.objects.filter(username__startswith="lawyer")}}


def ok(response, status=201):
    assert response.status_code == status, response.content
    return response.json()


def kinds(body):
    out = []
    for r in body.get("reactions", []):
        out.append((r["event"]["kind"], r["result"]))
        out.extend(kinds(r))
    return out


def deadlines(api, number):
    return {(d["rule"], d["subject"]): d for d in ok(api.get(f"/cases/{number}"), 200)["deadlines"]}


def test_arrest_lawyer_admission_exam_and_a_custody_order(as_user):
    registrar, head, inv = as_user("registrar"), as_user("unit_head"), as_user("investigator")
    number = ok(registrar.act("registry.report.register", REPORT))["result"]["case"]
    ok(head.act("registry.case.assign", {"officer": "investigator"}, case=number))
    ok(inv.act("registry.case.open", {"article": "205", "part": 4}, case=number))
    person = ok(
        inv.act("registry.participant.add", {"role": "suspect", "person": SUSPECT}, case=number)
    )["result"]["person"]

    detained_at = datetime.fromisoformat(ok(inv.get("/clock"), 200)["now"].replace("Z", "+00:00"))
    detained_at = (detained_at - timedelta(minutes=40)).replace(second=0, microsecond=0)
    arrest = ok(
        inv.act(
            "detention.arrest",
            {
                "person": person,
                "detained_at": detained_at.isoformat(),
                "place": "ул. Токтогула",
                "grounds": "застигнут при совершении преступления",
            },
            case=number,
        )
    )
    # The duty lawyer is appointed in the same transaction, shown in the same response.
    appointed = [result for kind, result in kinds(arrest) if kind == "legalaid.appoint"]
    assert len(appointed) == 1 and appointed[0]["lawyer"] == "lawyer"
    appointment = appointed[0]["appointment"]

    lawyer = as_user("lawyer")
    listed = ok(lawyer.get("/legalaid/appointments", state="open"), 200)
    assert appointment in {a["id"] for a in listed["items"]}
    accepted = ok(lawyer.act("legalaid.accept", {"appointment": appointment}, case=number))
    assert accepted["result"]["accepted_at"]

    # The custody clock runs from the minute of detention, not from the recording.
    terms = deadlines(inv, number)
    court, release = terms[("detention.court", person)], terms[("detention.release", person)]
    due = datetime.fromisoformat(release["due_at"].replace("Z", "+00:00"))
    assert due == detained_at + timedelta(hours=48)
    assert datetime.fromisoformat(
        court["due_at"].replace("Z", "+00:00")
    ) == detained_at + timedelta(hours=45)

    ok(
        as_user("ivs_officer").act(
            "detention.admit", {"person": person, "facility": "GB-IVS"}, case=number
        )
    )
    ok(
        as_user("ivs_medic").act(
            "detention.medical_exam", {"person": person, "injuries": False}, case=number
        )
    )

    # Petition, prosecutor's consent, the investigating judge's order for two months.
    petition = ok(
        inv.act(
            "courts.measure.petition",
            {"person": person, "measure": "custody", "months": 2, "grounds": "может скрыться"},
            case=number,
        )
    )["result"]["petition"]
    ok(as_user("prosecutor").act("courts.measure.consent", {"petition": petition}, case=number))
    until = clock.now().astimezone(LOCAL_TZ).date() + timedelta(days=45)
    ok(
        as_user("investigating_judge").act(
            "courts.measure.decide",
            {"petition": petition, "granted": True, "until": until.isoformat()},
            case=number,
        )
    )
    all_terms = {
        d["rule"]: d for d in ok(as_user("investigating_judge").get("/deadlines", case=number), 200)
    }
    assert all_terms["custody.term"]["state"] == "running"
    custody_due = datetime.fromisoformat(all_terms["custody.term"]["due_at"].replace("Z", "+00:00"))
    assert custody_due == end_of_day(until)  # the ordered term, never shifted to a working day
    open_rules = {d["rule"] for d in ok(inv.get(f"/cases/{number}"), 200)["deadlines"]}
    assert "detention.release" not in open_rules and "custody.term" in open_rules

    # Another region's investigator sees nothing; the ombudsperson reads but may not act.
    assert as_user("investigator_osh").get(f"/cases/{number}").status_code == 404
    ombudsperson = as_user("ombudsperson")
    held = ok(ombudsperson.get("/detention/held"), 200)["items"]
    assert person in {row["person"]["id"] for row in held}
    refused = ombudsperson.act(
        "detention.release", {"person": person, "grounds": "court_refused_custody"}, case=number
    )
    assert refused.status_code == 403
