"""The figures are what the ledger's acts say, month by month, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icjis.analytics.fold import compute, month_of, month_start, next_month
from icjis.analytics.metrics import BY_NAME
from icjis.analytics.tables import summed
from icjis.core import clock
from icjis.core.models import Case, Person


def by(rows, metric, *breakdowns):
    return {
        tuple(r[b] for b in breakdowns): {m: r[m] for m in BY_NAME[metric].measures}
        for r in summed(rows, BY_NAME[metric], breakdowns)
    }


def test_a_month_of_acts_is_counted_by_region_article_sex_and_age(story):
    rows = compute(clock.now()).rows(story["period"])
    assert by(rows, "reports.registered", "region", "kind") == {
        ("KG-GB", "phone"): {"count": 1},
        ("KG-O", "online"): {"count": 1},
    }
    assert by(rows, "cases.opened", "region", "article", "category") == {
        ("KG-GB", "205", "minor_gravity"): {"count": 1}
    }
    assert by(rows, "cases.decided", "kind") == {("opened",): {"count": 1}}
    assert by(rows, "persons.charged", "sex", "age") == {("F", "30-49"): {"count": 1}}
    # The adult held 30 hours and a half, within 48; the child as long, past the 24 of a child.
    detentions = by(rows, "detention.ended", "sex", "age")
    assert detentions == {
        ("F", "30-49"): {"count": 1, "with_limit": 1, "within_limit": 1, "hours": 30},
        ("M", "0-17"): {"count": 1, "with_limit": 1, "within_limit": 0, "hours": 30},
    }


def test_acts_recorded_after_the_cut_do_not_count(story, as_user):
    cut = clock.now()
    before = compute(cut).rows()
    clock.advance(timedelta(minutes=5))
    report = {"channel": "in_person", "summary": "Кража", "place": {"region": "KG-GB"}}
    assert as_user("registrar").act("registry.report.register", report).status_code == 201
    assert compute(cut).rows() == before
    after = compute(clock.now()).rows(story["period"])
    assert by(after, "reports.registered", "region")[("KG-GB",)] == {"count": 2}


def test_editing_the_tables_changes_no_figure(story):
    """Computed from the ledger only: a case's category and a person's sex changed in the
    projections (as someone with database access might) leave every figure as it was."""
    before = compute(clock.now()).rows()
    Case.objects.filter(pk=story["case"]).update(category="especially_grave")
    Person.objects.filter(pk=story["adult"]).update(sex="M")
    assert compute(clock.now()).rows() == before


def test_months_are_those_of_bishkek():
    # 30 November 18:30 UTC is 1 December 00:30 in Bishkek (UTC+6).
    assert month_of(datetime(2026, 11, 30, 18, 30, tzinfo=UTC)) == "2026-12"
    assert month_of(datetime(2026, 11, 30, 17, 59, tzinfo=UTC)) == "2026-11"
    assert month_start("2026-12") == datetime(2026, 11, 30, 18, tzinfo=UTC)
    assert next_month("2026-12") == "2027-01" and next_month("2027-01") == "2027-02"


def test_a_population_is_counted_at_each_months_end_until_it_changes(world):
    """A stock: the changes of each month summed up to it, carried through months without
    any change, and no row once it falls back to nothing."""
    from icjis.analytics.fold import Figures, _Fold, _Held

    march = datetime(2027, 3, 10, tzinfo=UTC)
    figures = Figures(cut=datetime(2027, 7, 1, tzinfo=UTC))
    fold = _Fold(figures, figures.cut)
    held = _Held("GB-COL", "M", "30-49")
    fold._move("prisons.population", march, held, +1)
    fold._move("prisons.population", march + timedelta(days=31), held, +1)
    fold._move("prisons.population", march + timedelta(days=62), held, -1)
    fold._move("prisons.population", march + timedelta(days=100), held, -1)
    fold.stocks(("prisons.population",))
    counts = {r[1]: r[-1] for r in figures.rows() if r[0] == "prisons.population"}
    assert counts == {"2027-03": 1, "2027-04": 2, "2027-05": 1}
