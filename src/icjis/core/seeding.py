"""The synthetic-data framework behind `icjis seed --cases N --seed S`.

Modules register story generators; each story is a list of acts at offsets from its start.
The seeder lays every story on one timeline starting at the simulation clock, performs the acts
in time order through `acts.perform` (the same decide/apply code as live use, so hash chains,
projections and deadlines are real), batched in transactions for speed, and finally moves the
simulation clock to the end of the timeline — nothing is back-dated. Deterministic for a seed.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from icjis.core import acts, clock
from icjis.core.models import User
from icjis.core.refusals import Refusal


@dataclass
class Step:
    """One act of a story: who does it, when (offset from the story's start), what."""

    after: timedelta
    actor: str | Callable[[dict[str, Any]], str | None]
    kind: str
    # The data, or a function of the story so far (`state["by_kind"][kind]` lists the results of
    # earlier acts and their reactions) called at the step's time; None skips the step.
    data: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any] | None]
    case: bool = True  # the act is on the story's case


@dataclass
class Story:
    steps: list[Step]
    state: dict[str, Any] = field(default_factory=dict)


Generator = Callable[[random.Random, int], Story]
# Modules add their demo reference data (cells, advocates, rosters …) after the core world.
WORLD_SEEDERS: list[Callable[[], None]] = []


def world_seeder(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a function that adds a module's demo data; it must be idempotent."""
    if fn not in WORLD_SEEDERS:
        WORLD_SEEDERS.append(fn)
    return fn


# What modules do once the demo's cases are made (publish the statistics of the ended months …).
AFTER_CASES: list[Callable[[], None]] = []


def after_cases(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a function the demo runs after seeding its cases, under the simulation clock."""
    if fn not in AFTER_CASES:
        AFTER_CASES.append(fn)
    return fn


GENERATORS: list[tuple[str, float, Generator]] = []
# Stories of registers outside the criminal cases (protection orders …): `per_case` of them for
# each case story, drawn after the case stories so that these stay what they were.
SIDE_GENERATORS: list[tuple[str, float, Generator]] = []


def generator(name: str, weight: float) -> Callable[[Generator], Generator]:
    def register(fn: Generator) -> Generator:
        GENERATORS.append((name, weight, fn))
        return fn

    return register


def side_generator(name: str, per_case: float) -> Callable[[Generator], Generator]:
    def register(fn: Generator) -> Generator:
        SIDE_GENERATORS.append((name, per_case, fn))
        return fn

    return register


@dataclass
class SeedReport:
    cases: int = 0
    acts: int = 0
    refused: int = 0
    first_refusal: str = ""
    ends_at: datetime | None = None


def _timeline(
    rng: random.Random, n: int, start: datetime, span: timedelta
) -> Iterator[tuple[datetime, int, int, Story]]:
    names = [g[0] for g in GENERATORS]
    weights = [g[1] for g in GENERATORS]
    heap: list[tuple[datetime, int, int]] = []
    stories: dict[int, Story] = {}
    for i in range(n):
        gen = GENERATORS[names.index(rng.choices(names, weights)[0])][2]
        story = gen(rng, i)
        stories[i] = story
        begin = start + span * (i / max(n, 1)) + timedelta(seconds=rng.randint(0, 3600))
        for j, step in enumerate(story.steps):
            heapq.heappush(heap, (begin + step.after, i, j))
    i = n
    for _name, per_case, side in SIDE_GENERATORS:
        for _ in range(int(n * per_case)):
            story = side(rng, i)
            stories[i] = story
            begin = start + span * rng.random()
            for j, step in enumerate(story.steps):
                heapq.heappush(heap, (begin + step.after, i, j))
            i += 1
    while heap:
        at, i, j = heapq.heappop(heap)
        yield at, i, j, stories[i]


def _remember(state: dict[str, Any], outcome: acts.Outcome) -> None:
    state.setdefault("by_kind", {}).setdefault(outcome.event.kind, []).append(outcome.result)
    for reaction in outcome.reactions:
        _remember(state, reaction)


def seed(
    cases: int,
    seed_value: int,
    *,
    span_days: int = 120,
    batch: int = 200,
    progress: Callable[[SeedReport], None] | None = None,
) -> SeedReport:
    if not GENERATORS:
        raise RuntimeError("no story generators are registered")
    rng = random.Random(seed_value)  # noqa: S311 - synthetic data, reproducible by seed
    users = {u.username: u for u in User.objects.select_related("unit__territory")}
    report = SeedReport()
    start = clock.now() + timedelta(seconds=1)
    last = start
    pending = 0
    tx = transaction.atomic()
    tx.__enter__()
    try:
        for at, _i, j, story in _timeline(rng, cases, start, timedelta(days=span_days)):
            step = story.steps[j]
            if step.case and "case" not in story.state:
                continue  # the story's registration was refused; skip the rest of it
            at = max(at, last + timedelta(microseconds=1))
            with clock.running_at(at):
                data = step.data(story.state) if callable(step.data) else step.data
                actor = step.actor(story.state) if callable(step.actor) else step.actor
                if data is None or actor is None:
                    continue
                try:
                    outcome = acts.perform(
                        users[actor],
                        step.kind,
                        data,
                        case=story.state.get("case") if step.case else None,
                    )
                except Refusal as exc:
                    report.refused += 1
                    report.first_refusal = report.first_refusal or f"{step.kind}: {exc.message}"
                    continue
            last = at
            report.acts += 1
            if "case" in outcome.result and "case" not in story.state:
                story.state["case"] = outcome.result["case"]
                report.cases += 1
            _remember(story.state, outcome)
            pending += 1
            if pending >= batch:
                tx.__exit__(None, None, None)
                if progress:
                    progress(report)
                tx = transaction.atomic()
                tx.__enter__()
                pending = 0
    except BaseException as exc:
        tx.__exit__(type(exc), exc, exc.__traceback__)
        raise
    tx.__exit__(None, None, None)
    if last > clock.now():
        clock.advance(last - clock.now())
    report.ends_at = last
    return report
