"""Properties of the tables the figures are read in: a breakdown always adds up to its total,
and no public cell counts fewer than five persons."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from icjis.analytics.metrics import BREAKDOWNS, BY_NAME, METRICS
from icjis.analytics.tables import PARTS, SMALL, TOTAL, masked, public_rows, summed, withhold

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
    values = {"count": draw(st.integers(1, 12))}
    for measure in metric.measures[1:]:
        # A part of the cell's persons is at most the whole it is part of, as in the fold.
        top = values[PARTS[measure]] if measure in PARTS else 100
        values[measure] = draw(st.integers(0, top))
    return [(metric.name, period, *by, m, v) for m, v in values.items()]


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
    # A cell whose count is withheld is withheld in all its measures.
    for row in published:
        key = tuple(row[c] for c in ("metric", "period", *BREAKDOWNS))
        if counts[key]["withheld"]:
            assert row["withheld"] and row["value"] is None
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
                whole = sum(r["count"] for r in cells_of_month)
                if hidden and len(hidden) < len(cells_of_month):
                    assert len(hidden) >= 2 and sum(hidden) >= SMALL, (metric.name, breakdown)
                if hidden and len(hidden) == len(cells_of_month):
                    # Everything withheld: the month's total gives only their sum, and a total
                    # of 1 to 4 is withheld itself.
                    total = summed([r for r in rows if r[1] == period], metric, [])
                    shown_total = withhold(total, metric) == [False]
                    assert len(hidden) >= 2 or not shown_total
                    assert whole >= SMALL or not shown_total


@given(st.lists(cells(), max_size=40))
def test_no_shown_part_of_a_cell_counts_one_to_four_persons(groups):
    """Of a cell shown, a part of its persons (held past the limit, answered late …) and the
    rest of the whole it is part of are each none or five and more."""
    rows = merged(groups)
    for metric in METRICS:
        for breakdown in ("", *metric.breakdowns):
            table = summed(rows, metric, [breakdown] if breakdown else [])
            for row, hide in zip(table, withhold(table, metric), strict=True):
                shown = masked(row, metric, hide)
                for part, whole in PARTS.items():
                    if part in metric.measures and shown[part] is not None and metric.persons:
                        assert shown[part] == 0 or shown[part] >= SMALL
                        rest = row[whole] - shown[part]
                        assert rest == 0 or rest >= SMALL


def test_one_small_cell_withholds_the_next_smallest_of_its_month():
    metric = BY_NAME["persons.charged"]
    cell = ("persons.charged", "2026-11", "KG-GB", "", "", "{sex}", "", "", "", "count", 0)
    rows = [
        tuple(c if c != "{sex}" else sex for c in cell[:-1]) + (n,)
        for sex, n in (("F", 2), ("M", 9), ("", 12))
    ]
    table = summed(sorted(rows), metric, ["sex"])
    flags = dict(zip((r["sex"] for r in table), withhold(table, metric), strict=True))
    # 2 women alone, then the 9 men with them (so 23 − 12 gives only 11 together).
    assert flags == {"F": True, "M": True, "": False}
