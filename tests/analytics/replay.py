"""The check of the statistics' replay of every case's terms against the deadline projection,
for the tests of the modules whose acts start, move and end terms."""

from __future__ import annotations

from datetime import timedelta

from icjis.analytics.fold import replay_terms
from icjis.core import clock
from icjis.legal.models import Deadline


def assert_terms_replayed() -> int:
    """The terms the fold replays from the events alone are the deadlines the pages show: the
    same terms, each in the same state (met in time, met late, open, cancelled), due and ended
    at the same moments, at the same unit. Returns how many were compared."""
    replayed = replay_terms(clock.now() + timedelta(days=1))
    ours = {
        (stream.removeprefix("case/"), t.rule_id, t.subject or "", t.start_seq): (
            "missed" if late else t.state,
            t.due_at,
            t.closed_at,
            unit,
        )
        for stream, terms in replayed.items()
        for t, unit, late in terms
    }
    theirs = {
        (d.case_id, d.rule, d.subject, d.start_seq): (d.state, d.due_at, d.closed_at, d.unit_id)
        for d in Deadline.objects.all()
    }
    assert ours == theirs
    return len(theirs)
