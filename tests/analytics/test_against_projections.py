"""The figures of the fold against the projections, over synthetic cases made through the acts
of every module (`core.seeding`): two independent readings of the same ledger — the tables the
modules keep and the statistics' own pass over the events — must give the same populations and
counts."""

from __future__ import annotations

from collections import Counter

import pytest

from icjis.analytics.fold import compute, month_of
from icjis.analytics.metrics import BY_NAME
from icjis.analytics.tables import summed
from icjis.core import clock, seeding
from icjis.core.models import Case
from icjis.courts.models import VerdictDefendant
from icjis.detention.models import Detention
from icjis.prisons.models import HELD, Prisoner
from icjis.probation.models import COMPLETED, ProbationFile


@pytest.fixture
def seeded(world):
    report = seeding.seed(90, 2026)
    assert report.cases == 90
    return compute(clock.now())


def total(rows, metric, *by):
    """The count by `by`, summed over the months of `rows`."""
    out: Counter = Counter()
    for r in summed(rows, BY_NAME[metric], by):
        out[tuple(r[b] for b in by)] += r["count"]
    return {k: v for k, v in out.items() if v}


def test_the_populations_at_the_cut_are_those_of_the_registers(seeded):
    now = month_of(seeded.cut)
    rows = seeded.rows(now)
    held = Counter(Prisoner.objects.filter(state=HELD).values_list("facility_id", flat=True))
    assert held, "the synthetic cases put nobody in prison: seed more"
    assert total(rows, "prisons.population", "place") == {(f,): n for f, n in held.items()}
    files = Counter(ProbationFile.objects.exclude(state=COMPLETED).values_list("office_id", "type"))
    assert files
    assert total(rows, "probation.population", "place", "kind") == dict(files)


def test_every_report_verdict_and_detention_is_counted_once(seeded):
    rows = seeded.rows()
    assert sum(total(rows, "reports.registered").values()) == Case.objects.count()
    defendants = VerdictDefendant.objects.values_list("verdict_id", "person_id").distinct()
    assert defendants.count() > 0
    assert sum(total(rows, "courts.defendants").values()) == defendants.count()
    # Each detention recorded has either ended (in some month) or is held at the cut.
    ended = sum(total(rows, "detention.ended").values())
    held = total(seeded.rows(month_of(seeded.cut)), "detention.held").get((), 0)
    assert Detention.objects.count() > 0
    assert ended + held == Detention.objects.count()
