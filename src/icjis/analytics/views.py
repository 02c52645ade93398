"""Pages of the statistics: the staff page (a month's figures of a metric by a breakdown, its
trend, exports, publication) and the public page of the published months, small cells withheld.
Both draw bars as plain SVG, so the charts need no script and load on a slow link."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from icjis.analytics.fold import COLUMNS, compute, month_of
from icjis.analytics.metrics import BREAKDOWN_TITLES, BY_NAME, METHOD, METRICS, Metric
from icjis.analytics.models import Figure, Release
from icjis.analytics.service import (
    full_reader,
    may_read,
    month,
    months_to_publish,
    readable_metrics,
    release_rows,
)
from icjis.analytics.tables import (
    FORMATS,
    TOTAL,
    Cell,
    derived,
    export,
    masked,
    public_rows,
    summed,
    withheld,
    withhold,
)
from icjis.core import clock
from icjis.core.localised import localised
from icjis.core.models import Territory, Unit
from icjis.legal.rulepacks import Title, builtin_packs
from icjis.web.labels import CATEGORIES, choice_label

DECISIONS = {
    "opened": gettext_lazy("case opened"),
    "refused": gettext_lazy("refused to open"),
    "suspended": gettext_lazy("suspended"),
    "resumed": gettext_lazy("resumed"),
    "terminated": gettext_lazy("terminated"),
    "sent_to_court": gettext_lazy("sent to court"),
    "returned": gettext_lazy("indictment returned"),
}
SEXES = {"F": gettext_lazy("women"), "M": gettext_lazy("men")}
KINDS = {
    "imposed": gettext_lazy("imposed"),
    "paid": gettext_lazy("paid"),
    "verdict": gettext_lazy("by a verdict"),
    "offence": gettext_lazy("for an offence"),
    "modified": gettext_lazy("modified"),
    "quashed": gettext_lazy("quashed"),
    "upheld": gettext_lazy("upheld"),
    "penalty": gettext_lazy("penalty imposed"),
    "cancelled": gettext_lazy("cancelled by the prosecutor"),
}
MEASURE_TITLES = {
    "count": gettext_lazy("How many"),
    "with_limit": gettext_lazy("With a limit in the rule pack"),
    "within_limit": gettext_lazy("Within the limit"),
    "hours": gettext_lazy("Hours held, in all"),
    "minutes": gettext_lazy("Minutes to answer, in all"),
    "late": gettext_lazy("Answered late"),
    "days": gettext_lazy("Days in court, in all"),
    "past_limit": gettext_lazy("Held past the limit"),
    "som": gettext_lazy("Sum, som"),
    "past_limit_share": gettext_lazy("Share held past the limit"),
    "within_limit_share": gettext_lazy("Share within the limit"),
    "mean_hours": gettext_lazy("Mean hours held"),
    "mean_minutes": gettext_lazy("Mean minutes to answer"),
    "late_share": gettext_lazy("Share answered late"),
    "mean_days": gettext_lazy("Mean days in court"),
    "dispatched": gettext_lazy("With a crew sent"),
    "dispatch_minutes": gettext_lazy("Minutes to send a crew, in all"),
    "arrived": gettext_lazy("With a crew on the scene"),
    "arrival_minutes": gettext_lazy("Minutes to the scene, in all"),
    "mean_dispatch_minutes": gettext_lazy("Mean minutes to send a crew"),
    "mean_arrival_minutes": gettext_lazy("Mean minutes to the scene"),
    "missed": gettext_lazy("Met after the term ran out"),
    "hours_over": gettext_lazy("Hours past the term, in all"),
    "missed_share": gettext_lazy("Share met late"),
    "mean_hours_over": gettext_lazy("Mean hours past the term, of those met late"),
}
TREND_MONTHS = 12


class Names:
    """Breakdown values in the reader's words: regions and offices by name, codes by label."""

    def __init__(self) -> None:
        self.regions = {t.code: localised(t) for t in Territory.objects.all()}
        self.units = {u.code: localised(u) for u in Unit.objects.all()}
        # The terms by the titles of their rules (the latest pack's, where packs share an id).
        self.terms: dict[str, Title] = {
            rule.id: rule.title
            for pack in sorted(builtin_packs(), key=lambda p: p.effective_from)
            for rule in pack.rules
        }

    def word(self, breakdown: str, value: str) -> str:
        if value == TOTAL:
            return _("all")
        if not value:
            return _("not recorded")
        if breakdown == "region":
            return self.regions.get(value, value)
        if breakdown == "place":
            return self.units.get(value, value)
        if breakdown == "article":
            code, _slash, article = value.rpartition("/")
            said = _("art. %(article)s") % {"article": article}
            return f"{said} ({_(code)})" if code else said
        if breakdown == "category":
            return str(CATEGORIES.get(value, value))
        if breakdown == "sex":
            return str(SEXES.get(value, value))
        if breakdown == "kind":
            if value in DECISIONS:
                return str(DECISIONS[value])
            if value in self.terms:
                return self.terms[value].get((get_language() or "en")[:2])
            return " — ".join(
                str(KINDS[part]) if part in KINDS else choice_label(part)
                for part in value.split(":")
            )
        return value


