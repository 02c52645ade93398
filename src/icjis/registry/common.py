"""Shared preconditions and projection helpers of the register's procedural acts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import pydantic
from django.db.models import QuerySet

from icjis.core.acts import Context
from icjis.core.models import Case, CaseOfficer, CaseParticipant, Event
from icjis.core.refusals import Conflict, Forbidden, Invalid
from icjis.legal.catalogues import CatalogueError, lookup
from icjis.registry.acts import CRIMINAL_CODES, case_of
from icjis.registry.models import Charge

STAGE_NAMES = {
    "registered": "registered, not yet assigned",
    "pre_investigation": "under the pre-investigation check",
    "investigation": "under investigation",
    "prosecution": "with the prosecutor for the indictment",
    "trial": "at trial",
    "appeal": "on appeal",
    "execution": "in execution",
}
DEFENDANT_ROLES = ("suspect", "accused")
INVESTIGATIVE_UNIT_KINDS = frozenset({"police", "investigation"})
# CPC 162(4)-(5): the longest total investigation term each level of prosecutor may set.
EXTENSION_LIMITS = {"district": 4, "region": 6, "national": 9}
EXTENSION_REFUSALS = {
    "district": "A district prosecutor may extend the investigation to at most 4 months; "
    "ask the prosecutor of the oblast or city.",
    "region": "An oblast or city prosecutor may extend the investigation to at most 6 months; "
    "ask a Deputy Prosecutor General (CPC 162(5)).",
    "national": "A Deputy Prosecutor General may extend the investigation to at most 9 months; "
    "beyond that only the Prosecutor General may, within the limitation period (CPC 162(5)).",
}
CHECK_EXTENDED_DAYS = 20  # CPC 153(3)

Text = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)
]
PersonId = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=16)
]


# --- shared preconditions and projection helpers ------------------------------------------------


def _case(ctx: Context) -> Case:
    assert ctx.case is not None
    return ctx.case


def require_stage(case: Case, allowed: Iterable[str], what: str) -> None:
    """Refuse unless the case is at one of the `allowed` stages; for a closed case, say how it
    closed and whether a prosecutor's reopening can bring it back."""
    allowed = tuple(allowed)
    if case.stage in allowed:
        return
    if case.stage == "closed":
        decision = case.details.get("decision", "closed")
        if decision == "joined":
            raise Conflict(
                f"The case was joined into case {case.details.get('joined_into')}; "
                "record this in that case."
            )
        if decision in ("refused", "terminated"):
            raise Conflict(
                f"The case is closed ({decision}); nothing more can be recorded in it unless a "
                "prosecutor reopens it."
            )
        raise Conflict(f"The case is closed ({decision}); nothing more can be recorded in it.")
    wanted = " or ".join(STAGE_NAMES.get(s, s) for s in allowed)
    now = STAGE_NAMES.get(case.stage, case.stage)
    raise Conflict(f"{what} needs a case {wanted}; this one is {now}.")


def require_assigned(ctx: Context, what: str) -> None:
    """An investigator acts only on cases assigned to them (a prosecutor by supervision)."""
    if ctx.actor.role != "investigator":
        return
    if not CaseOfficer.objects.filter(
        case=_case(ctx), role="investigator", username=ctx.user.username
    ).exists():
        raise Forbidden(
            f"Only the investigator assigned to this case may {what}; ask the head of the unit "
            "to assign it to you."
        )


def require_running(case: Case, what: str) -> None:
    if case.details.get("suspended"):
        raise Conflict(f"The investigation is suspended; resume it before you {what}.")


def _participant(case: Case, person: str) -> set[str]:
    roles = set(
        CaseParticipant.objects.filter(case=case, person_id=person).values_list("role", flat=True)
    )
    if not roles:
        raise Invalid(
            f"{person} is not a participant of this case; add the person first "
            "(registry.participant.add).",
            fields={"person": "not in the case"},
        )
    return roles


def _active(case: Case, person: str | None = None, kind: str | None = None) -> QuerySet[Charge]:
    """The charges and suspicions in force in the case (of one person, of one kind)."""
    rows = Charge.objects.filter(case=case, ended_at__isnull=True)
    if person is not None:
        rows = rows.filter(person_id=person)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return rows.order_by("start_seq", "person_id", "article")


def _charge_record(row: Charge) -> dict[str, Any]:
    keys = ("kind", "article", "part", "code", "category")
    return {"person": row.person_id, **{k: getattr(row, k) for k in keys}}


def qualify(case: Case, article: str, part: int | None) -> dict[str, Any]:
    """An article (and part) of the criminal code that applies to the case, from its catalogue."""
    code = case.criminal_code or CRIMINAL_CODES.get(case.legislation_set, "kg-cc-2021")
    try:
        offence = lookup(code, article, part)
    except CatalogueError as exc:
        raise Invalid(str(exc), fields={"article": "not in the code"}) from None
    if offence.repealed:
        raise Invalid(
            f"Article {offence.article} of {code} is repealed.", fields={"article": "repealed"}
        )
    if offence.part is None and len(offence.parts) > 1:
        raise Invalid(
            f"Article {offence.article} has parts {', '.join(p or '' for p in offence.parts)}; "
            "say which.",
            fields={"part": "required for this article"},
        )
    return {
        "article": offence.article,
        "part": int(offence.part) if offence.part and offence.part.isdigit() else part,
        "code": code,
        "category": offence.category or "",
        "title": offence.title,
    }


def _start_charge(event: Event, case: Case, kind: str, person: str, q: dict[str, Any]) -> None:
    Charge.objects.create(
        case=case,
        person_id=person,
        kind=kind,
        article=q["article"],
        part=q["part"],
        code=q["code"],
        category=q["category"] or "",
        since=event.recorded_at,
        start_seq=event.seq,
    )


def _move(
    event: Event, changes: dict[str, Any] | None = None, drop: Iterable[str] = (), **fields: Any
) -> Case:
    """Update the case header (stage, details …) and its last movement, from one event."""
    case = case_of(event)
    details = {k: v for k, v in case.details.items() if k not in set(drop)}
    details.update(changes or {})
    Case.objects.filter(pk=case.pk).update(
        details=details, last_movement_at=event.recorded_at, **fields
    )
    return case


class GroundsIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    grounds: Text
