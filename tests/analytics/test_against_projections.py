"""The figures of the fold against the projections, over synthetic cases made through the acts
of every module (`core.seeding`): two independent readings of the same ledger — the tables the
modules keep and the statistics' own pass over the events — must give the same populations and
counts."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from tests.analytics.replay import assert_terms_replayed

from icjis.analytics.fold import compute, month_of
from icjis.analytics.metrics import BY_NAME
from icjis.analytics.tables import summed
from icjis.core import clock, seeding
from icjis.core.models import Case
from icjis.courts.models import Appeal, VerdictDefendant
from icjis.detention.models import Detention
from icjis.fines.models import FineFile, Payment
from icjis.legal.deadlines import rule_of
from icjis.legal.models import Deadline
from icjis.offences.models import OffenceCase
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


def the_populations_at_the_cut_are_those_of_the_registers(seeded):
    now = month_of(seeded.cut)
    rows = seeded.rows(now)
    held = Counter(Prisoner.objects.filter(state=HELD).values_list("facility_id", flat=True))
    assert held, "the synthetic cases put nobody in prison: seed more"
    assert total(rows, "prisons.population", "place") == {(f,): n for f, n in held.items()}
    files = Counter(ProbationFile.objects.exclude(state=COMPLETED).values_list("office_id", "type"))
    assert files
    assert total(rows, "probation.population", "place", "kind") == dict(files)


def every_report_verdict_and_detention_is_counted_once(seeded):
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


def whole_som(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def measure(rows, metric, name, *by):
    out: Counter = Counter()
    for r in summed(rows, BY_NAME[metric], by):
        out[tuple(r[b] for b in by)] += r[name]
    return {k: v for k, v in out.items() if v}


def appeals_offences_and_fines_are_those_of_their_registers(seeded):
    rows = seeded.rows()
    decided = Counter(Appeal.objects.filter(state="decided").values_list("outcome", flat=True))
    assert decided
    assert total(rows, "courts.appeals", "kind") == {(k,): n for k, n in decided.items()}
    offences = Counter(
        (region, f"{rules}/{article}")
        for region, rules, article in OffenceCase.objects.filter(
            decided_at__isnull=False
        ).values_list("region", "rules", "article")
    )
    assert offences
    assert total(rows, "offences.decided", "region", "article") == dict(offences)
    files = list(FineFile.objects.values_list("source", "amount"))
    payments = list(Payment.objects.values_list("amount", flat=True))
    assert files and payments
    imposed = Counter(f"imposed:{source}" for source, _ in files)
    assert total(rows, "fines.enforced", "kind") == {
        **{(k,): n for k, n in imposed.items()},
        ("paid",): len(payments),
    }
    som = measure(rows, "fines.enforced", "som", "kind")
    assert som[("paid",)] == sum(whole_som(a) for a in payments)
    imposed_som = sum(v for k, v in som.items() if k != ("paid",))
    assert imposed_som == sum(whole_som(a) for _, a in files)


def the_terms_kept_and_missed_are_those_of_the_deadlines_the_pages_show(seeded):
    """The fold replays every case's terms from its events alone, following its stage, unit and
    category as the events record them; the projection's deadlines, met in time or late, are
    the same terms at the same units."""
    closed = [
        d for d in Deadline.objects.filter(state__in=("met", "missed")) if not rule_of(d).window
    ]
    met = Counter((d.unit_id, d.rule) for d in closed)
    missed = Counter((d.unit_id, d.rule) for d in closed if d.state == "missed")
    assert missed, "the synthetic cases miss no term: seed more"
    assert len(met) > 5, "the synthetic cases keep few kinds of term: seed more"
    rows = seeded.rows()
    assert total(rows, "deadlines.kept", "place", "kind") == dict(met)
    assert measure(rows, "deadlines.kept", "missed", "place", "kind") == dict(missed)
    # A term missed by hours: the hours past its due time, whole, summed.
    over = Counter()
    for d in closed:
        if d.state == "missed":
            over[(d.unit_id, d.rule)] += int((d.closed_at - d.due_at).total_seconds() // 3600)
    assert measure(rows, "deadlines.kept", "hours_over", "place", "kind") == {
        k: v for k, v in over.items() if v
    }
    # Overdue at the cut: the running terms past their due time, as the overdue lists show them.
    now = seeded.cut
    overdue = Counter(
        (d.unit_id, d.rule)
        for d in Deadline.objects.filter(state="running", due_at__lt=now)
        if not rule_of(d).window
    )
    assert overdue, "the synthetic cases leave no term overdue: seed more"
    assert total(seeded.rows(month_of(now)), "deadlines.overdue", "place", "kind") == dict(overdue)
    # Every term, open or ended, cancelled or suspended, is the projection's.
    assert assert_terms_replayed() == Deadline.objects.count()


def test_the_fold_agrees_with_every_register(seeded):
    """The four readings against one seeding (the seeding is most of the time): each is checked,
    and every one that disagrees is reported, not only the first."""
    failed = []
    for check in (
        the_populations_at_the_cut_are_those_of_the_registers,
        every_report_verdict_and_detention_is_counted_once,
        appeals_offences_and_fines_are_those_of_their_registers,
        the_terms_kept_and_missed_are_those_of_the_deadlines_the_pages_show,
    ):
        try:
            check(seeded)
        except AssertionError as error:
            failed.append(f"{check.__name__}: {error}")
    assert not failed, "\n".join(failed)
