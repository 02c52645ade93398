"""Acts of the register of crimes from the decision on a report to the indictment (module A).

Article numbers are those of the Criminal Procedure Code of 28.10.2021 No. 129: refusal to open a
case (154) and its cancellation (154(4)); suspicion (43) and charge (240-245); joining and
splitting cases (141-142); sending a case by jurisdiction (157, 159, 160(2)); suspension and
resumption (246-249); termination (257-258) and reopening (260); term extensions by the competent
prosecutor (153(3), 162(4)-(5)); the indictment and the prosecutor's decisions on it (256,
261-263).

Each `decide` checks the procedure against the case as it stands under the stream lock and
returns everything its projector needs; each projector reads only its event (and the rows earlier
events built), so `icjis rebuild-projections --check` replays it exactly. A case that is closed
accepts nothing but a prosecutor's reopening.
"""

from __future__ import annotations

from typing import Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.models import CaseOfficer, CaseParticipant, CaseUnit, Event, Unit
from icjis.core.refusals import Conflict, Invalid, say
from icjis.legal.models import Deadline
from icjis.registry.acts import LOCAL, case_of
from icjis.registry.common import (
    CHECK_EXTENDED_DAYS,
    DEFENDANT_ROLES,
    EXTENSION_LIMITS,
    EXTENSION_REFUSALS,
    INVESTIGATIVE_UNIT_KINDS,
    STAGE_NAMES,
    GroundsIn,
    PersonId,
    Text,
    _active,
    _case,
    _move,
    require_assigned,
    require_running,
    require_stage,
)

# --- refusal to open a case and reopening -------------------------------------------------------


class RefuseIn(GroundsIn):
    without_check: Literal["no_documented_amount", "civil_law_dispute"] | None = pydantic.Field(
        default=None, description="CPC 154(1)(1) or (2): refused within 24 hours without a check"
    )


def _apply_refuse(event: Event, data: dict[str, Any]) -> None:
    refusal = {"grounds": data["grounds"], "without_check": data["without_check"]}
    _move(
        event,
        {"decision": "refused", "refusal": {**refusal, "at": iso(event.recorded_at)}},
        stage="closed",
    )


@act_kind(
    "registry.case.refuse",
    schema=RefuseIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 153(2), 154",
    apply=_apply_refuse,
    title="Refuse to open a criminal case",
)
def refuse_case(ctx: Context) -> dict[str, Any]:
    """Records the decision not to open a criminal case on the report, with its grounds (CPC
    153(2), 154). Without a check, within 24 hours, where the report concerns a financial matter
    with no documented amount or a civil-law dispute (154(1)(1)-(2), 154(2)). The applicant may
    appeal within 10 days (154(3)); a prosecutor may cancel the refusal (154(4))."""
    require_stage(
        _case(ctx),
        ("registered", "pre_investigation"),
        gettext_noop("A refusal to open a case"),
    )
    require_assigned(ctx, gettext_noop("refuse to open the case"))
    return {"grounds": ctx.input.grounds, "without_check": ctx.input.without_check}


def _apply_reopen(event: Event, data: dict[str, Any]) -> None:
    _move(
        event,
        {"reopened": {"at": iso(event.recorded_at), "cancels": data["cancels"]}},
        drop=("decision", "refusal", "termination"),
        stage=data["stage"],
    )


@act_kind(
    "registry.case.reopen",
    schema=GroundsIn,
    roles=("prosecutor",),
    legal_basis="CPC 154(4), 260",
    apply=_apply_reopen,
    title="Cancel a refusal or termination and reopen the case",
)
def reopen_case(ctx: Context) -> dict[str, Any]:
    """Records the prosecutor's cancellation of a refusal to open a case, which sends the report
    back for an additional check (CPC 154(4)), or of a termination, which resumes the
    investigation (CPC 260(1))."""
    case = _case(ctx)
    decision = case.details.get("decision")
    if case.stage != "closed":
        now = STAGE_NAMES.get(case.stage, case.stage)
        raise Conflict(say("The case is %(now)s; there is nothing to reopen.", now=now))
    if decision == "joined":
        raise Conflict(
            say(
                "The case was joined into case %(number)s (CPC 141); it continues there.",
                number=case.details.get("joined_into"),
            )
        )
    if decision not in ("refused", "terminated"):
        raise Conflict(say("Only a refusal to open a case or a termination can be cancelled."))
    stage = "pre_investigation" if decision == "refused" else "investigation"
    return {"grounds": ctx.input.grounds, "cancels": decision, "stage": stage}


# --- jurisdiction -------------------------------------------------------------------------------


