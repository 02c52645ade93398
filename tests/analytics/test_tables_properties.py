"""Properties of the tables the figures are read in: a breakdown always adds up to its total,
and no public cell counts fewer than five persons."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from icjis.analytics.metrics import BREAKDOWNS, BY_NAME, METRICS
from icjis.analytics.tables import SMALL, TOTAL, public_rows, summed, withhold

VALUES = {
    "region": ["KG-GB", "KG-O", ""],
    "article": ["205", "130", ""],
    "category": ["minor_gravity", "grave"],
    "sex": ["F", "M", ""],
    "age": ["0-17", "18-29", "50+", ""],
    "kind": ["opened", "refused", "convicted:fine"],
    "place": ["GB-COL", "OSH-COL"],
}


@st.composite
def cells(draw):
    metric = draw(st.sampled_from(METRICS))
    period = draw(st.sampled_from(["2026-11", "2026-12"]))
    by = tuple(
        draw(st.sampled_from(VALUES[b])) if b in metric.breakdowns else "" for b in BREAKDOWNS
    )
    count = draw(st.integers(1, 12))
    out = [(metric.name, period, *by, "count", count)]
    for measure in metric.measures[1:]:
        out.append((metric.name, period, *by, measure, draw(st.integers(0, 100))))
    return out


def merged(groups):
    """Cells as a fold leaves them: one per key and measure (equal keys summed)."""
    sums: dict[tuple, int] = {}
    for group in groups:
        for cell in group:
            sums[cell[:-1]] = sums.get(cell[:-1], 0) + cell[-1]
    return [(*k, v) for k, v in sorted(sums.items())]


@given(st.lists(cells(), max_size=40))
def test_every_breakdown_adds_up_to_the_total(groups):
    rows = merged(groups)
    for metric in METRICS:
        totals = {r["period"]: r for r in summed(rows, metric, [])}
        for breakdown in metric.breakdowns:
            parts = summed(rows, metric, [breakdown])
            for measure in metric.measures:
                for period, total in totals.items():
                    got = sum(p[measure] for p in parts if p["period"] == period)
                    assert got == total[measure], (metric.name, breakdown, measure)
        pairs = summed(rows, metric, list(metric.breakdowns[:2]))
        assert sum(p["count"] for p in pairs) == sum(t["count"] for t in totals.values())


@given(st.lists(cells(), max_size=40))
def test_no_public_cell_counts_fewer_than_five_persons(groups):
    rows = merged(groups)
    published = public_rows(rows)
    counts = {}
    for row in published:
        key = tuple(row[c] for c in ("metric", "period", *BREAKDOWNS))
        if row["measure"] == "count":
            counts[key] = row
        metric = BY_NAME[row["metric"]]
        if row["withheld"]:
            assert row["value"] is None
        elif metric.persons and row["measure"] == "count":
            assert row["value"] >= SMALL
    # Every cell withheld is withheld in all its measures.
    for row in published:
        key = tuple(row[c] for c in ("metric", "period", *BREAKDOWNS))
        assert row["withheld"] == counts[key]["withheld"]
    # Each public row sums over every breakdown but at most one.
    for row in published:
        assert sum(row[b] != TOTAL for b in BREAKDOWNS) <= 1


@given(st.lists(cells(), max_size=40))
def test_no_withheld_cell_can_be_worked_out_from_the_total_and_the_cells_shown(groups):
    """In each month's table by one breakdown, the cells withheld are none, or at least two
    counting at least five persons together: the total minus the cells shown gives only their
    sum, which names nobody."""
    rows = merged(groups)
    for metric in METRICS:
        if not metric.persons:
            continue
        for breakdown in metric.breakdowns:
            table = summed(rows, metric, [breakdown])
            flags = withhold(table, metric)
            for period in {r["period"] for r in table}:
                hidden = [
                    r["count"]
                    for r, hide in zip(table, flags, strict=True)
                    if hide and r["period"] == period
                ]
                cells_of_month = [r for r in table if r["period"] == period]
                if hidden and len(hidden) < len(cells_of_month):
                    assert len(hidden) >= 2 and sum(hidden) >= SMALL, (metric.name, breakdown)
                if len(hidden) == len(cells_of_month) == 1:
                    assert hidden[0] < SMALL  # the total itself is then withheld too
