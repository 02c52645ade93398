"""Acts of forensic expertise (module D): the order, the assignment of experts, the opinion.

The investigator (the court at trial) orders an expertise by a decision stating its kind, the
grounds, the questions, the objects sent — evidence items of the case — and the person examined,
and the laboratory that is to perform it (CPC 179(1)), with the term the investigator sets (the
Code fixes none). The act assigns the experts at once, as the head of the laboratory would
(CPC 184(4)): among the laboratory's experts of the kind needed, the least loaded with open
expertises, ties broken by name; the candidates and their loads are recorded in the event, so
anyone can re-check the choice. A commission needs two experts of one kind or more (three for
a psychiatric one: CPC 187(1)-(2)); a complex expertise one expert of each kind (CPC 188).
Each assigned expert becomes an officer of the case ("expert"), reads its part of the file
(`core.visibility`) and may receive the items sent.

One of the experts writes the opinion in the system (CPC 193(1)-(2): the research and an answer
to every question); every member of a commission signs it, agreeing or with a separate opinion
(CPC 187(4)-(5), 188(4)). An expert may instead return the order unexecuted, with the reason
(CPC 184(5), 193(6)). The investigator may extend the term. The term is the rule
`forensics.opinion` of the rule pack.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.alerts import answer
from icjis.core.models import Case, CaseOfficer, CaseParticipant, Event, Unit
from icjis.core.refusals import Conflict, Forbidden, Invalid, say
from icjis.core.units import unit_covering
from icjis.evidence.models import Item
from icjis.forensics import media
from icjis.forensics.models import KINDS, OPEN, Assignment, Expert, Expertise
from icjis.registry.acts import case_of
from icjis.registry.common import require_assigned
from icjis.registry.filings import FILING_ID
from icjis.registry.models import Filing
from icjis.registry.torture import TORTURE_ALERT

PRE_TRIAL = ("pre_investigation", "investigation")
ORDER_STAGES = (*PRE_TRIAL, "trial")
"""An expertise is ordered before a case is opened (CPC 150(3)) or in the investigation — by the
investigator, the prosecutor or the investigating judge —, or by the court at trial (CPC 179(1),
331)."""
ORDERS = ("investigator", "prosecutor", "investigating_judge", "judge")
LAB_KIND = "forensic_lab"
Kind = Literal[KINDS]  # type: ignore[valid-type]
MIN_COMMISSION = 2
MIN_PSYCHIATRIC_COMMISSION = 3


def _expertise(ctx: Context, expertise_id: str, states: tuple[str, ...] = OPEN) -> Expertise:
    assert ctx.case is not None
    found = Expertise.objects.select_for_update().filter(pk=expertise_id, case=ctx.case).first()
    if found is None:
        raise Invalid(
            say("There is no expertise %(expertise)s in this case.", expertise=expertise_id),
            fields={"expertise": gettext_noop("not in the case")},
        )
    if found.state not in states:
        if found.state == "done":
            message = say("The opinion of expertise %(expertise)s is given.", expertise=found.id)
        elif found.state == "declined":
            message = say("Expertise %(expertise)s was returned unexecuted.", expertise=found.id)
        else:
            message = say(
                "The opinion of expertise %(expertise)s awaits its experts' signatures.",
                expertise=found.id,
            )
        raise Conflict(message)
    return found


def _assigned(ctx: Context, expertise: Expertise) -> Assignment:
    found = expertise.assignments.filter(expert=ctx.actor.username).first()
    if found is None:
        raise Forbidden(
            say("You are not an expert of expertise %(expertise)s.", expertise=expertise.id)
        )
    return found


# --- the order ----------------------------------------------------------------------------------


class Order(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    kind: Kind
    form: Literal["single", "commission", "complex"] = "single"
    experts: int = pydantic.Field(
        default=1, ge=1, le=7, description="the number of experts of a commission"
    )
    also: list[Kind] = pydantic.Field(
        default_factory=list,
        max_length=4,
        description="the other kinds of a complex expertise",
    )
    grounds: str = pydantic.Field(min_length=3, max_length=4000)
    questions: list[pydantic.constr(min_length=3, max_length=1000)] = pydantic.Field(  # type: ignore[valid-type]
        min_length=1, max_length=20
    )
    items: list[pydantic.constr(min_length=4, max_length=48)] = pydantic.Field(  # type: ignore[valid-type]
        default_factory=list, max_length=50, description="evidence items sent for examination"
    )
    person: str | None = pydantic.Field(
        default=None,
        min_length=1,
        max_length=16,
        description="the person examined (a participant's id)",
    )
    lab: str | None = pydantic.Field(
        default=None,
        max_length=32,
        description="the forensic laboratory; by default the one of the case's region",
    )
    days: int = pydantic.Field(ge=1, le=90, description="the term for the opinion, in days")
    motion: str | None = pydantic.Field(
        default=None,
        pattern=FILING_ID,
        max_length=48,
        title="Party's motion",
        description="the party's motion for the expertise, granted, that this order carries out "
        "(CPC 182(6): the investigating judge's order names it)",
    )


def _granted_motion(ctx: Context, motion_id: str | None) -> str | None:
    """The motion for an expertise an order carries out: granted, wholly or in part, by the
    official now ordering (their role its addressee), and ordered once. The investigating judge
    orders an expertise only on a motion they granted (CPC 182(6))."""
    assert ctx.case is not None
    role = ctx.actor.role
    if motion_id is None:
        if role == "investigating_judge":
            raise Invalid(
                say(
                    "The investigating judge orders an expertise on a party's motion they "
                    "granted (CPC 182(6)): name the motion."
                ),
                fields={"motion": gettext_noop("required")},
            )
        return None
    motion = Filing.objects.filter(
        pk=motion_id,
        case=ctx.case,
        kind="motion",
        subject="expertise",
        addressee=role,
        outcome__in=("granted", "partly_granted"),
    ).first()
    if motion is None:
        raise Invalid(
            say(
                "%(motion)s is no motion for an expertise in this case that you granted.",
                motion=motion_id,
            ),
            fields={"motion": gettext_noop("not granted")},
        )
    # One expertise in force on each motion; one returned unexecuted (CPC 184(5)) is ordered again.
    earlier = (
        Expertise.objects.filter(case=ctx.case, motion=motion.id).exclude(state="declined").first()
    )
    if earlier is not None:
        raise Conflict(
            say(
                "Expertise %(expertise)s was already ordered on motion %(motion)s.",
                expertise=earlier.id,
                motion=motion.id,
            )
        )
    return motion.id


def _lab(case: Case, given: str | None) -> Unit:
    """The laboratory named, or the one whose territory holds the case most closely."""
    if given is not None:
        found = Unit.objects.filter(code=given, kind=LAB_KIND).first()
        if found is None:
            raise Invalid(
                say("%(lab)s is not a forensic laboratory.", lab=given),
                fields={"lab": gettext_noop("unknown")},
            )
        return found
    covering = unit_covering(case.territory_path, LAB_KIND)
    if covering is None:
        raise Invalid(
            say("No forensic laboratory serves this case's territory; name one."),
            fields={"lab": gettext_noop("required")},
        )
    return covering


def _needs(data: Order) -> list[str]:
    """The specialisation of each expert the expertise needs, in order."""
    if data.form == "single":
        return [data.kind]
    if data.form == "commission":
        least = MIN_PSYCHIATRIC_COMMISSION if data.kind == "psychiatric" else MIN_COMMISSION
        if data.experts < least:
            raise Invalid(
                say("A commission of this kind needs at least %(n)s experts.", n=least),
                fields={"experts": gettext_noop("too few")},
            )
        return [data.kind] * data.experts
    kinds = list(dict.fromkeys([data.kind, *data.also]))
    if len(kinds) < 2:  # noqa: PLR2004 - a complex expertise joins two fields or more
        raise Invalid(
            say("A complex expertise joins experts of two kinds or more."),
            fields={"also": gettext_noop("too few")},
        )
    return kinds


def choose_experts(lab: Unit, needs: list[str]) -> tuple[list[dict[str, Any]], list[dict]]:
    """The experts for `needs`, one per entry: among the laboratory's active experts of that
    specialisation not yet chosen, the least loaded with open expertises, ties broken by name.
    Returns the choice and every candidate with their load (recorded, so it can be re-checked).

    The laboratory's experts are locked first, so that two orders in different cases (each
    holding only its own case's lock) cannot both count the same loads and choose the same
    expert: the second waits for the first to commit, then counts its assignment."""
    experts = list(
        Expert.objects.select_for_update().filter(lab=lab, active=True).order_by("user_id")
    )
    loads = Counter(
        Assignment.objects.filter(
            expert__in=[e.user_id for e in experts], expertise__state__in=OPEN
        ).values_list("expert", flat=True)
    )
    candidates = [
        {"expert": e.user_id, "load": loads[e.user_id], "specialisations": e.specialisations}
        for e in experts
    ]
    chosen: list[dict[str, Any]] = []
    for need in needs:
        free = [
            c
            for c in candidates
            if need in c["specialisations"] and c["expert"] not in {x["expert"] for x in chosen}
        ]
        if not free:
            raise Conflict(
                say(
                    "%(lab)s has not enough experts of this kind free (%(kind)s); order the "
                    "expertise from another laboratory.",
                    lab=lab.code,
                    kind=need,
                )
            )
        best = min(free, key=lambda c: (c["load"], c["expert"]))
        chosen.append({"expert": best["expert"], "specialisation": need, "load": best["load"]})
    return chosen, candidates


def _apply_order(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    expertise = Expertise.objects.create(
        id=data["expertise"],
        case=case,
        number=data["number"],
        ordered_seq=event.seq,
        ordered_at=event.recorded_at,
        ordered_by=event.actor,
        kind=data["kind"],
        form=data["form"],
        kinds=data["kinds"],
        grounds=data["grounds"],
        questions=data["questions"],
        items=data["items"],
        person=data["person"] or "",
        lab_id=data["lab"],
        days=data["days"],
        state="assigned",
        motion=data.get("motion") or "",
    )
    for chosen in data["experts"]:
        Assignment.objects.create(expertise=expertise, **chosen)
        CaseOfficer.objects.get_or_create(
            case=case,
            role="expert",
            username=chosen["expert"],
            defaults={"since": event.recorded_at},
        )
    if data.get("medical_of_person"):
        answer(event, TORTURE_ALERT, data["person"])  # a statement of torture (CPC 179(11))
    return {"expertise": expertise.id, "experts": [c["expert"] for c in data["experts"]]}


@act_kind(
    "forensics.expertise.order",
    schema=Order,
    roles=ORDERS,
    legal_basis="CPC 178, 179(1), 184, 187, 188",
    apply=_apply_order,
    title="Order a forensic expertise",
)
def order(ctx: Context) -> dict[str, Any]:
    """The decision to order an expertise (CPC 179(1)), by the investigator (the one assigned),
    the prosecutor or the investigating judge before trial, or the court at trial: its kind and
    form, the grounds, the
    questions, the evidence items sent (of this case, not disposed of) and the person examined
    (a participant), the laboratory (by default the one serving the case's region) and the term.
    The experts are assigned at once by specialisation and load, and the choice is recorded with
    every candidate's load."""
    case = ctx.case
    assert case is not None and ctx.head is not None
    data = ctx.input
    if case.stage not in (("trial",) if ctx.actor.role == "judge" else PRE_TRIAL):
        raise Conflict(
            say("The case is %(stage)s; an expertise cannot be ordered now.", stage=case.stage)
        )
    require_assigned(ctx, gettext_noop("order an expertise"))
    items = list(dict.fromkeys(data.items))
    found = set(
        Item.objects.filter(case=case, pk__in=items)
        .exclude(status="disposed")
        .values_list("pk", flat=True)
    )
    if missing := [i for i in items if i not in found]:
        raise Invalid(
            say(
                "These items are not in this case or are disposed of: %(items)s.",
                items=", ".join(missing),
            ),
            fields={"items": gettext_noop("not in the case")},
        )
    if (
        data.person
        and not CaseParticipant.objects.filter(case=case, person_id=data.person).exists()
    ):
        raise Invalid(
            say("%(person)s is not a participant of this case.", person=data.person),
            fields={"person": gettext_noop("not in the case")},
        )
    if not items and not data.person:
        raise Invalid(
            say("Name what is to be examined: evidence items, the person, or both."),
            fields={"items": gettext_noop("required")},
        )
    motion = _granted_motion(ctx, data.motion)
    lab = _lab(case, data.lab)
    needs = _needs(data)
    chosen, candidates = choose_experts(lab, needs)
    return {
        "expertise": f"EX-{case.number}-{ctx.head.seq + 1}",
        "number": Expertise.objects.filter(case=case).count() + 1,
        "kind": data.kind,
        "form": data.form,
        "kinds": sorted(set(needs)),
        "grounds": data.grounds,
        "questions": list(data.questions),
        "items": items,
        "person": data.person,
        # A medical examination of the person, alone or in a complex expertise: what meets
        # the 12 hours after a statement of torture (CPC 179(11)).
        "medical_of_person": bool(data.person) and "medical" in needs,
        "lab": lab.code,
        "days": data.days,
        "experts": chosen,
        "candidates": candidates,
        **({"motion": motion} if motion else {}),
    }


class Extend(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    expertise: str = pydantic.Field(min_length=4, max_length=48)
    days: int = pydantic.Field(ge=1, le=60, description="days added to the term")
    reason: str = pydantic.Field(min_length=3, max_length=2000)


def _apply_extend(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    expertise = Expertise.objects.get(pk=data["expertise"])
    Expertise.objects.filter(pk=expertise.pk).update(days=expertise.days + data["days"])
    return {"expertise": expertise.id, "days": expertise.days + data["days"]}


@act_kind(
    "forensics.expertise.extend",
    schema=Extend,
    roles=ORDERS,
    legal_basis="CPC 179(1)",
    apply=_apply_extend,
    title="Extend the term of an expertise",
)
def extend(ctx: Context) -> dict[str, Any]:
    """Adds days to the term of an open expertise, with the reason (an expert's request, more
    objects to examine); only the official who may order one does it."""
    expertise = _expertise(ctx, ctx.input.expertise)
    return {"expertise": expertise.id, "days": ctx.input.days, "reason": ctx.input.reason}


# --- the opinion --------------------------------------------------------------------------------


class Submit(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    expertise: str = pydantic.Field(min_length=4, max_length=48)
    research: str = pydantic.Field(
        min_length=10, max_length=20_000, description="the research, its methods and results"
    )
    answers: list[pydantic.constr(min_length=1, max_length=4000)] = pydantic.Field(  # type: ignore[valid-type]
        min_length=1,
        max_length=20,
        description="the conclusion on each question, in the order of the questions",
    )
    photos: list[media.Photo] = pydantic.Field(
        default_factory=list,
        max_length=media.MAX_PHOTOS,
        title="Photographs",
        description="photographs of the examination of a person (CPC 179(11))",
    )
    video: media.Video | None = pydantic.Field(
        default=None, description="the video of the examination, as recorded (CPC 179(11))"
    )


def _sign(event: Event, expertise: Expertise, separate: str) -> None:
    Assignment.objects.filter(expertise=expertise, expert=event.actor).update(
        signed_at=event.recorded_at, separate=separate
    )


def _finish_if_complete(event: Event, expertise: Expertise, complete: bool) -> None:
    if complete:
        Expertise.objects.filter(pk=expertise.pk).update(
            state="done", finished_at=event.recorded_at
        )


def _apply_submit(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    expertise = Expertise.objects.get(pk=data["expertise"])
    Expertise.objects.filter(pk=expertise.pk).update(
        state="signing",
        opinion_seq=event.seq,
        research=data["research"],
        conclusions=data["conclusions"],
        photos=data.get("photos", []),
        video=data.get("video"),
    )
    _sign(event, expertise, "")
    _finish_if_complete(event, expertise, data["complete"])
    return {"expertise": expertise.id, "complete": data["complete"]}


@act_kind(
    "forensics.opinion.submit",
    schema=Submit,
    roles=("expert",),
    legal_basis="CPC 193(1)-(2)",
    apply=_apply_submit,
    title="Submit an expert's opinion",
)
def submit(ctx: Context) -> dict[str, Any]:
    """An expert of the expertise writes its opinion: the research with its methods and results,
    and the conclusion on every question, in their order (CPC 193(2)); the submission is the
    writer's signature. The examination of a person who stated torture or cruel treatment comes
    with its photographs or the record of its video (179(11)), kept by their SHA-256. The
    opinion of one expert is then given; a commission's once every member has signed it."""
    expertise = _expertise(ctx, ctx.input.expertise, ("assigned",))
    _assigned(ctx, expertise)
    if len(ctx.input.answers) != len(expertise.questions):
        raise Invalid(
            say(
                "Give one conclusion on each of the %(n)s questions, in their order.",
                n=len(expertise.questions),
            ),
            fields={"answers": gettext_noop("one answer per question")},
        )
    photos = media.read_photos(ctx.input.photos)
    video = ctx.input.video.model_dump() if ctx.input.video is not None else None
    media.require_media(expertise, photos, video)
    others = expertise.assignments.exclude(expert=ctx.actor.username).count()
    return {
        "expertise": expertise.id,
        "research": ctx.input.research,
        "conclusions": [
            {"question": n, "answer": a} for n, a in enumerate(ctx.input.answers, start=1)
        ],
        "complete": others == 0,
        **({"photos": media.keep_photos(photos, ctx.now)} if photos else {}),
        **({"video": video} if video else {}),
    }


class Sign(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    expertise: str = pydantic.Field(min_length=4, max_length=48)
    agree: bool = pydantic.Field(description="whether the expert agrees with the opinion")
    separate: str = pydantic.Field(
        default="", max_length=20_000, description="a separate opinion (CPC 187(5), 188(4))"
    )


def _apply_sign(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    expertise = Expertise.objects.get(pk=data["expertise"])
    _sign(event, expertise, data["separate"])
    _finish_if_complete(event, expertise, data["complete"])
    return {"expertise": expertise.id, "complete": data["complete"]}


@act_kind(
    "forensics.opinion.sign",
    schema=Sign,
    roles=("expert",),
    legal_basis="CPC 187(4)-(5), 188(2)-(4)",
    apply=_apply_sign,
    title="Sign a commission's opinion",
)
def sign(ctx: Context) -> dict[str, Any]:
    """A member of a commission signs the opinion another member submitted: agreeing, or with a
    separate opinion stating their own research and conclusions (CPC 187(5), 188(4)). Once every
    member has signed, the opinion is given."""
    expertise = _expertise(ctx, ctx.input.expertise, ("signing",))
    mine = _assigned(ctx, expertise)
    if mine.signed_at is not None:
        raise Conflict(say("You have signed this opinion."))
    separate = ctx.input.separate.strip()
    if not ctx.input.agree and not separate:
        raise Invalid(
            say("An expert who disagrees states a separate opinion."),
            fields={"separate": gettext_noop("required")},
        )
    unsigned = expertise.assignments.filter(signed_at=None).exclude(expert=ctx.actor.username)
    return {
        "expertise": expertise.id,
        "agree": ctx.input.agree,
        "separate": separate if not ctx.input.agree else "",
        "complete": not unsigned.exists(),
    }


class Decline(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    expertise: str = pydantic.Field(min_length=4, max_length=48)
    reason: Literal[
        "no_expert", "no_means", "beyond_competence", "materials_unfit", "cannot_answer"
    ] = pydantic.Field(description="why no opinion can be given (CPC 184(5)(1), 193(6))")
    explanation: str = pydantic.Field(min_length=10, max_length=4000)


def _apply_decline(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    expertise = Expertise.objects.get(pk=data["expertise"])
    Expertise.objects.filter(pk=expertise.pk).update(
        state="declined",
        finished_at=event.recorded_at,
        declined_reason=data["reason"],
        declined_note=data["explanation"],
    )
    return {"expertise": expertise.id, "reason": data["reason"]}


@act_kind(
    "forensics.expertise.decline",
    schema=Decline,
    roles=("expert",),
    legal_basis="CPC 184(5), 193(6)",
    apply=_apply_decline,
    title="Return an expertise unexecuted",
)
def decline(ctx: Context) -> dict[str, Any]:
    """An expert of the expertise returns it unexecuted with a reasoned notice: no expert of the
    knowledge needed, no means, questions beyond their competence, materials unfit or too few, or
    a question science cannot answer (CPC 184(5)(1), 193(6)). The items go back by hand-over."""
    expertise = _expertise(ctx, ctx.input.expertise, ("assigned",))
    _assigned(ctx, expertise)
    return {
        "expertise": expertise.id,
        "reason": ctx.input.reason,
        "explanation": ctx.input.explanation,
    }
