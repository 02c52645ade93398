"""The prosecutor's cancellation of an unlawful or unfounded decision of the police on an offence
(CoO 452(3)(5), which 548 names as the prosecutor's way to contest it).

The prosecutor, in supervision, cancels by a decision of their own a penalty or a termination the
police decided, no court having heard an appeal against it, saying what a lawful decision must
do. The case is before the police again: its 10 days (535(1)) are counted, by analogy, from the
cancellation, which the deciding body receives; 48(1)'s 6 months still count from the offence.
The unit is alerted until it decides anew or passes the case on as a crime. A fine is cancelled
with the decision, what was paid to be returned (the fines module's reaction; by analogy with
553(1), nothing being left to enforce), and a new fine opens a file of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pydantic

from icjis.core.acts import Context, act_kind
from icjis.core.alerts import raise_alert
from icjis.core.canonical import iso
from icjis.core.models import Event
from icjis.core.refusals import Conflict, say
from icjis.legal.counting import local_date
from icjis.offences.models import OffenceCase
from icjis.offences.protocols import (
    CANCELLED_ALERT,
    POLICE,
    _case_for_act,
    _days_end,
    _rules,
    _stream_of,
)


class Cancel(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)
    grounds: str = pydantic.Field(
        min_length=3,
        max_length=4000,
        description="why the decision is unlawful or unfounded, and what a lawful one must do",
    )


def _apply_cancel(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = OffenceCase.objects.get(pk=data["offence"])
    case.state = "registered"
    case.decided_at = case.appeal_until = None
    case.penalty_kind, case.penalty_amount = "", None
    case.decide_by = case.due_at = datetime.fromisoformat(data["decide_by"])
    case.extended_days = 0
    case.received_at = case.cancelled_at = event.recorded_at
    case.save()
    raise_alert(
        event,
        1,
        kind=CANCELLED_ALERT,
        unit=case.unit_id,
        roles=list(POLICE),
        subject=case.number,
        message=say(
            "The prosecutor cancelled the decision in offence case %(offence)s as unlawful or "
            "unfounded; take a lawful decision by %(day)s (CoO 452(3)(5)).",
            offence=case.number,
            day=local_date(case.decide_by).isoformat(),
        ),
    )
    return {"offence": case.number, "state": case.state, "decide_by": data["decide_by"]}


@act_kind(
    "offences.decision.cancel",
    schema=Cancel,
    roles=("prosecutor",),
    legal_basis="CoO 452(3)(5), 548",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_cancel,
    title="Cancel an unlawful decision on an offence",
)
def cancel_decision(ctx: Context) -> dict[str, Any]:
    """The prosecutor, in supervision, cancels by a decision of their own an unlawful or
    unfounded decision of the police on an offence — a penalty or a termination — saying what a
    lawful decision must do (CoO 452(3)(5)); on a complaint or of their own motion. The case is
    before the police again, its days to decide (535(1)) counted from the cancellation; the head
    of the unit and its officers are alerted. A court's decision, and one a court has ruled on or
    is hearing an appeal against, is the court's: the prosecutor appeals it (452(3)(7))."""
    case = _case_for_act(ctx)
    if case.forum != "police" or case.appeal_outcome:
        raise Conflict(
            say(
                "The decision in offence case %(offence)s is a court's, or a court has ruled on "
                "it; the prosecutor appeals it (CoO 452(3)(7)).",
                offence=case.number,
            )
        )
    if case.state == "appealed":
        raise Conflict(
            say(
                "An appeal against the decision in offence case %(offence)s is before the court; "
                "it rules on it (CoO 549).",
                offence=case.number,
            )
        )
    if case.state not in ("decided", "terminated"):
        raise Conflict(
            say("Offence case %(offence)s has no decision to cancel.", offence=case.number)
        )
    rules = _rules(case)
    return {
        "offence": case.number,
        "grounds": ctx.input.grounds,
        "cancelled": case.state,
        "decide_by": iso(_days_end(ctx.now, rules.decide_within_days)),
    }
