"""The evidence of the demo stories: items seized, recognised and stored in the evidence room
through the same acts as live use, with no act refused and the other stories unchanged."""

from __future__ import annotations

import random

from django.core.management import call_command

from icjis.core import seeding
from icjis.evidence.models import Item
from icjis.registry import seed as registry_seed


def _seed(monkeypatch, with_evidence: bool):
    monkeypatch.setattr(
        seeding, "GENERATORS", [("under_investigation", 1.0, registry_seed.under_investigation)]
    )
    if not with_evidence:
        monkeypatch.setattr("icjis.evidence.seed.EVERY", 10**9 + 1)  # no story index divides
    return seeding.seed(9, 3, span_days=20)


def test_some_cases_under_investigation_have_an_item_in_the_evidence_room(world, monkeypatch):
    report = _seed(monkeypatch, with_evidence=True)
    assert report.refused == 0, report.first_refusal
    items = Item.objects.all()
    assert items.count() == 3  # stories 0, 3 and 6
    for item in items:
        assert item.status == "held" and item.recognised_at is not None and not item.tampered
        assert [c.kind for c in item.chain.order_by("seq")][:4] == [
            "seized",
            "recognised",
            "handed_over",
            "received",
        ]
        assert item.chain.order_by("seq")[3].by.startswith("evidence_custodian")
    call_command("rebuild_projections", check=True)


def test_the_evidence_steps_draw_nothing_from_the_storys_random_stream(monkeypatch):
    def story(every: int) -> tuple[list[str], float]:
        monkeypatch.setattr("icjis.evidence.seed.EVERY", every)
        rng = random.Random(11)
        steps = registry_seed.under_investigation(rng, 6).steps
        return [s.kind for s in steps], rng.random()

    with_items, after_with = story(3)
    without, after_without = story(10**9 + 1)
    assert "evidence.item.seize" in with_items and "evidence.item.seize" not in without
    assert [k for k in with_items if not k.startswith(("evidence.", "forensics."))] == without
    assert after_with == after_without  # the next story draws what it drew before


def test_some_stored_items_are_examined_and_the_opinion_given(world, monkeypatch):
    from icjis.forensics.models import Expertise

    monkeypatch.setattr(
        seeding, "GENERATORS", [("under_investigation", 1.0, registry_seed.under_investigation)]
    )
    report = seeding.seed(17, 5, span_days=40)
    assert report.refused == 0, report.first_refusal
    expertises = Expertise.objects.order_by("id")
    assert expertises.count() == 3  # stories 0, 6 and 12
    assert sorted(expertises.values_list("state", flat=True)) == ["assigned", "done", "done"]
    for e in expertises.filter(state="done"):
        item = Item.objects.get(pk=e.items[0])
        assert item.holder.startswith("evidence_custodian") and item.status == "held"
        kinds = [c.kind for c in item.chain.order_by("seq")]
        assert kinds[-4:] == ["handed_over", "received", "handed_over", "received"]
    call_command("rebuild_projections", check=True)
