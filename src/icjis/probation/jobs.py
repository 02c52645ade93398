"""The missed-meetings job: a meeting whose day has ended with no attendance recorded is
recorded as missed, by the system, through the act `probation.meeting.missed`. Run by
`icjis worker` on every pass (`core.jobs`)."""

from __future__ import annotations

import logging

from icjis.core import acts, clock
from icjis.core.access import SYSTEM_USER
from icjis.core.jobs import periodic
from icjis.core.refusals import Refusal
from icjis.legal.counting import end_of_day, local_date
from icjis.probation.models import Meeting

log = logging.getLogger("icjis.probation")
BATCH = 200


@periodic("probation.meetings.missed")
def record_missed_meetings() -> int:
    """Record as missed every scheduled meeting whose local day has ended unrecorded. Returns
    how many acts were performed."""
    now = clock.now()
    # A meeting is missed after its local day; anything before yesterday's start surely is,
    # and the act itself checks the exact end of the day.
    candidates = Meeting.objects.filter(
        state="scheduled", at__lt=now, file__state="active"
    ).select_related("file")
    done = 0
    for m in candidates.order_by("at", "id")[:BATCH]:
        if now < end_of_day(local_date(m.at)):
            continue
        try:
            acts.perform(
                SYSTEM_USER, "probation.meeting.missed", {"meeting": m.id}, case=m.file.case_id
            )
        except Refusal as exc:  # recorded by the officer between our read and the act
            log.info("missed meeting %s refused: %s", m.id, exc.message)
            continue
        done += 1
    return done
