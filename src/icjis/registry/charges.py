"""Suspicion (CPC 43), charge (CPC 240-243) and requalification (CPC 245, 262(2))."""

from __future__ import annotations

from typing import Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.models import CaseParticipant, Event
from icjis.core.refusals import Conflict, Invalid, say
from icjis.legal.catalogues import CATEGORIES
from icjis.registry.common import (
    PersonId,
    _active,
    _case,
    _move,
    _participant,
    _start_charge,
    qualify,
    require_assigned,
    require_running,
    require_stage,
)

# --- suspicion, charge, requalification ---------------------------------------------------------


class PersonIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId = pydantic.Field(description="person id")


class ChargeIn(PersonIn):
    article: str = pydantic.Field(min_length=1, max_length=16, description="e.g. 205 or 152-1")
    part: int | None = pydantic.Field(default=None, ge=1, le=20)


class Qualification(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    article: str = pydantic.Field(min_length=1, max_length=16)
    part: int | None = pydantic.Field(default=None, ge=1, le=20)


class RequalifyIn(ChargeIn):
    replaces: Qualification | None = pydantic.Field(
        default=None, description="the charge replaced, when the person has several"
    )


def _apply_suspicion(event: Event, data: dict[str, Any]) -> None:
    case = _move(event)
    _start_charge(event, case, "suspicion", data["person"], data)
    CaseParticipant.objects.get_or_create(
        case=case, person_id=data["person"], role="suspect", defaults={"since": event.recorded_at}
    )


@act_kind(
    "registry.suspicion.notify",
    schema=PersonIn,
    roles=("investigator",),
    legal_basis="CPC 43(1), 44",
    apply=_apply_suspicion,
    title="Notify a person of suspicion",
)
def notify_suspicion(ctx: Context) -> dict[str, Any]:
    """Records that a participant of an opened case is a suspect under the case's qualification,
    and has been told so and of the rights of a suspect (CPC 43(1), 44)."""
    case = _case(ctx)
    require_stage(case, ("investigation",), gettext_noop("A notice of suspicion"))
    require_assigned(ctx, gettext_noop("notify suspicion"))
    require_running(case, gettext_noop("notify suspicion"))
    person = ctx.input.person
    _participant(case, person)
    if _active(case, person).exists():
        raise Conflict(
            say("%(person)s is already a suspect or accused in this case.", person=person)
        )
    return {
        "person": person,
        "article": case.article,
        "part": case.article_part,
        "code": case.criminal_code,
        "category": case.category,
    }


def _apply_charge(event: Event, data: dict[str, Any]) -> None:
    case = _move(event)
    person = data["person"]
    _active(case, person, "suspicion").update(ended_at=event.recorded_at)
    _start_charge(event, case, "charge", person, data)
    # CPC 43(3): charged, the person is no longer a suspect but the accused.
    CaseParticipant.objects.filter(case=case, person_id=person, role="suspect").delete()
    CaseParticipant.objects.get_or_create(
        case=case, person_id=person, role="accused", defaults={"since": event.recorded_at}
    )


@act_kind(
    "registry.charge",
    schema=ChargeIn,
    roles=("investigator",),
    legal_basis="CPC 240-243",
    apply=_apply_charge,
    title="Charge a person",
)
def charge_person(ctx: Context) -> dict[str, Any]:
    """Records the decision to charge a participant as the accused under an article (and part)
    of the criminal code that applies to the case; the date, time and qualification go into the
    register at once (CPC 240(2), 241, 243). A charge under a further article adds to it
    (241(2)); a changed qualification is a requalification."""
    case = _case(ctx)
    require_stage(case, ("investigation",), gettext_noop("A charge"))
    require_assigned(ctx, gettext_noop("charge a person"))
    require_running(case, gettext_noop("charge a person"))
    person = ctx.input.person
    _participant(case, person)
    q = qualify(case, ctx.input.article, ctx.input.part)
    if _active(case, person, "charge").filter(article=q["article"], part=q["part"]).exists():
        raise Conflict(
            say(
                "%(person)s is already charged under article %(article)s in this case; "
                "to change the qualification use registry.charge.requalify.",
                person=person,
                article=q["article"],
            )
        )
    return {"person": person, **q}


def _apply_requalify(event: Event, data: dict[str, Any]) -> None:
    case = _move(event)
    old = data["replaces"]
    _active(case, data["person"], "charge").filter(article=old["article"], part=old["part"]).update(
        ended_at=event.recorded_at
    )
    _start_charge(event, case, "charge", data["person"], data)


@act_kind(
    "registry.charge.requalify",
    schema=RequalifyIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 245(1), 262(2)",
    apply=_apply_requalify,
    title="Requalify a charge",
)
def requalify_charge(ctx: Context) -> dict[str, Any]:
    """Records a new qualification of an accused's charge, which replaces the old one: by the
    investigator during the investigation with a new decision to charge (CPC 245(1)), or by the
    prosecutor reviewing the indictment, only towards a milder one (262(2))."""
    case = _case(ctx)
    prosecutor = ctx.actor.role == "prosecutor"
    allowed = ("prosecution",) if prosecutor else ("investigation",)
    require_stage(case, allowed, gettext_noop("A requalification"))
    require_assigned(ctx, gettext_noop("requalify a charge"))
    require_running(case, gettext_noop("requalify a charge"))
    person = ctx.input.person
    charges = list(_active(case, person, "charge"))
    if not charges:
        raise Conflict(
            say("%(person)s is not charged in this case; charge the person first.", person=person)
        )
    if ctx.input.replaces is not None:
        wanted = ctx.input.replaces
        charges = [
            c for c in charges if c.article == wanted.article and c.part in (wanted.part, None)
        ]
        if not charges:
            raise Invalid(
                say(
                    "%(person)s has no charge under article %(article)s.",
                    person=person,
                    article=wanted.article,
                ),
                fields={"replaces": gettext_noop("no such charge")},
            )
    elif len(charges) > 1:
        raise Invalid(
            say(
                "%(person)s is charged under several articles; say which one is replaced.",
                person=person,
            ),
            fields={"replaces": gettext_noop("required")},
        )
    old = charges[0]
    q = qualify(case, ctx.input.article, ctx.input.part)
    if (q["article"], q["part"]) == (old.article, old.part):
        raise Conflict(say("The new qualification is the same as the charge it would replace."))
    graver = (
        q["category"]
        and old.category
        and (CATEGORIES.index(q["category"]) > CATEGORIES.index(old.category))
    )
    if prosecutor and graver:
        raise Conflict(
            say(
                "Reviewing the indictment, a prosecutor may requalify only towards a milder "
                "offence (CPC 262(2)); return the case for a new charge instead."
            )
        )
    return {"person": person, **q, "replaces": {"article": old.article, "part": old.part}}
