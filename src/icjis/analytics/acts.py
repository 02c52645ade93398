"""The act of module L: publishing a month's statistics.

The analyst names a month that has ended; the system computes every metric from the events
recorded before the month's end (`analytics.fold`), and the act's event keeps the rows, the cut,
the ledger position reached and the rows' digest. The published figures are then the ledger's
own: changed by no one, re-checkable by anyone (`analytics.check`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.analytics.fold import PERIOD, compute, digest, month_start, next_month
from icjis.analytics.metrics import BREAKDOWNS, METHOD
from icjis.analytics.models import Figure, Release
from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.models import Event
from icjis.core.refusals import Conflict, Invalid, say

ANALYST = "analyst"
STREAM = "statistics"
SETTLE = timedelta(hours=1)
"""How long after a month's end its statistics may be published: every act recorded before the
end has been committed well within it (an act is one short transaction), so the figures cannot
change once published (SPEC L: computed only from the immutable record)."""
FIELDS = ("metric", *BREAKDOWNS, "measure")  # a stored row: a cell without its period


class PublishIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    period: str = pydantic.Field(pattern=PERIOD, description="the month, as 2026-11")


def _apply_publish(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    release = Release.objects.create(
        id=data["release"],
        period=data["period"],
        cut=data["cut"],
        method=data["method"],
        events=data["events"],
        last_event=data["last_event"],
        digest=data["digest"],
        published_at=event.recorded_at,
        published_by=event.actor,
        event=event,
    )
    Figure.objects.bulk_create(
        (
            Figure(release=release, **dict(zip((*FIELDS, "value"), row, strict=True)))
            for row in data["rows"]
        ),
        batch_size=1000,
    )
    return {
        "release": release.id,
        "period": release.period,
        "rows": len(data["rows"]),
        "digest": release.digest,
    }


@act_kind(
    "analytics.statistics.publish",
    schema=PublishIn,
    roles=(ANALYST,),
    legal_basis="CPC 34(2)(1) (state legal statistics)",
    target="stream",
    stream_for=lambda _: STREAM,
    apply=_apply_publish,
    title="Publish a month's statistics",
)
def publish(ctx: Context) -> dict[str, Any]:
    """Publishes the statistics of a month that has ended: every metric computed from the
    events recorded before the month's end, with the count of events read, the last of them
    (its id and hash) and the SHA-256 of the rows, so anyone can compute them again from
    the ledger and compare. A month is published once, and never edited: an act recorded after
    the month's end counts in the month it was recorded in. The statistics are kept in the
    General Prosecutor's office, which oversees state legal statistics (CPC 34(2)(1)); SPEC L
    asks that they be computed only from the immutable record."""
    period = ctx.input.period
    cut = month_start(next_month(period))
    if ctx.now < cut + SETTLE:
        raise Invalid(
            say(
                "The month %(period)s has not ended long enough ago: its statistics can be "
                "published from %(opens)s.",
                period=period,
                opens=iso(cut + SETTLE),
            ),
            fields={"period": gettext_noop("not yet ended")},
        )
    if Release.objects.filter(period=period).exists():
        raise Conflict(say("The statistics of %(period)s are already published.", period=period))
    figures = compute(cut)
    cells = figures.rows(period)
    return {
        "release": f"ST-{period}",
        "period": period,
        "cut": iso(cut),
        "method": METHOD,
        "events": figures.events,
        "last_event": figures.last or {},
        "digest": digest(cells),
        "rows": [[r[0], *r[2:]] for r in cells],  # the period is the release's
    }
