"""What every court act reads first: the case it is performed in."""

from __future__ import annotations

from icjis.core.acts import Context
from icjis.core.models import Case
from icjis.core.refusals import Conflict, say


def case_in(ctx: Context) -> Case:
    """The case the act is performed in (the acts framework opens it from the case number);
    a typed refusal — not an assertion that vanishes under `python -O` — when there is none."""
    if ctx.case is None:
        raise Conflict(say("This act is performed in a criminal case: give the case number."))
    return ctx.case
