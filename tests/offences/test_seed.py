"""The protection-order and offence stories of `icjis seed`: drawn beside the case stories
without changing them, made through the same acts as live use, with no act refused."""

from __future__ import annotations

from django.core.management import call_command

from icjis.core import seeding
from icjis.core.models import Case
from icjis.offences import offence_seed
from icjis.offences import seed as offences_seed
from icjis.offences.models import AdminDetention, OffenceCase, ProtectionOrder
from icjis.registry import seed as registry_seed


def test_order_and_offence_stories_run_beside_the_case_stories_with_no_refusal(world, monkeypatch):
    monkeypatch.setattr(seeding, "GENERATORS", [("refused", 1.0, registry_seed.refused)])
    monkeypatch.setattr(
        seeding,
        "SIDE_GENERATORS",
        [
            ("protection_order", 1.5, offences_seed.protection_order),
            ("offence", 2.0, offence_seed.offence),
            ("admin_detention", 1.0, offence_seed.admin_detention),
        ],
    )
    report = seeding.seed(12, 4, span_days=20)
    assert report.refused == 0, report.first_refusal
    assert report.cases == 12 and Case.objects.count() == 12  # the orders are no cases
    orders = ProtectionOrder.objects.all()
    assert orders.count() == 18
    states = set(orders.values_list("state", flat=True))
    assert "in_force" in states and len(states) >= 2
    assert set(orders.values_list("unit_id", flat=True)) == {"GB-UVD", "OSH-UVD"}
    cases = OffenceCase.objects.all()
    assert cases.filter(detentions__isnull=True).count() == 24  # and those of the detentions
    assert cases.filter(state="decided", forum="police", penalty_kind="fine").exists()
    assert cases.filter(state="decided", forum="court", penalty_kind="community_work").exists()
    detentions = AdminDetention.objects.all()
    assert detentions.count() == 12
    assert detentions.filter(state="released", release_ground="grounds_gone").exists()
    judged = detentions.filter(extended_at__isnull=False, offence__isnull=False)
    assert judged.filter(state="released", release_ground="court", released_late=False).exists()
    call_command("rebuild_projections", check=True)


def test_the_demo_ends_with_persons_held_and_their_clocks_running(world):
    from icjis.core import clock

    offence_seed.held_now()
    held = AdminDetention.objects.filter(state="held")
    assert sorted(held.values_list("unit_id", flat=True)) == ["GB-UVD"] * 2 + ["OSH-UVD"] * 2
    assert all(d.release_by > clock.now() for d in held)
    extended = held.filter(extended_at__isnull=False, prosecutor_told_at=None)
    assert extended.count() == 2  # one in each unit, the prosecutor's notice still owed
    call_command("rebuild_projections", check=True)
