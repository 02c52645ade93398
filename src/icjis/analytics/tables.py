"""Figures as people read them: a metric's rows summed over the breakdowns not asked for, with
the derived values (a share, a mean) computed from the additive counts, and — for the public —
small cells withheld, so no person can be recognised in a figure.

A row here is a dict with the breakdown values asked for and one value per measure.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from icjis.analytics.fold import COLUMNS
from icjis.analytics.metrics import BREAKDOWNS, BY_NAME, Metric

SMALL = 5
"""A public cell that counts persons is withheld when it counts 1 to 4 of them."""
TOTAL = "_T"
"""In a public file, the value of a breakdown summed over (as in SDMX)."""

Cell = tuple[Any, ...]  # (metric, period, *BREAKDOWNS, measure, value)


def summed(rows: Iterable[Cell], metric: Metric, by: Sequence[str]) -> list[dict[str, Any]]:
    """The metric's cells summed over every breakdown but `by`, one row per (period, *by),
    ordered; each row carries every measure of the metric (0 where none was recorded)."""
    positions = [2 + BREAKDOWNS.index(b) for b in by]
    sums: dict[tuple[str, ...], dict[str, int]] = defaultdict(dict)
    for row in rows:
        if row[0] != metric.name:
            continue
        key = (row[1], *(row[p] for p in positions))
        measure, value = row[-2], row[-1]
        sums[key][measure] = sums[key].get(measure, 0) + value
    out = []
    for key in sorted(sums):
        values = {m: sums[key].get(m, 0) for m in metric.measures}
        if not values.get("count"):
            continue  # a population that fell back to nothing in this breakdown
        out.append({"period": key[0], **dict(zip(by, key[1:], strict=True)), **values})
    return out


def _ratio(part: int | None, whole: int | None, digits: int) -> float | None:
    return round(part / whole, digits) if part is not None and whole else None


def derived(row: dict[str, Any]) -> dict[str, float | None]:
    """The shares and means a row's counts give (None where there is nothing to divide by, or
    where a value is withheld)."""
    count = row.get("count")
    out: dict[str, float | None] = {}
    if "past_limit" in row:
        out["past_limit_share"] = _ratio(row["past_limit"], count, 3)
    if "within_limit" in row:
        out["within_limit_share"] = _ratio(row["within_limit"], row.get("with_limit"), 3)
        out["mean_hours"] = _ratio(row["hours"], count, 1)
    if "minutes" in row:
        out["mean_minutes"] = _ratio(row["minutes"], count, 1)
        out["late_share"] = _ratio(row["late"], count, 3)
    if "days" in row:
        out["mean_days"] = _ratio(row["days"], count, 1)
    if "dispatched" in row:
        out["mean_dispatch_minutes"] = _ratio(row["dispatch_minutes"], row["dispatched"], 1)
        out["mean_arrival_minutes"] = _ratio(row["arrival_minutes"], row["arrived"], 1)
    if "missed" in row:
        out["missed_share"] = _ratio(row["missed"], count, 3)
        out["mean_hours_over"] = _ratio(row["hours_over"], row["missed"], 1)
    return out


PARTS = {
    "with_limit": "count",
    "within_limit": "with_limit",
    "past_limit": "count",
    "late": "count",
}
"""The measures that count some of a cell's persons, each with the measure it is part of."""


def masked(row: dict[str, Any], metric: Metric, hide: bool) -> dict[str, Any]:
    """A row as a reader of withheld tables sees it: every measure None when the cell is
    withheld; otherwise each part of its persons (held past the limit, answered late …) None
    where it, or the rest of the whole it is part of, counts 1 to 4 persons — with the whole's
    other parts too, so that none is worked out from the others."""
    if hide:
        return {**row, **{m: None for m in metric.measures}}
    if not metric.persons:
        return row
    out = dict(row)
    parts = [m for m in metric.measures if m in PARTS]
    for part in parts:
        value, whole = row[part], row[PARTS[part]]
        if 0 < value < SMALL or 0 < whole - value < SMALL:
            out.update({m: None for m in parts})
            break
    return out


def withheld(row: dict[str, Any], metric: Metric) -> bool:
    """A cell that counts 1 to 4 persons (the first rule of withholding)."""
    return metric.persons and 0 < (row.get("count") or 0) < SMALL


def withhold(rows: Sequence[dict[str, Any]], metric: Metric) -> list[bool]:
    """Which rows of a table (`summed`, by one breakdown or none) to withhold: every cell of 1
    to 4 persons, and then — so that no withheld cell can be worked out from the month's total
    and the cells shown — the smallest other cells of the same month, until the month's withheld
    cells are at least two and count at least five persons together."""
    hide = [withheld(r, metric) for r in rows]
    if not metric.persons:
        return hide
    months: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        months[row["period"]].append(i)
    for members in months.values():
        hidden = [i for i in members if hide[i]]
        shown = sorted((i for i in members if not hide[i]), key=lambda i: rows[i]["count"])
        while (
            hidden and shown and (len(hidden) < 2 or sum(rows[i]["count"] for i in hidden) < SMALL)
        ):
            i = shown.pop(0)
            hide[i] = True
            hidden.append(i)
    return hide


def public_rows(rows: Sequence[Cell]) -> list[dict[str, Any]]:
    """What the public may download of a release: for each metric, its total and its one-way
    breakdowns (each breakdown alone), summed, with cells withheld as `withhold` says — every
    measure of such a cell, since a sum of hours or days over so few could be one person's — and
    the small parts of the others as `masked` says. Columns summed over hold `_T`."""
    out = []
    for metric in BY_NAME.values():
        for by in ((), *((b,) for b in metric.breakdowns)):
            table = summed(rows, metric, by)
            for row, hide in zip(table, withhold(table, metric), strict=True):
                shown = masked(row, metric, hide)
                for measure in metric.measures:
                    out.append(
                        {
                            "metric": metric.name,
                            "period": row["period"],
                            **{b: row[b] if b in by else TOTAL for b in BREAKDOWNS},
                            "measure": measure,
                            "value": shown[measure],
                            "withheld": shown[measure] is None,
                        }
                    )
    return out


def as_csv(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(["" if record.get(c) is None else record.get(c) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8


def as_xlsx(records: Sequence[dict[str, Any]], columns: Sequence[str], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(columns))
    for record in records:
        sheet.append([record.get(c) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def as_parquet(records: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def column(name: str) -> Any:
        values = [r.get(name) for r in records]
        if name == "value":
            return pa.array(values, type=pa.int64())
        if name == "withheld":
            return pa.array(values, type=pa.bool_())
        return pa.array(values, type=pa.string())

    table = pa.table({c: column(c) for c in columns})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


def cells_file(rows: Sequence[Cell], fmt: str, title: str) -> bytes:
    """A month's cells as a tidy file, one column per field of a cell (`fold.COLUMNS`)."""
    return export([dict(zip(COLUMNS, row, strict=True)) for row in rows], COLUMNS, fmt, title)


def export(
    records: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, title: str
) -> bytes:
    if fmt == "xlsx":
        return as_xlsx(records, columns, title)
    if fmt == "parquet":
        return as_parquet(records, columns)
    return as_csv(records, columns)
