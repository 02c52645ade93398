"""A case of an offence whose facts are a crime becomes a crime report (CoO 516; SPEC module J:
escalation to the register of crimes).

When the police find that an offence shows the signs of a crime, they pass its materials on to
the investigation, and the register of offences records it (CoO 516). Here that is one act of the
register of crimes: a report registered with the channel `offence` and the offence case's number
as its reference (`registry.report.register`, one click on the case's page) closes the offence
case as transferred, naming the criminal case (`offences.case.transfer`, performed by the system
in the same transaction). Only a case the police still hold is passed on this way; one before
the court is the court's to pass on.
"""

from __future__ import annotations

from typing import Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import KINDS, Context, Reaction, act_kind, reaction
from icjis.core.alerts import answer
from icjis.core.models import Case, Event
from icjis.core.refusals import Conflict, NotFound, say
from icjis.offences.access import visible_offences
from icjis.offences.models import OffenceCase
from icjis.offences.protocols import CANCELLED_ALERT, normalise_offence, offence_stream

TRANSFERABLE = ("registered",)  # the police hold the case; "referred" is the court's


def may_report(user: Any, case: OffenceCase) -> bool:
    """Whether `user` may pass `case` on: one who registers crime reports in the register of the
    unit that holds the case."""
    roles = KINDS["registry.report.register"].roles
    return (
        bool(set(user.roles) & roles)
        and case.unit_id == user.unit_id
        and bool(user.unit.register_code)
    )


def report_fields(case: OffenceCase) -> list[tuple[str, str]]:
    """The crime report the offence case becomes, as the hidden fields of one button: its
    summary is the protocol's description of the facts."""
    protocol = Event.objects.get(stream=offence_stream(case.number), seq=1).payload
    fields = [
        ("channel", "offence"),
        ("summary", protocol["description"]),
        ("place.region", case.region),
        ("place.address", case.address),
        ("occurred_at", case.committed_at.isoformat()),
        ("reference", case.number),
    ]
    if case.district:
        fields.append(("place.district", case.district))
    return fields


class Transfer(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)
    case: str = pydantic.Field(min_length=4, max_length=20)


def _offence_stream_of(data: Any) -> str:
    return offence_stream(normalise_offence(data.offence) or data.offence[:24])


def _apply_transfer(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    OffenceCase.objects.filter(pk=data["offence"]).update(
        state="transferred", crime_case=data["case"], due_at=None
    )
    answer(event, CANCELLED_ALERT, data["offence"])  # a case the prosecutor cancelled before
    return {"offence": data["offence"], "case": data["case"]}


@act_kind(
    "offences.case.transfer",
    schema=Transfer,
    roles=("system",),
    legal_basis="CoO 516",
    target="stream",
    stream_for=_offence_stream_of,
    apply=_apply_transfer,
    title="Pass an offence case on as a crime report",
)
def transfer(ctx: Context) -> dict[str, Any]:
    """Performed by the system when a crime report is registered from a case of an offence: the
    offence case is closed as transferred and names the criminal case (CoO 516)."""
    number = normalise_offence(ctx.input.offence)
    case = OffenceCase.objects.select_for_update().filter(pk=number).first() if number else None
    if case is None or not Case.objects.filter(pk=ctx.input.case).exists():
        raise NotFound(say("No such offence case, or it is not visible to you."))
    _transferable(case)  # checked again under the case's lock
    return {"offence": case.number, "case": ctx.input.case}


def _transferable(case: OffenceCase) -> None:
    if case.state == "transferred":
        raise Conflict(
            say(
                "Offence case %(offence)s was already passed on as crime report %(case)s.",
                offence=case.number,
                case=case.crime_case,
            ),
            fields={"reference": gettext_noop("already reported")},
        )
    if case.state not in TRANSFERABLE:
        raise Conflict(
            say(
                "Offence case %(offence)s is no longer with the police (it was sent to court or "
                "decided): the court or the decision passes its materials on (CoO 516).",
                offence=case.number,
            ),
            fields={"reference": gettext_noop("not with the police")},
        )


@reaction("registry.report.register")
def report_from_offence(ctx: Context, event: Event, data: dict[str, Any]) -> list[Reaction]:
    """A report registered with the channel `offence` and an offence case's number as its
    reference comes from that case: one of the unit whose register the report enters (a reader
    of a wider area may not pass on another unit's case), still with the police."""
    reference = data.get("reference")
    if data.get("channel") != "offence":
        return []
    number = normalise_offence(reference or "")
    case = visible_offences(ctx.user).filter(pk=number).first() if number else None
    if case is None or case.unit_id != data["unit"]:
        raise NotFound(
            say("No such offence case, or it is not visible to you."),
            fields={"reference": gettext_noop("unknown offence case")},
        )
    _transferable(case)
    return [Reaction("offences.case.transfer", {"offence": case.number, "case": data["number"]})]
