"""Shared preconditions and projection helpers of the register's procedural acts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

import pydantic
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from icjis.core.acts import Context
from icjis.core.models import Case, CaseOfficer, CaseParticipant, Event
from icjis.core.refusals import Conflict, Forbidden, Invalid, joined, say
from icjis.legal.articles import refuse_unknown
from icjis.legal.catalogues import CatalogueError, lookup
from icjis.registry.acts import CRIMINAL_CODES, case_of
from icjis.registry.models import Charge

# A stage as a refusal names it ("… needs a case under investigation"); marked, so that a page
# says it in the reader's language.
STAGE_NAMES = {
    "registered": gettext_noop("registered, not yet assigned"),
    "pre_investigation": gettext_noop("under the pre-investigation check"),
    "investigation": gettext_noop("under investigation"),
    "prosecution": gettext_noop("with the prosecutor for the indictment"),
    "trial": gettext_noop("at trial"),
    "appeal": gettext_noop("on appeal"),
    "execution": gettext_noop("in execution"),
}
DEFENDANT_ROLES = ("suspect", "accused")
INVESTIGATIVE_UNIT_KINDS = frozenset({"police", "investigation"})
# CPC 162(4)-(5): the longest total investigation term each level of prosecutor may set.
EXTENSION_LIMITS = {"district": 4, "region": 6, "national": 9}
EXTENSION_REFUSALS = {
    "district": say(
        "A district prosecutor may extend the investigation to at most 4 months; "
        "ask the prosecutor of the oblast or city."
    ),
    "region": say(
        "An oblast or city prosecutor may extend the investigation to at most 6 months; "
        "ask a Deputy Prosecutor General (CPC 162(5))."
    ),
    "national": say(
        "A Deputy Prosecutor General may extend the investigation to at most 9 months; "
        "beyond that only the Prosecutor General may, within the limitation period (CPC 162(5))."
    ),
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
    closed and whether a prosecutor's reopening can bring it back. `what` names the act, marked
    for translation where it is written ("A charge")."""
    allowed = tuple(allowed)
    if case.stage in allowed:
        return
    refuse_closed(case)
    raise Conflict(
        say(
            "%(what)s needs a case %(wanted)s; this one is %(now)s.",
            what=what,
            wanted=joined(
                [STAGE_NAMES.get(s, s) for s in allowed],
                lambda first, rest: say("%(first)s or %(rest)s", first=first, rest=rest),
            ),
            now=STAGE_NAMES.get(case.stage, case.stage),
        )
    )


def refuse_closed(case: Case) -> None:
    """Refuse if the case is closed, saying how it closed and whether a prosecutor's reopening
    can bring it back."""
    if case.stage != "closed":
        return
    decision = case.details.get("decision", "closed")
    if decision == "joined":
        raise Conflict(
            say(
                "The case was joined into case %(number)s; record this in that case.",
                number=case.details.get("joined_into"),
            )
        )
    if decision == "refused":
        raise Conflict(
            say(
                "The case is closed (refused); nothing more can be recorded in it unless a "
                "prosecutor reopens it."
            )
        )
    if decision == "terminated":
        raise Conflict(
            say(
                "The case is closed (terminated); nothing more can be recorded in it unless a "
                "prosecutor reopens it."
            )
        )
    if decision == "closed":
        raise Conflict(say("The case is closed (closed); nothing more can be recorded in it."))
    raise Conflict(
        say(
            "The case is closed (%(decision)s); nothing more can be recorded in it.",
            decision=decision,
        )
    )


def require_assigned(ctx: Context, what: str) -> None:
    """An investigator acts only on cases assigned to them (a prosecutor by supervision)."""
    if ctx.actor.role != "investigator":
        return
    if not CaseOfficer.objects.filter(
        case=_case(ctx), role="investigator", username=ctx.user.username
    ).exists():
        raise Forbidden(
            say(
                "Only the investigator assigned to this case may %(what)s; ask the head of the "
                "unit to assign it to you.",
                what=what,
            )
        )


def require_running(case: Case, what: str) -> None:
    if case.details.get("suspended"):
        raise Conflict(
            say("The investigation is suspended; resume it before you %(what)s.", what=what)
        )


def _participant(case: Case, person: str) -> set[str]:
    roles = set(
        CaseParticipant.objects.filter(case=case, person_id=person).values_list("role", flat=True)
    )
    if not roles:
        raise Invalid(
            say(
                "%(person)s is not a participant of this case; add the person first "
                "(registry.participant.add).",
                person=person,
            ),
            fields={"person": gettext_noop("not in the case")},
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
        refuse_unknown(code, article, part, exc)
    if offence.repealed:
        raise Invalid(
            say("Article %(article)s of %(code)s is repealed.", article=offence.article, code=code),
            fields={"article": gettext_noop("repealed")},
        )
    if offence.part is None and len(offence.parts) > 1:
        raise Invalid(
            say(
                "Article %(article)s has parts %(parts)s; say which.",
                article=offence.article,
                parts=", ".join(p or "" for p in offence.parts),
            ),
            fields={"part": gettext_noop("required for this article")},
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
