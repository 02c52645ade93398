"""API routes of the statistics (module L), mounted under /api/v1 by icjis.urls.

`/statistics/metrics` says what every figure means; `/statistics` gives a month's figures of one
metric, summed by the breakdowns asked for — a published release's, or provisional ones computed
from the ledger now; `/statistics/export` the whole month as CSV, XLSX or Parquet;
`/statistics/releases` the published months, and `/statistics/releases/{period}/check` computes
a release again from the ledger and compares. Figures are counts, never a person: reading them
is not logged as a read of a record.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from icjis.analytics.fold import PERIOD, month_of
from icjis.analytics.metrics import BY_NAME, METHOD, METRICS
from icjis.analytics.models import Release
from icjis.analytics.service import (
    check,
    full_reader,
    month,
    readable_metrics,
    require_reader,
)
from icjis.analytics.tables import FORMATS, cells_file, derived, masked, summed, withhold
from icjis.core import clock
from icjis.core.canonical import iso
from icjis.core.refusals import Forbidden, Invalid, NotFound, say

router = Router(tags=["statistics"])
MetricName = Literal[tuple(m.name for m in METRICS)]  # type: ignore[valid-type]


def metric_row(name: str) -> dict[str, Any]:
    m = BY_NAME[name]
    return {
        "metric": m.name,
        "title": _(m.title),
        "definition": _(m.definition),
        "source": list(m.source),
        "breakdowns": list(m.breakdowns),
        "measures": list(m.measures),
        "counts_persons": m.persons,
        "stock": m.stock,
    }


@router.get("/statistics/metrics")
def metrics(request: HttpRequest) -> dict[str, Any]:
    """Every metric: what it counts and from which recorded acts, its breakdowns and measures,
    whether it counts persons (then small cells are withheld from the public) and whether it is a
    population at the month's end rather than a flow during it."""
    return {"method": METHOD, "metrics": [metric_row(m.name) for m in METRICS]}


def release_row(r: Release) -> dict[str, Any]:
    return {
        "release": r.id,
        "period": r.period,
        "cut": iso(r.cut),
        "method": r.method,
        "events": r.events,
        "last_event": r.last_event,
        "digest": r.digest,
        "published_at": iso(r.published_at),
        "published_by": r.published_by,
    }


@router.get("/statistics/releases")
def releases(request: HttpRequest) -> dict[str, Any]:
    """The published months, newest first."""
    require_reader(request.user)
    return {"releases": [release_row(r) for r in Release.objects.order_by("-period")]}


class FigureQuery(Schema):
    period: str | None = Field(
        None, pattern=PERIOD, description="the month; the current one if absent"
    )
    metric: MetricName = Field("reports.registered")  # type: ignore[valid-type]
    by: str = Field("", max_length=80, description="breakdowns, comma-separated: region,sex")


def _period(period: str | None) -> str:
    return period or month_of(clock.now())


def _by(metric: str, by: str) -> list[str]:
    asked = [b.strip() for b in by.split(",") if b.strip()]
    unknown = [b for b in asked if b not in BY_NAME[metric].breakdowns]
    if unknown:
        raise Invalid(
            say(
                "%(metric)s is not broken down by %(by)s; it is by %(known)s.",
                metric=metric,
                by=", ".join(unknown),
                known=", ".join(BY_NAME[metric].breakdowns),
            ),
            fields={"by": gettext_noop("unknown breakdown")},
        )
    return list(dict.fromkeys(asked))


def _row_out(row: dict[str, Any], hide: bool) -> dict[str, Any]:
    """A row with its means and shares (None where a value they need is withheld)."""
    return {**row, **derived(row), "withheld": hide}


@router.get("/statistics")
def figures(request: HttpRequest, q: Query[FigureQuery]) -> dict[str, Any]:
    """A month's figures of one metric, summed over every breakdown not asked for, with the
    means and shares their counts give. A published month answers from its release; another
    (the current one) is computed from the ledger now and marked provisional."""
    require_reader(request.user)
    user = request.user
    if BY_NAME[q.metric] not in readable_metrics(user):
        raise Forbidden(say("The ombudsperson reads the detention figures only."))
    by = _by(q.metric, q.by)
    full = full_reader(user)
    if len(by) > 1 and not full:
        raise Invalid(
            say(
                "Break the figures down by one thing at a time; only analysts and auditors "
                "cross several."
            ),
            fields={"by": gettext_noop("one breakdown at most")},
        )
    m = month(_period(q.period))
    metric = BY_NAME[q.metric]
    rows = summed(m.rows, metric, by)
    hidden = [False] * len(rows) if full else withhold(rows, metric)
    return {
        "period": m.period,
        "metric": metric_row(q.metric),
        "by": by,
        "provisional": m.release is None,
        "release": m.release.id if m.release else None,
        "cut": iso(m.cut),
        "events": m.events,
        "last_event": m.last_event,
        "digest": m.digest,
        "rows": [
            _row_out(row if full else masked(row, metric, hide), hide)
            for row, hide in zip(rows, hidden, strict=True)
        ],
    }


class ExportQuery(Schema):
    period: str | None = Field(
        None, pattern=PERIOD, description="the month; the current one if absent"
    )
    format: Literal["csv", "xlsx", "parquet"] = "csv"


@router.get("/statistics/export", response={200: None}, url_name="statistics_export")
def export_month(request: HttpRequest, q: Query[ExportQuery]) -> HttpResponse:
    """A month's every figure as a tidy table — metric, period, region, article, category, sex,
    age, kind, place, measure, value; blank where a metric has no such breakdown or the record
    did not say — in CSV (UTF-8), XLSX or Parquet. Every cell, however small: for analysts and
    auditors."""
    require_reader(request.user)
    if not full_reader(request.user):
        raise Forbidden(say("Only analysts and auditors export the whole month."))
    m = month(_period(q.period))
    body = cells_file(m.rows, q.format, f"ICJIS {m.period}")
    response = HttpResponse(body, content_type=FORMATS[q.format])
    status = "" if m.release else "-provisional"
    response["Content-Disposition"] = f'attachment; filename="icjis-{m.period}{status}.{q.format}"'
    return response


@router.get("/statistics/releases/{period}/check")
def check_release(request: HttpRequest, period: str) -> dict[str, Any]:
    """Compute a published month again from the ledger, up to its cut, and compare with what
    was published: `matches` is true when the figures now, the figures kept and the digest its
    act recorded all agree; otherwise the differing rows are listed (at most 50)."""
    require_reader(request.user)
    release = Release.objects.filter(period=period).first()
    if release is None:
        raise NotFound(say("The statistics of %(period)s are not published.", period=period[:7]))
    result = check(release)
    if not full_reader(request.user):
        # The differing rows are cells as they are, however small: for analysts and auditors.
        result["differences"] = None
    return {**result, "cut": iso(result["cut"])}
