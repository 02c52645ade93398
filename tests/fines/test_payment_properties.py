"""Property tests of the payment engine: whatever sums are offered, what is paid never exceeds
the fine, every refusal writes nothing, the file closes exactly when the last cent is paid, and
an instalment is in arrears exactly when, paying the schedule in order, the payments have not
covered it by its day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from icjis.core import acts, clock
from icjis.core.access import SYSTEM_USER
from icjis.core.models import CaseParticipant, User
from icjis.core.refusals import Conflict
from icjis.fines.api import arrears_of
from icjis.fines.models import FineFile, Instalment, Payment
from icjis.legal.counting import end_of_day, local_date

CENT = Decimal("0.01")
PROPERTY = settings(
    max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)


def open_fine(indices: int) -> FineFile:
    """A fine file opened by the system on a freshly registered report (the engine does not
    care where the sum comes from)."""
    registrar = User.objects.get(username="registrar")
    report = {
        "channel": "in_person",
        "summary": "Проверка",
        "place": {"region": "KG-GB"},
        "applicant": {
            "surname": "Асанов",
            "given_name": "Бакыт",
            "birth_date": "1980-01-02",
            "sex": "M",
        },
    }
    number = acts.perform(registrar, "registry.report.register", report).result["case"]
    person = CaseParticipant.objects.filter(case_id=number).values_list("person_id", flat=True)[0]
    data = {"person": person, "verdict": f"ECLI:KG:TEST:{number}", "indices": indices}
    fine = acts.perform(SYSTEM_USER, "fines.file.open", data, case=number).result["fine"]
    return FineFile.objects.get(pk=fine)


def cents(n: int) -> str:
    return str((Decimal(n) / 100).quantize(CENT))


@pytest.mark.django_db
@PROPERTY
@given(
    indices=st.integers(min_value=200, max_value=2000),
    offers=st.lists(st.integers(min_value=1, max_value=25_000_000), min_size=1, max_size=8),
)
def test_payments_never_exceed_the_fine_and_close_it_at_the_last_cent(world, indices, offers):
    f = open_fine(indices)
    officer = User.objects.get(username="enforcement_officer")
    owed = int(f.amount * 100)
    accepted = 0
    for offer in [*offers, owed - sum(o for o in offers if o <= owed)]:
        if offer <= 0:
            continue
        before = Payment.objects.filter(file=f).count()
        try:
            acts.perform(officer, "fines.payment.record", {"fine": f.id, "amount": cents(offer)})
        except Conflict:
            assert accepted + offer > owed or accepted == owed
            assert Payment.objects.filter(file=f).count() == before
            continue
        assert accepted + offer <= owed
        accepted += offer
    f.refresh_from_db()
    assert f.paid == Decimal(accepted) / 100
    assert f.paid <= f.amount
    assert (f.state == "paid") == (accepted == owed)
    assert sum(p.amount for p in f.payments.all()) == f.paid


@pytest.mark.django_db
@PROPERTY
@given(
    parts=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=4),
    gaps=st.lists(st.integers(min_value=1, max_value=20), min_size=4, max_size=4),
    paid_share=st.integers(min_value=0, max_value=100),
    days_on=st.integers(min_value=0, max_value=85),
)
def test_arrears_are_the_instalments_not_covered_by_their_day(
    world, parts, gaps, paid_share, days_on
):
    f = open_fine(1000)  # 100 000.00 som
    officer = User.objects.get(username="enforcement_officer")
    owed = int(f.amount * 100)
    weights = sum(parts)
    amounts = [owed * p // weights for p in parts]
    amounts[-1] += owed - sum(amounts)
    amounts = [a for a in amounts if a > 0]
    today = local_date(clock.now())
    days, day = [], today
    for gap in gaps[: len(amounts)]:
        day += timedelta(days=gap)
        days.append(min(day, f.due_on))
    assume(len(set(days)) == len(days))  # squeezed against the last day: not a valid schedule
    plan = [
        {"due_on": d.isoformat(), "amount": cents(a)} for d, a in zip(days, amounts, strict=True)
    ]
    acts.perform(
        officer, "fines.instalments.grant", {"fine": f.id, "grounds": "Доход", "instalments": plan}
    )
    paid = owed * paid_share // 100
    if paid:
        acts.perform(officer, "fines.payment.record", {"fine": f.id, "amount": cents(paid)})
    clock.advance(end_of_day(today + timedelta(days=days_on)) - clock.now() + timedelta(seconds=1))
    now_day = local_date(clock.now())
    # Pay the schedule in order with what was paid; the uncovered ones whose day is past.
    left, expected = paid, set()
    for n, (d, a) in enumerate(zip(days, amounts, strict=True), start=1):
        covered = min(left, a)
        left -= covered
        if covered < a and d < now_day and paid < owed:
            expected.add(n)
    found = set(arrears_of(FineFile.objects.filter(pk=f.pk)).values_list("n", flat=True))
    assert found == expected
    assert Instalment.objects.filter(file=f).count() == len(amounts)