class TransferIn(GroundsIn):
    unit: str = pydantic.Field(min_length=1, max_length=32, description="investigative unit code")


def _apply_transfer(event: Event, data: dict[str, Any]) -> None:
    case = _move(event, unit_id=data["unit"], territory_path=data["territory_path"])
    CaseUnit.objects.filter(case=case, capacity="investigating").delete()
    CaseUnit.objects.create(case=case, unit_id=data["unit"], capacity="investigating")
    CaseOfficer.objects.filter(case=case, role="investigator").delete()


@act_kind(
    "registry.case.transfer",
    schema=TransferIn,
    roles=("prosecutor",),
    legal_basis="CPC 157(1), 159, 160(2)",
    apply=_apply_transfer,
    title="Send the case to another investigative unit",
)
def transfer_case(ctx: Context) -> dict[str, Any]:
    """Records that the prosecutor sends the report or case by jurisdiction or territory to
    another investigative unit (CPC 157(1), 159, 160(2)). That unit becomes responsible, the
    assigned investigator is released and the head of the receiving unit assigns a new one;
    supervision passes to the prosecutors of the receiving unit's territory."""
    case = _case(ctx)
    require_stage(
        case, ("registered", "pre_investigation", "investigation"), gettext_noop("A transfer")
    )
    unit = Unit.objects.select_related("territory").filter(code=ctx.input.unit).first()
    if unit is None or unit.kind not in INVESTIGATIVE_UNIT_KINDS:
        raise Invalid(
            say(
                "%(unit)s is not an investigative unit; see /api/v1/directory/units.",
                unit=ctx.input.unit,
            ),
            fields={"unit": gettext_noop("not an investigative unit")},
        )
    holder = (
        case.units.filter(capacity="investigating").values_list("unit_id", flat=True).first()
        or case.unit_id
    )
    if unit.code == holder:
        raise Conflict(say("The case is already with %(unit)s.", unit=unit.code))
    return {
        "unit": unit.code,
        "from_unit": holder,
        "territory_path": unit.territory.path,
        "grounds": ctx.input.grounds,
    }


# --- suspension, resumption, termination --------------------------------------------------------


class SuspendIn(GroundsIn):
    basis: Literal[
        "accused_whereabouts_unknown",
        "serious_illness",
        "offender_not_identified",
        "immunity_or_extradition",
    ] = pydantic.Field(description="the ground of CPC 246(1), items 1-4")


def _apply_suspend(event: Event, data: dict[str, Any]) -> None:
    suspension = {"basis": data["basis"], "grounds": data["grounds"], "at": iso(event.recorded_at)}
    _move(event, {"suspended": True, "suspension": suspension})


@act_kind(
    "registry.case.suspend",
    schema=SuspendIn,
    roles=("investigator",),
    legal_basis="CPC 246, 247",
    apply=_apply_suspend,
    title="Suspend the investigation",
)
def suspend_investigation(ctx: Context) -> dict[str, Any]:
    """Records the suspension of the investigation on a ground of CPC 246(1); the suspended time
    does not count towards the investigation term (162(3)). On the accused's unknown whereabouts
    or an unidentified offender, only once the term has run out (246(4))."""
    case = _case(ctx)
    require_stage(case, ("investigation",), gettext_noop("A suspension"))
    require_assigned(ctx, gettext_noop("suspend the investigation"))
    if case.details.get("suspended"):
        raise Conflict(say("The investigation is already suspended."))
    basis = ctx.input.basis
    if basis == "accused_whereabouts_unknown" and not _active(case, kind="charge").exists():
        raise Conflict(say("No one is charged in this case, so no accused can be in hiding."))
    if basis in ("serious_illness", "immunity_or_extradition") and not (
        CaseParticipant.objects.filter(case=case, role__in=DEFENDANT_ROLES).exists()
    ):
        raise Conflict(say("This ground concerns a suspect or accused; the case has none."))
    if basis in ("accused_whereabouts_unknown", "offender_not_identified"):
        term = Deadline.objects.filter(
            case=case, rule__startswith="investigation.term", state="running", due_at__gt=ctx.now
        ).first()
        if term is not None:
            raise Conflict(
                say(
                    "On this ground the investigation may be suspended only once its term has run "
                    "out (CPC 246(4)); it runs until %(until)s.",
                    until=term.due_at.astimezone(LOCAL).strftime("%d.%m.%Y"),
                )
            )
    return {"basis": basis, "grounds": ctx.input.grounds}


def _apply_resume(event: Event, data: dict[str, Any]) -> None:
    _move(event, drop=("suspended", "suspension"))


