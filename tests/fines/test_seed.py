"""The enforcement stories of `icjis seed`: every fine in force opens a file, payments follow (on
instalments in some stories) and a fine paid in full closes its case, with no act refused."""

from __future__ import annotations

from django.core.management import call_command

from icjis.core import seeding
from icjis.core.models import Case
from icjis.fines import seed as fines_seed
from icjis.fines.models import FineFile, Payment


def test_fined_stories_run_with_no_refusal(world, monkeypatch):
    monkeypatch.setattr(seeding, "GENERATORS", [("fined", 1.0, fines_seed.fined)])
    report = seeding.seed(10, 3, span_days=20)
    assert report.refused == 0, report.first_refusal
    files = FineFile.objects.all()
    assert files.count() == 10
    assert Payment.objects.count() >= 10
    for f in files:
        assert f.paid == sum(p.amount for p in f.payments.all())
        assert (f.state == "paid") == (f.paid == f.amount)
    paid = files.filter(state="paid")
    assert paid.exists()
    assert (
        Case.objects.filter(pk__in=paid.values("case_id"), stage="closed").count() == paid.count()
    )
    call_command("rebuild_projections", check=True)
