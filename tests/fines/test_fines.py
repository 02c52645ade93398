"""Enforcement of fines (module I): a verdict in force with a fine opens a file; instalments
within the three months of CEC 59(1); partial payments, overpayment refused, arrears listed at
query time; the payment completing the sum closes the file and the case."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.test import override_settings
from tests.courts.test_verdicts import THEFT, Trial, created, refused, unshifted_term

from icjis.core import clock, jobs
from icjis.core.execution import remaining
from icjis.core.models import Event
from icjis.fines.models import FineFile, Payment
from icjis.legal.counting import add_months, end_of_day, local_date


def fined(as_user: Any, indices: int = 1500, trial: Trial | None = None) -> Trial:
    """A trial (a new one at liberty, or `trial`) opened, a fine of `indices` delivered and in
    force 31 days on."""
    trial = trial or Trial(as_user, at_liberty=True)
    trial.open()
    unshifted_term()
    row = {"person": trial.person, "outcome": "convicted", **THEFT}
    created(trial.deliver({**row, "sentence": {"kind": "fine", "amount": indices}}))
    clock.advance(timedelta(days=31))
    assert jobs.run_all()["courts.verdict.enter_into_force"] == 1
    return trial


def test_a_fine_paid_in_two_instalments_closes_the_file_and_the_case(as_user):
    trial = fined(as_user)
    n = trial.number
    assert trial.stage() == "execution"
    [f] = FineFile.objects.filter(case_id=n)
    opened_on = local_date(f.opened_at)
    # 1500 indices of 100 som (CC 65(3)); three months to pay (CEC 59(1)).
    assert (f.source, f.source_ref, f.office_id, f.state) == (
        "verdict",
        trial.verdict().id,
        "GB-ENF",
        "open",
    )
    assert (f.indices, f.amount, f.paid) == (1500, Decimal("150000.00"), Decimal("0"))
    assert f.due_on == add_months(opened_on, 3)
    opening = Event.objects.get(stream=f"case/{n}", kind="fines.file.open")
    assert opening.actor == "system" and opening.payload["fine"] == f.id
    assert opening.payload["office_basis"] == "case"  # the index knows no residence
    assert remaining(n) == {f"fines:{f.id}"}
    details = as_user("prosecutor").get(f"/cases/{n}").json()["details"]
    assert details["fines"][f.id]["balance"] == "150000.00"

    officer = as_user("enforcement_officer")
    assert officer.get(f"/cases/{n}").status_code == 200  # the office now holds the case
    first_day = opened_on + timedelta(days=20)
    second_day = opened_on + timedelta(days=50)
    too_late = {
        "fine": f.id,
        "grounds": "Низкий доход",
        "instalments": [
            {"due_on": first_day.isoformat(), "amount": "100000"},
            {"due_on": (f.due_on + timedelta(days=1)).isoformat(), "amount": "50000"},
        ],
    }
    assert "CEC 59(1)" in refused(officer.act("fines.instalments.grant", too_late), 400)["message"]
    short = {**too_late, "instalments": [{"due_on": first_day.isoformat(), "amount": "100000"}]}
    assert "150000.00" in refused(officer.act("fines.instalments.grant", short), 400)["message"]
    backwards = {
        **too_late,
        "instalments": [
            {"due_on": second_day.isoformat(), "amount": "100000"},
            {"due_on": first_day.isoformat(), "amount": "50000"},
        ],
    }
    assert refused(officer.act("fines.instalments.grant", backwards), 400)
    plan = {
        **too_late,
        "instalments": [
            {"due_on": first_day.isoformat(), "amount": "100000"},
            {"due_on": second_day.isoformat(), "amount": "50000.00"},
        ],
    }
    created(officer.act("fines.instalments.grant", plan))
    # Only the office that keeps the file acts on it.
    pay = {"fine": f.id, "amount": "100000.00", "reference": "КВ-0001"}
    assert refused(as_user("enforcement_officer_osh").act("fines.payment.record", pay), 404)

    body = created(officer.act("fines.payment.record", pay))["result"]
    assert (body["paid"], body["balance"], body["closed"], body["case_closed"]) == (
        "100000.00",
        "50000.00",
        False,
        False,
    )
    # Overpayment and sums that are not positive are refused, and nothing is written.
    over = refused(officer.act("fines.payment.record", {"fine": f.id, "amount": "50000.01"}), 409)
    assert "50000.00" in over["message"] and "overpay" in over["message"]
    assert refused(officer.act("fines.payment.record", {"fine": f.id, "amount": 0}), 400)
    assert refused(officer.act("fines.payment.record", {"fine": f.id, "amount": "-5"}), 400)
    assert refused(officer.act("fines.payment.record", {"fine": f.id, "amount": "1.001"}), 400)
    assert Payment.objects.filter(file=f).count() == 1

    # The first instalment is met; past the second day unpaid, it is in arrears (at query time).
    assert officer.get("/fines/arrears").json() == []
    clock.advance(end_of_day(second_day) - clock.now() + timedelta(minutes=1))
    arrears = officer.get("/fines/arrears").json()
    assert [(a["fine"], a["instalment"], a["shortfall"]) for a in arrears] == [
        (f.id, 2, "50000.00")
    ]
    listed = officer.get("/fines").json()["items"]
    assert [(i["id"], i["balance"], i["in_arrears"]) for i in listed] == [(f.id, "50000.00", True)]
    assert as_user("enforcement_officer_osh").get("/fines/arrears").json() == []

    last = created(officer.act("fines.payment.record", {"fine": f.id, "amount": "50000"}))
    assert last["result"]["closed"] is True and last["result"]["case_closed"] is True
    f.refresh_from_db()
    assert (f.state, f.paid) == ("paid", Decimal("150000.00"))
    assert trial.stage() == "closed"
    assert officer.get("/fines/arrears").json() == []
    assert refused(officer.act("fines.payment.record", {"fine": f.id, "amount": "1"}), 409)
    detail = officer.get(f"/fines/{f.id}").json()
    assert [p["amount"] for p in detail["payments"]] == ["100000.00", "50000.00"]
    assert detail["balance"] == "0.00" and detail["state"] == "paid"
    timeline = [e["kind"] for e in as_user("prosecutor").get(f"/cases/{n}/timeline").json()]
    assert timeline[-3:] == [
        "fines.instalments.grant",
        "fines.payment.record",
        "fines.payment.record",
    ]
    call_command("rebuild_projections", check=True)


def test_unpaid_after_three_months_without_a_schedule_is_in_arrears(as_user):
    trial = fined(as_user, indices=200)
    f = FineFile.objects.get(case_id=trial.number)
    officer = as_user("enforcement_officer")
    created(officer.act("fines.payment.record", {"fine": f.id, "amount": "5000"}))
    clock.advance(end_of_day(f.due_on) - clock.now() + timedelta(minutes=1))
    [row] = officer.get("/fines/arrears").json()
    assert (row["fine"], row["due_in_total"], row["paid"], row["shortfall"]) == (
        f.id,
        "20000.00",
        "5000.00",
        "15000.00",
    )
    # Outsiders read nothing; the read is logged.
    assert as_user("probation_officer").get("/fines/arrears").json() == []
    assert as_user("probation_officer").get(f"/fines/{f.id}").status_code == 404


def test_the_value_of_an_index_is_configurable(as_user):
    with override_settings(FINES_CALCULATION_INDEX="150.50"):
        trial = fined(as_user, indices=200)
    f = FineFile.objects.get(case_id=trial.number)
    assert (f.index_value, f.amount) == (Decimal("150.50"), Decimal("30100.00"))


def test_a_fine_is_enforced_by_the_office_where_the_convict_lives(as_user):
    """CEC 30(1): the enforcement office of the place of residence (recorded in the index after
    the person was added, by the investigator), not of the case's place."""
    from tests.courts.test_verdicts import ACCUSED

    trial = Trial(as_user, at_liberty=True, accused=ACCUSED)
    moved = {"person": trial.person, "residence": "KG-O-KSU", "basis": "Адресная справка"}
    created(as_user("investigator").act("persons.residence.record", moved))
    fined(as_user, 500, trial)
    [f] = FineFile.objects.filter(case_id=trial.number)
    opening = Event.objects.get(stream=f"case/{trial.number}", kind="fines.file.open")
    assert (f.office_id, opening.payload["office_basis"]) == ("OSH-ENF", "residence")
    assert as_user("enforcement_officer_osh").get(f"/cases/{trial.number}").status_code == 200


