"""The check of the statistics' replay of every case's terms against the deadline projection,
for the tests of the modules whose acts start, move and end terms."""

from __future__ import annotations

from datetime import timedelta

from icjis.analytics.fold import replay_terms
from icjis.core import clock
from icjis.legal.models import Deadline


def assert_terms_replayed() -> int:
    """The terms the fold replays from the events alone are the deadlines the pages show: the
    same terms, each in the same state, due and ended at the same moments (a term met late is
    "missed" in the projection, met in the engine). Returns how many were compared."""
    replayed = replay_terms(clock.now() + timedelta(days=1))
    ours = {
        (stream.removeprefix("case/"), t.rule_id, t.subject or "", t.start_seq): (
            t.state,
            t.due_at,
            t.closed_at,
        )
        for stream, terms in replayed.items()
        for t in terms
    }
    theirs = {
        (d.case_id, d.rule, d.subject, d.start_seq): (
            "met" if d.state == "missed" else d.state,
            d.due_at,
            d.closed_at,
        )
        for d in Deadline.objects.all()
    }
    assert ours == theirs
    return len(theirs)
