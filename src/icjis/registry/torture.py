"""A statement of torture or cruel treatment (CPC 179(11)): whoever receives it in a case records
it, and a forensic medical expertise of the person must be ordered within 12 hours.

The statement is recorded on the case's stream, for a participant of the case, by the official
who received it or by counsel of the person; the investigator and the prosecutor are alerted
until a medical expertise of that person is ordered (`forensics.expertise.order`, which answers
the alert), and the rule pack's `forensics.torture_examination` times the 12 hours. The
examination itself is the forensic module's; the statement's own check (a criminal case of
torture, investigated apart) is not the register's here.
"""

from __future__ import annotations

from typing import Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.alerts import raise_alert
from icjis.core.models import Event
from icjis.core.refusals import Forbidden, say
from icjis.legalaid.acts import represents
from icjis.registry.acts import case_of
from icjis.registry.common import PersonId, Text, _case, _participant, require_stage

STAGES = ("pre_investigation", "investigation", "trial")
"""The stages at which the expertise can be ordered (`forensics.acts.ORDER_STAGES`), so at which
the 12 hours can be kept."""
TORTURE_ALERT = "registry.torture.reported"
"""The alert to the investigator and the prosecutor, answered by the medical expertise ordered."""


class TortureIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId = pydantic.Field(description="the participant who states it")
    text: Text = pydantic.Field(description="the statement, as made: what, when, by whom")


def _apply_torture(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    raise_alert(
        event,
        1,
        kind=TORTURE_ALERT,
        unit=case.unit_id,
        roles=["investigator", "prosecutor", *(["judge"] if data.get("at_trial") else [])],
        case=case,
        subject=data["person"],
        message=say(
            "A statement of torture or cruel treatment of %(person)s was recorded in case "
            "%(case)s: order a forensic medical expertise of the person within 12 hours "
            "(CPC 179(11)).",
            person=data["person"],
            case=case.number,
        ),
    )
    return {"person": data["person"]}


@act_kind(
    "registry.torture.report",
    schema=TortureIn,
    roles=("investigator", "prosecutor", "unit_head", "investigating_judge", "judge", "lawyer"),
    legal_basis="CPC 179(11); Constitution 57",
    apply=_apply_torture,
    title="Record a statement of torture or cruel treatment",
)
def report_torture(ctx: Context) -> dict[str, Any]:
    """Records a statement by a participant of the case — made to the official recording it, or
    brought by their counsel — that they were tortured or treated cruelly. A forensic medical
    expertise of the person is to be ordered within 12 hours (CPC 179(11)), with photographs or
    video of the examination; the investigator and the prosecutor (and at trial the judge, who
    then orders it) are alerted until it is. At the stages at which the expertise can be
    ordered (the check, the investigation, the trial); at another a statement is a crime report
    of its own, or waits for the case to reach the court."""
    case = _case(ctx)
    data = ctx.input
    require_stage(case, STAGES, gettext_noop("A statement of torture in the case"))
    _participant(case, data.person)
    if ctx.actor.role == "lawyer" and not represents(case, ctx.user.username, data.person):
        raise Forbidden(say("You are not counsel of %(person)s in this case.", person=data.person))
    return {"person": data.person, "text": data.text, "at_trial": case.stage == "trial"}