def test_a_record_merged_into_another_is_enforced_where_the_survivor_lives(as_user):
    """The convict's record in the case was merged into an earlier record of the same person,
    itself merged later into the index's oldest one, which holds the place of residence: the
    fine goes to that place's office (CEC 30(1)), not to the one of the record in between, and a
    residence is recorded on the survivor, not on a merged record."""
    from tests.courts.test_verdicts import ACCUSED

    records = []
    for residence in ("KG-O-KSU", "KG-GB-LEN"):  # the survivor, then the record in between
        r = as_user("registrar").act(
            "persons.register", {"person": {**ACCUSED, "residence": residence}}
        )
        assert r.status_code == 201, r.content
        records.append(r.json()["result"]["person"])
    survivor, between = records
    trial = Trial(as_user, at_liberty=True, accused=ACCUSED)
    assert trial.person not in records
    for person, into in ((trial.person, between), (between, survivor)):
        merge = {"person": person, "into": into, "reason": "одно лицо, тот же паспорт"}
        created(as_user("unit_head").act("persons.merge", merge))
    moved = {"person": trial.person, "residence": "KG-GB-LEN", "basis": "Адресная справка"}
    r = as_user("investigator").act("persons.residence.record", moved)
    assert r.status_code == 409 and survivor in r.json()["message"], r.content
    fined(as_user, 500, trial)
    [f] = FineFile.objects.filter(case_id=trial.number)
    opening = Event.objects.get(stream=f"case/{trial.number}", kind="fines.file.open")
    assert (f.office_id, opening.payload["office_basis"]) == ("OSH-ENF", "residence")
