"""The demo's statistics: once its cases are made, the analyst publishes every month that has
ended under the simulation clock, so the public page has figures to show."""

from __future__ import annotations

from icjis.analytics.acts import SETTLE
from icjis.analytics.fold import month_of, month_start, next_month
from icjis.analytics.models import Release
from icjis.core import acts, clock
from icjis.core.models import Event, User
from icjis.core.seeding import after_cases


@after_cases
def publish_ended_months() -> None:
    analyst = User.objects.filter(username="analyst").first()
    first = Event.objects.order_by("id").values_list("recorded_at", flat=True).first()
    if analyst is None or first is None:
        return
    period = month_of(first)
    while month_start(next_month(period)) + SETTLE <= clock.now():
        if not Release.objects.filter(period=period).exists():
            acts.perform(analyst, "analytics.statistics.publish", {"period": period})
        period = next_month(period)
