"""The demo's statistics: once its cases are made, the analyst publishes every month that has
ended under the simulation clock, so the public page has figures to show."""

from __future__ import annotations

from icjis.analytics.service import months_to_publish
from icjis.core import acts, clock
from icjis.core.models import User
from icjis.core.seeding import after_cases


@after_cases
def publish_ended_months() -> None:
    analyst = User.objects.filter(username="analyst").first()
    if analyst is None:
        return
    for period in months_to_publish(clock.now()):
        acts.perform(analyst, "analytics.statistics.publish", {"period": period})