@act_kind(
    "registry.case.resume",
    schema=GroundsIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 249",
    apply=_apply_resume,
    title="Resume the investigation",
)
def resume_investigation(ctx: Context) -> dict[str, Any]:
    """Records the resumption of a suspended investigation once its grounds have gone, by the
    investigator with the prosecutor's consent or by the prosecutor (CPC 249(1)-(2)); the term
    runs again from where it stopped (162(3))."""
    case = _case(ctx)
    require_stage(case, ("investigation",), gettext_noop("A resumption"))
    require_assigned(ctx, gettext_noop("resume the investigation"))
    if not case.details.get("suspended"):
        raise Conflict(say("The investigation is not suspended."))
    return {"grounds": ctx.input.grounds}


def _apply_terminate(event: Event, data: dict[str, Any]) -> None:
    termination = {"grounds": data["grounds"], "at": iso(event.recorded_at)}
    _move(
        event,
        {"decision": "terminated", "termination": termination},
        drop=("suspended", "suspension"),
        stage="closed",
    )


@act_kind(
    "registry.case.terminate",
    schema=GroundsIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 257, 258, 262(4)",
    apply=_apply_terminate,
    title="Terminate the case",
)
def terminate_case(ctx: Context) -> dict[str, Any]:
    """Records the termination of the case on a ground of CPC 27(1): by the investigator during
    the investigation (257, 258), or by the prosecutor reviewing the indictment (262(4)). Those
    concerned may appeal within 10 days (259); a prosecutor may reopen it (260)."""
    case = _case(ctx)
    prosecutor = ctx.actor.role == "prosecutor"
    allowed = ("prosecution",) if prosecutor else ("investigation",)
    require_stage(case, allowed, gettext_noop("A termination"))
    require_assigned(ctx, gettext_noop("terminate the case"))
    return {"grounds": ctx.input.grounds}


# --- term extensions ----------------------------------------------------------------------------


class ExtendIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    months: int | None = pydantic.Field(
        default=None, ge=2, le=240, description="new total investigation term, from the opening"
    )


def _apply_extend(event: Event, data: dict[str, Any]) -> None:
    if "months" in data:
        _move(event, {"investigation_months": data["months"]})
    else:
        _move(event, {"check_extended_days": data["check_days"]})


@act_kind(
    "registry.term.extend",
    schema=ExtendIn,
    roles=("prosecutor",),
    legal_basis="CPC 153(3), 162(4)-(5)",
    apply=_apply_extend,
    title="Extend the check or the investigation term",
)
def extend_term(ctx: Context) -> dict[str, Any]:
    """Records a prosecutor's extension: of the pre-investigation check to 20 days (CPC 153(3),
    no months given), or of the investigation to a new total of months from the opening, within
    the prosecutor's competence — district or city prosecutor 4 months, oblast and Bishkek / Osh
    city prosecutor 6, Deputy Prosecutor General 9, beyond that the Prosecutor General (162(4)-
    (5)); suspended time is excluded (162(3))."""
    case = _case(ctx)
    require_stage(case, ("pre_investigation", "investigation"), gettext_noop("An extension"))
    months = ctx.input.months
    if case.stage == "pre_investigation":
        if months is not None:
            raise Invalid(
                say(
                    "During the pre-investigation check only the check is extended, to 20 days "
                    "(CPC 153(3)); leave out months."
                ),
                fields={"months": gettext_noop("not during the check")},
            )
        if case.details.get("check_extended_days"):
            raise Conflict(
                say("The check has already been extended to 20 days, the most CPC 153(3) allows.")
            )
        return {"check_days": CHECK_EXTENDED_DAYS}
    if months is None:
        raise Invalid(
            say("Give the new total term in months."), fields={"months": gettext_noop("required")}
        )
    if case.details.get("returned"):
        raise Conflict(
            say(
                "The case is back for additional investigation, whose term of at most one month "
                "is set by the prosecutor's return (CPC 262(3)); it is not extended."
            )
        )
    current = case.details.get("investigation_months") or (
        1 if case.category == "minor_gravity" else 2
    )
    if months <= current:
        raise Conflict(
            say(
                "The investigation term is already %(current)s months; an extension must set a "
                "longer total.",
                current=current,
            )
        )
    level = ctx.user.unit.level
    if months > EXTENSION_LIMITS.get(level, 0):
        refusal = EXTENSION_REFUSALS.get(level) or say("Your office may not extend this term.")
        raise Conflict(refusal)
    return {"months": months, "previous": current}


# --- the indictment -----------------------------------------------------------------------------


