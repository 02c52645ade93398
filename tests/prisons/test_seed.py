"""The prison stories of `icjis seed`: convicts admitted with a calculation, some transferred,
counted and released, through the same acts as live use and with no act refused."""

from __future__ import annotations

from django.core.management import call_command

from icjis.core import seeding
from icjis.core.models import Case
from icjis.prisons import seed as prison_seed
from icjis.prisons.models import Calculation, HeadCount, Movement, Prisoner


def test_imprisoned_stories_admit_count_and_release_with_no_refusal(world, monkeypatch):
    monkeypatch.setattr(seeding, "GENERATORS", [("imprisoned", 1.0, prison_seed.imprisoned)])
    report = seeding.seed(12, 11, span_days=20)
    assert report.refused == 0, report.first_refusal
    entries = Prisoner.objects.all()
    assert entries.count() == 12
    assert set(entries.values_list("state", flat=True)) <= {"held", "released"}
    assert Calculation.objects.count() == entries.count()
    assert HeadCount.objects.exists()
    released = entries.filter(state="released")
    closed = Case.objects.filter(stage="closed").count()
    assert closed == released.count()
    assert released.exists() and Movement.objects.filter(kind="transfer").exists()
    # Some counts leave a prisoner out: the mismatch is recorded by name.
    short = [h for h in HeadCount.objects.all() if h.counted < h.register_count]
    assert short and all(len(h.register_only) == h.register_count - h.counted for h in short)
    call_command("rebuild_projections", check=True)
