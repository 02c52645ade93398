"""A fine of the register of offences is enforced like a verdict's: the decision opens the file at
the enforcement office, due within 30 days of it (CoO 563(1)); where the code says so, 70 % less
is owed if paid within those days (563(5)), and the whole sum after them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from tests.offences.test_protocols import decide, registered

from icjis.core import clock
from icjis.core.models import Event
from icjis.fines.models import FineFile
from icjis.legal.counting import local_date


def fined(as_user, article: str, units: int) -> FineFile:
    officer = as_user("offences_officer")
    number = registered(officer, article=article)["offence"]
    r = decide(officer, number, penalty={"kind": "fine", "amount": units})
    assert r.status_code == 201, r.json()
    f = FineFile.objects.get(source_ref=number)
    assert Event.objects.filter(stream=f"offence/{number}", kind="fines.file.open_offence").exists()
    return f


def pay(as_user, f: FineFile, amount: str):
    return as_user("enforcement_officer").act(
        "fines.payment.record", {"fine": f.id, "amount": amount}
    )


def test_a_decision_with_a_fine_opens_its_enforcement_file(as_user):
    f = fined(as_user, "130", 30)  # CoO 130: 30 calculation units, not reduced
    assert (f.source, f.case_id, f.office_id, f.state) == ("offence", None, "GB-ENF", "open")
    assert (f.indices, f.amount, f.reduced_amount) == (30, Decimal("3000.00"), None)
    assert f.due_on == local_date(f.opened_at) + timedelta(days=30)
    listed = as_user("enforcement_officer").get(f"/fines/{f.id}").json()
    assert listed["source"] == "offence" and listed["reduced_amount"] is None
    assert pay(as_user, f, "900.00").status_code == 201
    f.refresh_from_db()
    assert f.state == "open" and f.paid == Decimal("900.00")  # no reduction for art. 130
    call_command("rebuild_projections", "--check")


def test_a_traffic_fine_paid_within_30_days_owes_70_percent_less(as_user):
    f = fined(as_user, "191", 30)  # chapter 21 (road traffic), not excepted by 563(5)
    assert (f.amount, f.reduced_amount) == (Decimal("3000.00"), Decimal("900.00"))
    assert f.reduced_until == f.due_on
    over = pay(as_user, f, "901.00")
    assert over.status_code == 409  # only 900 are owed while the 30 days last
    assert pay(as_user, f, "400.00").status_code == 201
    assert pay(as_user, f, "500.00").status_code == 201
    f.refresh_from_db()
    assert (f.state, f.paid) == ("paid", Decimal("900.00"))
    call_command("rebuild_projections", "--check")


def test_after_the_30_days_the_whole_traffic_fine_is_owed(as_user):
    f = fined(as_user, "191", 30)
    clock.advance(timedelta(days=32))
    assert pay(as_user, f, "900.00").status_code == 201
    f.refresh_from_db()
    assert f.state == "open"  # 2100 remain
    arrears = as_user("enforcement_officer").get("/fines/arrears").json()
    assert [a["fine"] for a in arrears] == [f.id]
    assert pay(as_user, f, "2100.00").status_code == 201
    f.refresh_from_db()
    assert f.state == "paid"
