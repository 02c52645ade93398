"""Intake: a case sent to court is registered there at once (CPC 277).

The prosecutor's approval of the indictment sends the case to the court named in it (CPC 262(1),
263); in the same transaction the court registers it (`courts.case.register`): the court case
keeps the national case number and gets the court's own number, `<court>-<yy>-<nnnnnn>-<check>`
(gap-free per court and year, Damm check digit over the year and sequence digits, as the case
numbers of the register). The judge's five days to decide on the case start then (CPC 277(3),
rule `court.intake_decision`), as does the trial term (283(2)); the judge is drawn at once
(`icjis.courts.assignment`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.core import numbering
from icjis.core.acts import Context, Reaction, act_kind, reaction
from icjis.core.models import Case, CaseUnit, Event, NumberCounter, Unit
from icjis.core.refusals import Conflict, Invalid, say
from icjis.courts.assignment import SEATS, is_closed, redraw
from icjis.courts.context import case_in
from icjis.courts.models import CourtCase
from icjis.legal.counting import local_date

INSTANCE = {"court": "first", "appeal_court": "appeal"}
# CPC chapter 45 (trial with jurors) is suspended until 1 January 2035 (Law of 19.02.2025
# No. 40): every first-instance case is heard by a judge sitting alone (CPC 29(2)).
JURY_TRIALS = False


def court_number(court: str, year: int, seq: int) -> str:
    """`GB-SUD-26-000123-4`: the court, the year, the court's sequence number, a check digit."""
    digits = f"{year % 100:02d}{seq:06d}"
    return f"{court}-{digits[:2]}-{digits[2:]}-{numbering.damm(digits)}"


def take_court_number(court: Unit, year: int) -> tuple[str, int]:
    """The court's next number for `year`, taken under a row lock in the act's transaction so a
    refused registration leaves no gap (the same counter table as the register's numbers)."""
    NumberCounter.objects.bulk_create([NumberCounter(unit=court, year=year)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(unit=court, year=year)
    seq = counter.last + 1
    if seq > 999_999:
        raise Conflict(
            say("%(court)s has used every court number of %(year)s.", court=court.code, year=year)
        )
    return court_number(court.code, year, seq), seq


class RegisterIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court: str = pydantic.Field(min_length=1, max_length=32, description="court unit code")


def _apply_register(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = Case.objects.get(number=event.stream.removeprefix("case/"))
    CourtCase.objects.create(
        id=data["court_case"],
        case=case,
        court_id=data["court"],
        instance=data["instance"],
        registered_at=event.recorded_at,
        jury=data["jury"],
        state="registered",
    )
    numbering.note_number(data["court"], data["year"], data["seq"])
    capacity = "appeal_court" if data["instance"] == "appeal" else "court"
    CaseUnit.objects.get_or_create(case=case, unit_id=data["court"], capacity=capacity)
    details = dict(case.details)
    details["appeal_court_case" if data["instance"] == "appeal" else "court_case"] = data[
        "court_case"
    ]
    if data["jury"]:
        details["jury"] = True  # the rule pack's `jury` fact
    Case.objects.filter(pk=case.pk).update(details=details, last_movement_at=event.recorded_at)
    return {"court_case": data["court_case"], "court": data["court"]}


def _draw_after_register(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    yield redraw(data["court_case"], "intake", [])


def _register(ctx: Context, kind: str) -> dict[str, Any]:
    case = case_in(ctx)
    court = Unit.objects.filter(code=ctx.input.court, kind=kind).first()
    if court is None:
        if kind == "court":
            message = say("%(court)s is not a court of first instance.", court=ctx.input.court)
        else:
            message = say("%(court)s is not an appeal court.", court=ctx.input.court)
        raise Invalid(message, fields={"court": gettext_noop("not such a court")})
    instance = INSTANCE[kind]
    if instance == "first" and (case.stage != "trial" or case.court_id != court.code):
        raise Conflict(say("The case has not been sent to %(court)s for trial.", court=court.code))
    open_here = [
        c for c in CourtCase.objects.filter(case=case, instance=instance) if not is_closed(c)
    ]
    if open_here:
        raise Conflict(
            say(
                "The case is already before the court as %(court_case)s.",
                court_case=open_here[0].pk,
            )
        )
    year = local_date(ctx.now).year
    number, seq = take_court_number(court, year)
    return {
        "court": court.code,
        "court_case": number,
        "year": year,
        "seq": seq,
        "instance": instance,
        "seats": SEATS[instance],
        "jury": JURY_TRIALS and instance == "first",
        "category": case.category or None,
    }


@act_kind(
    "courts.case.register",
    schema=RegisterIn,
    roles=("system",),
    legal_basis="CPC 263, 277",
    apply=_apply_register,
    reactions=(_draw_after_register,),
    title="Register a case received by the court",
)
def register_case(ctx: Context) -> dict[str, Any]:
    """Records the registration of a case received by a court of first instance — at the moment
    the prosecutor sends it (CPC 263) — with the court's own number beside the national case
    number. The judge, drawn at once, sits alone (CPC 29(2)) and decides on it within 5 days
    (277(1), (3)); the trial term runs from now (283(2))."""
    return _register(ctx, "court")


@act_kind(
    "courts.appeal.register",
    schema=RegisterIn,
    roles=("system",),
    legal_basis="CPC 29(1), (4), 405(2), 410(1)",
    apply=_apply_register,
    reactions=(_draw_after_register,),
    title="Register a case received by the appeal court",
)
def register_appeal(ctx: Context) -> dict[str, Any]:
    """Records the registration of a case the court of first instance sends up with an appeal
    (CPC 405(2)), with the appeal court's own number, and draws its panel of three judges
    (29(4), 410(1): the president's choice of the panel made by the automated system, 29(1));
    the first drawn presides; a judge who sat in the case at first instance is never drawn
    (64(2)). A reaction for the act that sends an appeal up; it starts none of the
    first-instance terms."""
    return _register(ctx, "appeal_court")


@reaction("registry.indictment.approve")
def register_in_court(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """The court registers the case the prosecutor sent it, in the same transaction."""
    yield Reaction("courts.case.register", {"court": data["court"]})
