"""The trial stories of `icjis seed`: every story reaches a verdict in force through the same acts
as live use, with no act refused, and `trial_plot` lets another module's story go on from it."""

from __future__ import annotations

import random
from collections import Counter

from django.core.management import call_command

from icjis.core import seeding
from icjis.core.models import Event
from icjis.core.seeding import Story
from icjis.courts import seed as trial_seed
from icjis.courts.models import Appeal, Verdict, VerdictDefendant
from icjis.legal.models import Deadline


def test_tried_stories_reach_a_verdict_in_force_with_no_refusal(world, monkeypatch):
    monkeypatch.setattr(seeding, "GENERATORS", [("tried", 1.0, trial_seed.tried)])
    report = seeding.seed(16, 7, span_days=30)
    assert report.refused == 0, report.first_refusal
    assert report.cases == 16
    verdicts = Verdict.objects.all()
    assert verdicts.count() == 16
    assert set(verdicts.values_list("state", flat=True)) == {"in_force"}
    outcomes = Counter(VerdictDefendant.objects.values_list("sentence_kind", flat=True))
    assert len(outcomes) >= 3  # a mix of sentences (and acquittals: an empty kind)
    sentenced = verdicts.filter(defendants__sentence_kind__gt="").distinct()
    assert sentenced.exclude(executed_at=None).count() == sentenced.count()
    assert not Deadline.objects.filter(rule="verdict.execution", state="running").exists()
    call_command("rebuild_projections", check=True)


def test_trial_plot_takes_a_chosen_sentence_and_appeal_and_lets_others_go_on(world, monkeypatch):
    seen: dict[str, object] = {}

    def story(rng: random.Random, i: int) -> Story:
        plot = trial_seed.trial_plot(
            rng, site=("", "KG-GB"), kinds=["imprisonment", "fine"], appeal=True
        )

        def after(state):  # another module's step, appended to the plot
            seen["convicts"] = trial_seed.convicts(state)
            seen["sentences"] = [trial_seed.sentence_of(state, p) for p in seen["convicts"]]
            seen["in_force"] = trial_seed.in_force(state)
            return None

        plot.then(plot.days(1, 2), "court_clerk", "courts.verdict.execute", after)
        return Story(plot.steps)

    monkeypatch.setattr(seeding, "GENERATORS", [("story", 1.0, story)])
    report = seeding.seed(1, 3, span_days=1)
    assert report.refused == 0, report.first_refusal
    [verdict] = Verdict.objects.all()
    assert verdict.state == "in_force" and verdict.court_id == "GB-SUD"
    kinds = sorted(verdict.defendants.values_list("sentence_kind", flat=True))
    assert kinds == ["fine", "imprisonment"]
    [appeal] = Appeal.objects.all()
    assert appeal.state == "decided" and appeal.outcome in ("upheld", "modified")
    assert seen["in_force"] is True and len(seen["convicts"]) == 2
    assert {s["kind"] for s in seen["sentences"]} == {"fine", "imprisonment"}
    assert Event.objects.filter(kind="courts.verdict.execute").count() == 1