class NoInput(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


class ApproveIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court: str = pydantic.Field(min_length=1, max_length=32, description="court unit code")


class ReturnIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    reasons: Text


def _apply_submit(event: Event, data: dict[str, Any]) -> None:
    _move(event, drop=("returned",), stage="prosecution")


@act_kind(
    "registry.indictment.submit",
    schema=NoInput,
    roles=("investigator",),
    legal_basis="CPC 250, 256",
    apply=_apply_submit,
    title="Send the case with the indictment to the prosecutor",
)
def submit_indictment(ctx: Context) -> dict[str, Any]:
    """Records that the investigation is finished with an indictment and the case goes to the
    prosecutor (CPC 250, 256(6)), who reviews it within 5 days (261). There is no indictment
    without an accused."""
    case = _case(ctx)
    require_stage(case, ("investigation",), gettext_noop("An indictment"))
    require_assigned(ctx, gettext_noop("submit the indictment"))
    require_running(case, gettext_noop("submit the indictment"))
    accused = sorted(set(_active(case, kind="charge").values_list("person_id", flat=True)))
    if not accused:
        raise Conflict(say("No indictment without an accused: charge at least one person first."))
    return {"accused": accused}


def _apply_approve(event: Event, data: dict[str, Any]) -> None:
    case = _move(event, stage="trial", court_id=data["court"])
    CaseUnit.objects.get_or_create(case=case, unit_id=data["court"], capacity="court")


@act_kind(
    "registry.indictment.approve",
    schema=ApproveIn,
    roles=("prosecutor",),
    legal_basis="CPC 262(1), 263",
    apply=_apply_approve,
    title="Approve the indictment and send the case to court",
)
def approve_indictment(ctx: Context) -> dict[str, Any]:
    """Records the prosecutor's approval of the indictment and the sending of the case to the
    court named (CPC 262(1), 263); the case is then at trial."""
    require_stage(_case(ctx), ("prosecution",), gettext_noop("Approving the indictment"))
    court = Unit.objects.filter(code=ctx.input.court, kind="court").first()
    if court is None:
        raise Invalid(
            say(
                "%(court)s is not a court of first instance; see /api/v1/directory/courts.",
                court=ctx.input.court,
            ),
            fields={"court": gettext_noop("not a court")},
        )
    return {"court": court.code}


def _apply_return(event: Event, data: dict[str, Any]) -> None:
    _move(event, {"returned": iso(event.recorded_at)}, stage="investigation")


@act_kind(
    "registry.indictment.return",
    schema=ReturnIn,
    roles=("prosecutor",),
    legal_basis="CPC 262(3)",
    apply=_apply_return,
    title="Return the case for additional investigation",
)
def return_indictment(ctx: Context) -> dict[str, Any]:
    """Records that the prosecutor returns the case to the investigator with written directions
    for additional investigative steps, for at most one month (CPC 262(3))."""
    require_stage(_case(ctx), ("prosecution",), gettext_noop("Returning the indictment"))
    return {"reasons": ctx.input.reasons}


# --- copies to the prosecutor -------------------------------------------------------------------


class CopyIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    document: Literal["opening_decision", "detention_record"]
    person: PersonId | None = pydantic.Field(
        default=None, description="the detainee, for a detention record"
    )


def _apply_copy(event: Event, data: dict[str, Any]) -> None:
    case = case_of(event)
    copies = [*case.details.get("copies_to_prosecutor", []), data]
    _move(event, {"copies_to_prosecutor": copies})


@act_kind(
    "registry.copy.send",
    schema=CopyIn,
    roles=("investigator",),
    legal_basis="CPC 97(4), 156(3)",
    apply=_apply_copy,
    title="Send a copy to the prosecutor",
)
def send_copy(ctx: Context) -> dict[str, Any]:
    """Records that a copy went to the supervising prosecutor: of the decision to open the case
    within 24 hours (CPC 156(3)), or of a detention record within 12 hours (CPC 97(4))."""
    case = _case(ctx)
    require_assigned(ctx, gettext_noop("send copies in it"))
    if ctx.input.document == "opening_decision":
        if not case.article:
            raise Conflict(say("The case has not been opened; there is no decision to copy yet."))
        return {"document": "opening_decision", "person": None}
    if not ctx.input.person:
        raise Invalid(
            say("Say whose detention record is copied."),
            fields={"person": gettext_noop("required")},
        )
    detained = Deadline.objects.filter(
        case=case, rule="detention.record_to_prosecutor", subject=ctx.input.person
    ).exists()
    if not detained:
        raise Conflict(say("This person has no detention record in this case."))
    return {"document": "detention_record", "person": ctx.input.person}
