"""A fine of the register of offences is enforced like a verdict's: the decision opens the file at
the enforcement office, due within 30 days of it (CoO 563(1)); where the code says so, 70 % less
is owed if paid within those days (563(5)), and the whole sum after them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.management import call_command
from tests.offences.test_orders import issued
from tests.offences.test_protocols import decide, registered

from icjis.core import clock
from icjis.core.models import Event
from icjis.fines.models import FineFile
from icjis.legal.counting import end_of_day, local_date
from icjis.offences.models import OffenceCase


def fined(as_user, article: str, units: int) -> FineFile:
    officer = as_user("offences_officer")
    number = registered(officer, article=article)["offence"]
    r = decide(officer, number, penalty={"kind": "fine", "amount": units})
    assert r.status_code == 201, r.json()
    f = FineFile.objects.get(source_ref=number)
    assert Event.objects.filter(stream=f"offence/{number}", kind="fines.file.open_offence").exists()
    return f


def court_fined(as_user) -> str:
    """An offence the court decides (CoO 101-1: 150 units), fined by the judge; its number."""
    officer = as_user("offences_officer")
    number = registered(officer, article="101-1")["offence"]
    assert officer.act("offences.protocol.refer", {"offence": number}).status_code == 201
    decided = decide(as_user("judge"), number, penalty={"kind": "fine", "amount": 150})
    assert decided.status_code == 201, decided.json()
    return number


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
    over = pay(as_user, f, "901.00")
    assert over.status_code == 409  # only 900 are owed while the 30 days last
    assert pay(as_user, f, "400.00").status_code == 201
    assert pay(as_user, f, "500.00").status_code == 201
    f.refresh_from_db()
    assert (f.state, f.paid) == ("paid", Decimal("900.00"))
    assert as_user("enforcement_officer").get(f"/fines/{f.id}").json()["balance"] == "0.00"
    call_command("rebuild_projections", "--check")


def test_which_fines_the_code_reduces():
    from icjis.offences.rules import offence_versions

    [rules] = offence_versions()
    assert rules.fine_reduced("187", "1", "21") and rules.fine_reduced("192-1", None, "21")
    assert not rules.fine_reduced("187", "3", "21")  # excepted by 563(5)
    assert not rules.fine_reduced("200-1", None, "21") and not rules.fine_reduced("177", None, "21")
    assert rules.fine_reduced("318", "2", "26") and not rules.fine_reduced("318", "1", "26")
    assert not rules.fine_reduced("130", None, "17")


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


def appeal(user, number: str):
    return user.act(
        "offences.decision.appeal", {"offence": number, "grounds": "Не согласен с постановлением"}
    )


def ruling(user, number: str, outcome: str):
    return user.act(
        "offences.appeal.decide",
        {"offence": number, "outcome": outcome, "grounds": "Рассмотрено в заседании"},
    )


def test_a_complaint_suspends_the_police_fine_and_upheld_it_is_paid_within_15_days(as_user):
    f = fined(as_user, "130", 30)
    number = f.source_ref
    assert appeal(as_user("court_clerk_osh"), number).status_code == 404  # not their court
    assert appeal(as_user("court_clerk"), number).status_code == 201
    case = OffenceCase.objects.get(pk=number)
    assert (case.state, case.appeal_court_id) == ("appealed", "GB-SUD")
    assert case.appeal_due_at == end_of_day(local_date(case.appealed_at) + timedelta(days=10))
    f.refresh_from_db()
    assert f.state == "suspended"  # CoO 549(1)
    assert as_user("enforcement_officer").get("/fines/arrears").json() == []
    # Nothing is enforced meanwhile, but a payment made of the person's own will is taken.
    assert pay(as_user, f, "100.00").status_code == 201
    f.refresh_from_db()
    assert (f.state, f.paid) == ("suspended", Decimal("100.00"))
    assert appeal(as_user("court_clerk"), number).status_code == 409  # once
    assert ruling(as_user("judge_2_osh"), number, "upheld").status_code == 404
    clock.advance(timedelta(days=3))
    assert ruling(as_user("judge"), number, "upheld").status_code == 201
    case.refresh_from_db()
    f.refresh_from_db()
    assert (case.state, case.appeal_outcome) == ("decided", "upheld")
    assert f.state == "open" and f.due_on == local_date(clock.now()) + timedelta(days=15)
    assert pay(as_user, f, "2900.00").status_code == 201
    call_command("rebuild_projections", "--check")


def test_a_quashed_fine_is_cancelled_and_what_was_paid_returned(as_user):
    f = fined(as_user, "130", 30)
    assert pay(as_user, f, "1000.00").status_code == 201
    number = f.source_ref
    assert appeal(as_user("court_clerk"), number).status_code == 201
    assert ruling(as_user("judge"), number, "quashed").status_code == 201
    f.refresh_from_db()
    assert OffenceCase.objects.get(pk=number).state == "quashed"
    assert f.state == "cancelled" and f.closed_at is not None
    shown = as_user("enforcement_officer").get(f"/fines/{f.id}").json()
    assert shown["to_refund"] == "1000.00"
    call_command("rebuild_projections", "--check")


def test_the_10_days_to_appeal_and_a_court_arrest_appealed_to_the_second_instance(as_user):
    f = fined(as_user, "130", 30)
    clock.advance(timedelta(days=12))
    late = appeal(as_user("court_clerk"), f.source_ref)
    assert late.status_code == 409 and "547(2)" in late.json()["message"]

    officer = as_user("offences_officer")
    order = issued(officer)["order"]
    clock.advance(timedelta(hours=5))
    number = registered(officer, article="71", order=order, person=None)["offence"]
    assert officer.act("offences.protocol.refer", {"offence": number}).status_code == 201
    assert (
        decide(as_user("judge"), number, penalty={"kind": "arrest", "amount": 5}).status_code == 201
    )
    assert appeal(as_user("court_clerk"), number).status_code == 404  # the second instance's
    assert appeal(as_user("appeal_judge"), number).status_code == 201
    case = OffenceCase.objects.get(pk=number)
    assert appeal(as_user("appeal_judge"), number).status_code == 409  # once
    assert case.appeal_court_id == "GB-APP"
    assert case.appeal_due_at == case.appealed_at + timedelta(hours=48)  # CoO 547(4)
    assert ruling(as_user("appeal_judge"), number, "upheld").status_code == 201


def test_an_appeal_against_a_court_fine_suspends_it_too(as_user):
    number = court_fined(as_user)  # the court's: 150 units
    f = FineFile.objects.get(source_ref=number)
    assert appeal(as_user("appeal_judge"), number).status_code == 201
    f.refresh_from_db()
    assert f.state == "suspended"  # not in force while appealed (CoO 539(6), 555(2))
    assert OffenceCase.objects.get(pk=number).appeal_due_at is None  # no term set by the code
    assert ruling(as_user("appeal_judge"), number, "quashed").status_code == 201
    f.refresh_from_db()
    assert f.state == "cancelled"


def cancel(user, number: str):
    grounds = "Вина не установлена; рассмотреть дело заново."
    return user.act("offences.decision.cancel", {"offence": number, "grounds": grounds})


def test_the_prosecutor_cancels_an_unlawful_fine_and_the_police_decide_again(as_user):
    from icjis.core.models import Alert

    f = fined(as_user, "130", 30)
    assert pay(as_user, f, "1000.00").status_code == 201
    number = f.source_ref
    assert cancel(as_user("offences_officer"), number).status_code == 403
    assert cancel(as_user("prosecutor_osh"), number).status_code == 404  # another territory
    clock.advance(timedelta(days=2))
    r = cancel(as_user("prosecutor"), number)
    assert r.status_code == 201, r.json()
    [followed] = r.json()["reactions"]
    assert followed["event"]["kind"] == "fines.file.follow_appeal"
    f.refresh_from_db()
    assert f.state == "cancelled"  # and the 1000 paid are to be returned (CoO 553(1))
    assert as_user("enforcement_officer").get(f"/fines/{f.id}").json()["to_refund"] == "1000.00"
    case = OffenceCase.objects.get(pk=number)
    assert (case.state, case.penalty_kind, case.decided_at) == ("registered", "", None)
    assert case.decide_by == end_of_day(local_date(clock.now()) + timedelta(days=10))
    [told] = Alert.objects.filter(kind="offences.decision.cancelled", state="open")
    assert told.subject == number and "452(3)(5)" in told.message
    assert cancel(as_user("prosecutor"), number).status_code == 409  # nothing to cancel now

    # The decision taken again: its fine is a file of its own; the alert is answered.
    again = decide(as_user("offences_officer"), number, penalty={"kind": "fine", "amount": 30})
    assert again.status_code == 201, again.json()
    second = FineFile.objects.get(source_ref=number, state="open")
    assert second.id == f"FN-{number}-2"
    assert not Alert.objects.filter(kind="offences.decision.cancelled", state="open").exists()
    call_command("rebuild_projections", "--check")


def test_a_decision_a_court_hears_or_ruled_on_is_not_the_prosecutors_to_cancel(as_user):
    f = fined(as_user, "130", 30)
    number = f.source_ref
    assert appeal(as_user("court_clerk"), number).status_code == 201
    assert "before the court" in cancel(as_user("prosecutor"), number).json()["message"]
    assert ruling(as_user("judge"), number, "upheld").status_code == 201
    refused = cancel(as_user("prosecutor"), number)
    assert refused.status_code == 409 and "452(3)(7)" in refused.json()["message"]
    assert OffenceCase.objects.get(pk=number).cancelled_at is None


def test_a_termination_is_cancelled_too_and_each_new_fine_has_a_file_and_a_count_of_its_own(
    as_user,
):
    from tests.analytics.test_against_projections import total

    from icjis.analytics.fold import compute

    officer, prosecutor = as_user("offences_officer"), as_user("prosecutor")
    number = registered(officer, article="130")["offence"]
    ended = decide(officer, number, outcome="terminated", grounds="Малозначительность")
    assert ended.status_code == 201, ended.json()
    assert cancel(prosecutor, number).status_code == 201
    for _ in range(2):
        fine = decide(officer, number, penalty={"kind": "fine", "amount": 30})
        assert fine.status_code == 201, fine.json()
        assert cancel(prosecutor, number).status_code == 201
    files = FineFile.objects.filter(source_ref=number).order_by("opened_at")
    assert [(f.id, f.state) for f in files] == [
        (f"FN-{number}", "cancelled"),
        (f"FN-{number}-2", "cancelled"),
    ]
    shown = as_user("prosecutor").get(f"/offences/cases/{number}").json()
    assert shown["state"] == "registered" and shown["cancelled_at"] is not None
    # Three decisions and three cancellations: each counted once, under its outcome.
    clock.advance(timedelta(seconds=1))
    rows = compute(clock.now()).rows()
    assert total(rows, "offences.decided", "kind") == {
        ("terminated",): 1,
        ("penalty",): 2,
        ("cancelled",): 3,
    }


def test_a_courts_decision_is_not_cancelled_by_the_prosecutor(as_user):
    from tests.offences.test_orders import issued

    officer, judge = as_user("offences_officer"), as_user("judge")
    order = issued(officer)["order"]
    clock.advance(timedelta(hours=5))
    number = registered(officer, article="71", order=order, person=None)["offence"]
    assert officer.act("offences.protocol.refer", {"offence": number}).status_code == 201
    arrest = decide(judge, number, penalty={"kind": "arrest", "amount": 5})
    assert arrest.status_code == 201, arrest.json()
    refused = cancel(as_user("prosecutor"), number)
    assert refused.status_code == 409 and "452(3)(7)" in refused.json()["message"]


def test_the_prosecutor_appeals_a_courts_penalty_and_the_second_instance_is_alerted(as_user):
    from icjis.core.models import Alert

    number = court_fined(as_user)
    f = FineFile.objects.get(source_ref=number)
    assert appeal(as_user("prosecutor_osh"), number).status_code == 404  # another territory
    r = appeal(as_user("prosecutor"), number)
    assert r.status_code == 201, r.json()
    case = OffenceCase.objects.get(pk=number)
    assert (case.state, case.appellant, case.appeal_court_id) == (
        "appealed",
        "prosecutor",
        "GB-APP",
    )
    f.refresh_from_db()
    assert f.state == "suspended"  # not in force while appealed (CoO 539(6), 555(2))
    [told] = Alert.objects.filter(kind="offences.appeal.filed", subject=number, state="open")
    assert told.unit_id == "GB-APP" and "appeal_judge" in told.roles and "452(3)(7)" in told.message
    shown = as_user("prosecutor").get(f"/offences/cases/{number}").json()
    assert shown["appeal"]["appellant"] == "prosecutor"
    assert appeal(as_user("prosecutor"), number).status_code == 409  # once
    assert ruling(as_user("appeal_judge"), number, "upheld").status_code == 201
    assert not Alert.objects.filter(kind="offences.appeal.filed", state="open").exists()
    call_command("rebuild_projections", "--check")


def test_the_prosecutor_cancels_a_police_decision_rather_than_appeal_it(as_user):
    f = fined(as_user, "130", 30)
    r = appeal(as_user("prosecutor"), f.source_ref)
    assert r.status_code == 409 and "452(3)(5)" in r.json()["message"]
    assert OffenceCase.objects.get(pk=f.source_ref).appealed_at is None


def test_the_persons_and_the_prosecutors_appeals_are_heard_together(as_user):
    number = court_fined(as_user)  # the court's: 150 units
    assert appeal(as_user("appeal_judge"), number).status_code == 201  # the person's
    first = OffenceCase.objects.get(pk=number)
    r = appeal(as_user("prosecutor"), number)
    assert r.status_code == 201, r.json()
    case = OffenceCase.objects.get(pk=number)
    assert (case.state, case.appellant) == ("appealed", "both")
    assert (case.appealed_at, case.appeal_due_at) == (first.appealed_at, first.appeal_due_at)
    for again in ("prosecutor", "appeal_judge"):
        late = appeal(as_user(again), number)
        assert late.status_code == 409 and "already appealed" in late.json()["message"], again
    assert ruling(as_user("appeal_judge"), number, "quashed").status_code == 201
    assert FineFile.objects.get(source_ref=number).state == "cancelled"
    call_command("rebuild_projections", "--check")


def test_the_other_sides_appeal_joins_only_within_its_own_days(as_user):
    number = court_fined(as_user)  # the court's: 150 units
    assert appeal(as_user("appeal_judge"), number).status_code == 201
    case = OffenceCase.objects.get(pk=number)
    clock.advance(case.appeal_until - clock.now() + timedelta(hours=1))
    late = appeal(as_user("prosecutor"), number)
    assert late.status_code == 409 and "547(2)" in late.json()["message"]
    assert OffenceCase.objects.get(pk=number).appellant == "person"