def _table(rows: list[dict[str, Any]], metric: Metric, by: str, names: Names, public: bool) -> Any:
    """The rows as the template draws them: the label, the measures, the derived values and
    the bar's length (the count against the largest)."""
    hidden = withhold(rows, metric) if public else [False] * len(rows)
    top = max((r["count"] for r, hide in zip(rows, hidden, strict=True) if not hide), default=0)
    out = []
    for row, hide in zip(rows, hidden, strict=True):
        shown = masked(row, metric, hide) if public else row
        out.append(
            {
                "label": names.word(by, row[by]) if by else row["period"],
                "values": [shown[m] for m in metric.measures],
                "derived": list(derived(shown).values()),
                "withheld": hide,
                "pct": 0 if hide or not top else round(100 * row["count"] / top, 1),
            }
        )
    return out


def _columns(metric: Metric) -> list[str]:
    sample = {m: 0 for m in metric.measures}
    return [str(MEASURE_TITLES[m]) for m in (*metric.measures, *derived(sample))]


def _metric_and_by(request: HttpRequest, metrics: list[Metric]) -> tuple[Metric, str]:
    asked = BY_NAME.get(request.GET.get("metric", ""))
    metric = asked if asked in metrics else metrics[0]
    by = request.GET.get("by", "")
    return metric, by if by in metric.breakdowns else ""


def _totals(rows: list[Cell], metric: Metric, hide_small: bool) -> list[tuple[str, int | None]]:
    """Each month's total count (None where it counts 1 to 4 persons and is withheld)."""
    return [
        (r["period"], None if hide_small and withheld(r, metric) else r["count"])
        for r in summed(rows, metric, [])
    ]


def _trend(totals: list[tuple[str, int | None]]) -> list[dict[str, Any]]:
    """A month's total (None: withheld) and its bar against the largest."""
    top = max((v for _, v in totals if v), default=0)
    return [
        {"label": p, "value": v, "pct": round(100 * v / top, 1) if top and v else 0}
        for p, v in totals
    ]


@never_cache
@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """For the readers of the statistics: a month's figures of one metric by one breakdown, the
    metric's last twelve months, the exports, and the months the analyst may publish."""
    if not may_read(request.user):
        raise Http404(
            _("Only analysts, prosecutors, auditors and the ombudsperson read this page.")
        )
    now = clock.now()  # read once: the live computation and the current month share its cut
    current = month_of(now)
    metrics = readable_metrics(request.user)
    full = full_reader(request.user)
    metric, by = _metric_and_by(request, metrics)
    period = request.GET.get("period", "")
    live = compute(now)
    periods = sorted(set(live.periods()) | {current}, reverse=True)
    if period not in periods:
        period = current
    m = month(period, live)
    names = Names()
    rows = summed(m.rows, metric, [by] if by else [])
    published = set(Release.objects.values_list("period", flat=True))
    context = {
        "metrics": metrics,
        "metric": metric,
        "metric_title": _(metric.title),
        "definition": _(metric.definition),
        "breakdowns": [(b, BREAKDOWN_TITLES[b]) for b in metric.breakdowns],
        "by": by,
        "by_title": BREAKDOWN_TITLES.get(by, _("Month")),
        "periods": [(p, p in published) for p in periods],
        "month": m,
        "columns": _columns(metric),
        "rows": _table(rows, metric, by, names, public=not full),
        "trend": _trend(_totals(live.rows(), metric, not full)[-TREND_MONTHS:]),
        "formats": list(FORMATS) if full else [],
        "publishable": months_to_publish(now) if request.user.has_role("analyst") else [],
        "method": METHOD,
    }
    return render(request, "analytics/statistics.html", context)


def public_statistics(request: HttpRequest) -> HttpResponse:
    """The published statistics, for anyone: each month's figures of a metric by a breakdown,
    cells of fewer than five persons withheld, the trend over the published months, the
    definitions, downloads, and how to check a release against the ledger."""
    releases = list(Release.objects.order_by("-period"))
    metric, by = _metric_and_by(request, list(METRICS))
    context: dict[str, Any] = {
        "releases": releases,
        "metrics": METRICS,
        "metric": metric,
        "by": by,
        "method": METHOD,
        "definitions": [(x, _(x.title), _(x.definition)) for x in METRICS],
    }
    if releases:
        release = next((r for r in releases if r.period == request.GET.get("period")), releases[0])
        names = Names()
        rows = summed(release_rows(release), metric, [by] if by else [])
        shown = list(reversed(releases[:TREND_MONTHS]))
        counts = dict(
            Figure.objects.filter(release__in=shown, metric=metric.name, measure="count")
            .values_list("release__period")
            .annotate(total=Sum("value"))
        )
        totals: list[tuple[str, int | None]] = []
        for r in shown:
            n = counts.get(r.period, 0)
            totals.append((r.period, None if withheld({"count": n}, metric) else n))
        context.update(
            release=release,
            periods=[(r.period, True) for r in releases],
            metric_title=_(metric.title),
            definition=_(metric.definition),
            breakdowns=[(b, BREAKDOWN_TITLES[b]) for b in metric.breakdowns],
            by_title=BREAKDOWN_TITLES.get(by, _("Month")),
            columns=_columns(metric),
            rows=_table(rows, metric, by, names, public=True),
            trend=_trend(totals),
            formats=list(FORMATS),
        )
    return render(request, "analytics/public.html", context)


def public_download(request: HttpRequest, period: str, fmt: str) -> HttpResponse:
    """A published month as the public may have it (`tables.public_rows`)."""
    release = Release.objects.filter(period=period).first()
    if release is None or fmt not in FORMATS:
        raise Http404(_("No statistics are published for that month."))
    records = public_rows(release_rows(release))
    columns = [*COLUMNS, "withheld"]
    body = export(records, columns, fmt, f"ICJIS {period}")
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="icjis-statistics-{period}.{fmt}"'
    return response
