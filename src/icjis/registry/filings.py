"""Motions and complaints before trial (module A): what a participant asks of the investigator or
the prosecutor, and what they complain of, with the terms the Code sets for the answer.

A motion (CPC 123-124) asks for a procedural action or decision — an investigative action, an
expertise, evidence added to the file, a preventive measure changed, the file read, the case
terminated. It is filed by counsel for the client they represent in the case, or recorded by
the investigator or the prosecutor it is addressed to (a motion stated orally or on paper); it is
decided at once or within 3 days (124(2)), and a refusal, whole or partial, states its reasons
and is told to the applicant (124(3)), who may complain of it (124(5)).

A complaint (CPC 125-129) against an action, inaction or decision of the investigator goes to the
prosecutor or to the head of the investigative unit, within 10 days of learning of it (127); it
is decided within 3 days, or within 10 in an exceptional case, of which the applicant is told
(129(1)); the decision upholds it, wholly or in part, or dismisses it, and the applicant is told
(129(2)). A complaint may instead go to the investigating judge, who decides it within 10 days
after a hearing (130). A complaint against the refusal to open a case or a termination may be
filed after
the case is closed; upholding it is followed by the prosecutor's reopening (154(4), 260), a
separate act. The terms are the rules `motion.*` and `complaint.*` of the rule pack; the
Code's 10 days to complain of a refused motion run from the applicant's learning of it, and the
register counts them from the decision (rule `motion.complaint`).

A filing's id is taken from the event that files it ("MO-<case>-<seq>", "CO-<case>-<seq>").
Each `decide` checks the procedure under the case's stream lock; each projector reads only its
event and the row the filing built.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

import pydantic
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_noop

from icjis.core.access import of_whole_files
from icjis.core.acts import Context, act_kind
from icjis.core.alerts import answer, raise_alert
from icjis.core.models import Case, Event, Unit
from icjis.core.refusals import Conflict, Forbidden, Invalid, Said, say
from icjis.legal.counting import local_date
from icjis.legal.models import Deadline
from icjis.legalaid.acts import represents
from icjis.registry.acts import case_of
from icjis.registry.common import (
    PersonId,
    Text,
    _case,
    _participant,
    require_assigned,
    require_stage,
)
from icjis.registry.models import Filing

PRE_TRIAL = ("registered", "pre_investigation", "investigation", "prosecution")
REVIEWABLE_CLOSINGS = ("refused", "terminated")
"""A closed case whose closing a complaint may still contest (CPC 154(3)-(4), 258, 260)."""
MOTION_SUBJECTS = (
    "investigative_action",
    "expertise",
    "evidence",
    "preventive_measure",
    "file_access",
    "termination",
    "other",
)
COMPLAINT_SUBJECTS = ("decision", "action", "inaction")
MOTION_OUTCOMES = ("granted", "partly_granted", "refused")
COMPLAINT_OUTCOMES = ("upheld", "partly_upheld", "dismissed")
PREFIX = {"motion": "MO", "complaint": "CO"}
FILING_ID = r"^(MO|CO)-[0-9A-Za-z-]{1,32}-[0-9]{1,9}$"


# --- shared checks --------------------------------------------------------------------------------


def _applicant(ctx: Context, person: str) -> None:
    """The person must take part in the case; counsel files only for a client they represent
    there (an accepted legal-aid appointment or chosen counsel: CPC 123(1))."""
    case = _case(ctx)
    _participant(case, person)
    if ctx.actor.role == "lawyer" and not represents(case, ctx.user.username, person):
        raise Forbidden(say("You are not counsel of %(person)s in this case.", person=person))


def _addressed_to_me(ctx: Context, addressee: str, what: str, reviewed: str = "") -> None:
    """An official records or decides only what is addressed to their office: the investigator
    assigned to the case, a prosecutor or investigating judge whose territory holds the case
    (their read scope, which the act's access has checked), the head of the unit holding it, a
    prosecutor above the one who decided the filing `reviewed` (`Filing.reviewed`: the complaint
    a contest names, or the motion a prosecutor refused)."""
    role = ctx.actor.role
    if role == "lawyer":
        return
    if addressee == "higher_prosecutor":  # of an office above the one who decided (126(1), 129(3))
        mine = role == "prosecutor" and ranks_above(ctx.user, deciding_office(reviewed))
    else:
        mine = role == addressee
    if not mine:
        raise Forbidden(
            say(
                "This is addressed to %(addressee)s; only they may %(what)s.",
                addressee=ADDRESSEES[addressee],
                what=what,
            )
        )
    if role == "investigator":
        require_assigned(ctx, what)
    elif role == "unit_head" and _case(ctx).unit_id != ctx.actor.unit:
        raise Forbidden(
            say(
                "Only the head of the unit holding the case may %(what)s (CPC 129(1)).",
                what=what,
            )
        )


# As a sentence names them ("This is addressed to the prosecutor"); not the bare role names,
# which are also the demo users' names.
ADDRESSEES = {
    "investigator": gettext_noop("the investigator"),
    "prosecutor": gettext_noop("the prosecutor"),
    "unit_head": gettext_noop("the head of the investigative unit"),
    "investigating_judge": gettext_noop("the investigating judge"),
    "higher_prosecutor": gettext_noop("the higher prosecutor"),
}
RANKS = {"district": 0, "region": 1, "national": 2}
"""The levels of the prosecutors' offices, from the district's up."""


def deciding_office(filing_id: str) -> Unit | None:
    """The office of the official who decided the filing `filing_id`, as the deciding act
    recorded it (not the official's office today); None when it is not decided."""
    found = Filing.objects.filter(pk=filing_id).values_list("case_id", "decided_seq").first()
    if found is None or found[1] is None:
        return None
    code = (
        Event.objects.filter(stream=f"case/{found[0]}", seq=found[1])
        .values_list("actor_unit", flat=True)
        .first()
    )
    return Unit.objects.filter(code=code).first() if code else None


def ranks_above(user: Any, office: Unit | None) -> bool:
    """Whether `user`'s office is above the prosecutor's `office` that decided (CPC 129(3): the
    higher prosecutor), so that nobody reviews their own decision or a peer's."""
    if office is None or user.unit is None:
        return False
    return RANKS.get(user.unit.level, 0) > RANKS.get(office.level, 0)


def has_office_above(office: Unit | None) -> bool:
    """Whether a prosecutor's office stands above `office` (none above the national office)."""
    return office is not None and RANKS.get(office.level, 0) < max(RANKS.values())


def _someone_above(filing_id: str) -> None:
    """A decision goes to a higher prosecutor only where there is an office above the one that
    took it; the national office's is complained of to the investigating judge (130(1))."""
    if not has_office_above(deciding_office(filing_id)):
        raise Conflict(
            say(
                "No prosecutor's office is above the one that decided %(id)s; complain of it to "
                "the investigating judge (CPC 130(1)).",
                id=filing_id,
            )
        )


def _filing(ctx: Context, kind: str, filing_id: str) -> Filing:
    found = (
        Filing.objects.select_for_update().filter(pk=filing_id, case=_case(ctx), kind=kind).first()
    )
    if found is None:
        message = (
            say("There is no motion %(id)s in this case.", id=filing_id)
            if kind == "motion"
            else say("There is no complaint %(id)s in this case.", id=filing_id)
        )
        raise Invalid(message, fields={kind: gettext_noop("not in the case")})
    if found.state == "withdrawn":
        raise Conflict(
            say(
                "%(id)s was withdrawn on %(day)s (CPC 126(3)).",
                id=found.id,
                day=local_date(found.decided_at).isoformat() if found.decided_at else "",
            )
        )
    if found.state != "pending":
        raise Conflict(
            say(
                "%(id)s was decided on %(day)s; a decision is not taken twice.",
                id=found.id,
                day=local_date(found.decided_at).isoformat() if found.decided_at else "",
            )
        )
    return found


def _filed(ctx: Context, kind: str) -> dict[str, Any]:
    """The record of a filing both kinds share; the id from the event's own seq."""
    case = _case(ctx)
    assert ctx.head is not None
    data = ctx.input
    return {
        kind: f"{PREFIX[kind]}-{case.number}-{ctx.head.seq + 1}",
        "number": Filing.objects.filter(case=case, kind=kind).count() + 1,
        "person": data.person,
        "to": data.to,
        "subject": data.subject,
        "text": data.text,
    }


def _apply_filed(event: Event, data: dict[str, Any], kind: str) -> Filing:
    return Filing.objects.create(
        id=data[kind],
        case=case_of(event),
        kind=kind,
        number=data["number"],
        person_id=data["person"],
        filed_seq=event.seq,
        filed_at=event.recorded_at,
        filed_by=event.actor,
        filed_by_role=event.actor_role,
        addressee=data["to"],
        subject=data["subject"],
        text=data["text"],
        # the motion a complaint is about, or the refused one a motion renews (CPC 182)
        motion=(data.get("motion") if kind == "complaint" else data.get("renews")) or "",
        contests=data.get("contests") or "",
    )


def _apply_decided(event: Event, data: dict[str, Any], kind: str) -> Filing:
    Filing.objects.filter(pk=data[kind]).update(
        state="decided",
        outcome=data["outcome"],
        grounds=data["grounds"] or "",
        decided_seq=event.seq,
        decided_at=event.recorded_at,
        decided_by=event.actor,
    )
    return Filing.objects.select_related("case__unit").get(pk=data[kind])


def levels_above(reviewed: str) -> list[str]:
    """The levels of the prosecutors' offices above the one that decided `reviewed`: those a
    filing before the higher prosecutor is told to. The filing's act records them, so that a
    replay tells the same offices whatever the units' levels are by then."""
    office = deciding_office(reviewed)
    rank = RANKS.get(office.level, 0) if office is not None else 0
    return [level for level, r in RANKS.items() if r > rank]


def _alert(
    event: Event,
    filing: Filing,
    step: str,
    roles: list[str],
    message: Said,
    levels: list[str] | None = None,
) -> None:
    """Alert `roles` of the case to a filing's `step` (`filed`, `extended`, `decided`); with
    `levels`, only the readers whose office is of one of them."""
    raise_alert(
        event,
        1,
        kind=f"registry.{filing.kind}.{step}",
        unit=filing.case.unit_id,
        roles=roles,
        case=filing.case,
        subject=filing.id,
        message=message,
        levels=levels or (),
    )


def _tell_the_addressee(
    event: Event, filing: Filing, message: Said, data: dict[str, Any] | None = None
) -> None:
    """What counsel filed is put before the official it is addressed to; what an official
    recorded is before them already."""
    if filing.filed_by_role == "lawyer":
        role = ROLE_OF.get(filing.addressee, filing.addressee)
        _alert(event, filing, "filed", [role], message, _told_levels(data or {}, filing))


ROLE_OF = {"higher_prosecutor": "prosecutor"}
"""The role of an addressee that is not a role's name (alerts go to a role on a case)."""


def _told_levels(data: dict[str, Any], filing: Filing) -> list[str] | None:
    """The levels a filing before the higher prosecutor is told to: as its act recorded them
    (`levels_above`), or for an act recorded before it did, computed now."""
    if filing.addressee != "higher_prosecutor":
        return None
    return data.get("levels") or levels_above(filing.reviewed)


# --- motions ------------------------------------------------------------------------------------


class MotionIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId = pydantic.Field(description="the participant the motion is for")
    to: Literal["investigator", "prosecutor", "investigating_judge"] = "investigator"
    subject: Literal[MOTION_SUBJECTS] = pydantic.Field(  # type: ignore[valid-type]
        description="what the motion asks for"
    )
    renews: str | None = pydantic.Field(
        default=None,
        title="Party's motion",
        pattern=FILING_ID,
        max_length=48,
        description="the motion for an expertise the investigator refused, when this one asks "
        "the investigating judge for it (CPC 182)",
    )
    text: Text = pydantic.Field(description="the motion, as stated")


def _apply_motion(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    motion = _apply_filed(event, data, "motion")
    if motion.addressee == "investigating_judge":
        told = say(
            "Counsel asks the investigating judge for the expertise the investigator refused "
            "(motion %(motion)s in case %(case)s); decide it within 3 days (CPC 182(3)).",
            motion=motion.id,
            case=motion.case_id,
        )
    else:
        told = say(
            "Counsel filed motion %(motion)s in case %(case)s; decide it at once, or within 3 "
            "days at the latest (CPC 124(2)).",
            motion=motion.id,
            case=motion.case_id,
        )
    _tell_the_addressee(event, motion, told)
    return {"motion": motion.id}


@act_kind(
    "registry.motion.file",
    schema=MotionIn,
    roles=("lawyer", "investigator", "prosecutor", "investigating_judge"),
    legal_basis="CPC 123, 124(1), 182",
    apply=_apply_motion,
    title="File a motion",
)
def file_motion(ctx: Context) -> dict[str, Any]:
    """Records a motion for a participant of the case, addressed to the investigator or to the
    prosecutor (CPC 123(1)): filed by counsel for their client, or recorded by the official it
    is addressed to when it was stated orally or handed in on paper (124(1)). It may be filed at
    any stage before trial; once the case is with the prosecutor for the indictment, to the
    prosecutor. The 3 days to decide it begin (124(2)). A motion for an expertise the
    investigator refused may be brought to the investigating judge, naming the refused one
    (`renews`, CPC 179(7), 182), who decides it within 3 days (182(3))."""
    case = _case(ctx)
    require_stage(case, PRE_TRIAL, gettext_noop("A motion"))
    data = ctx.input
    if case.stage == "prosecution" and data.to == "investigator":
        raise Conflict(
            say("The case is with the prosecutor for the indictment; address the motion there.")
        )
    _addressed_to_me(ctx, data.to, gettext_noop("record a motion addressed to them"))
    _applicant(ctx, data.person)
    if data.to == "investigating_judge" or data.renews is not None:
        _renewed_before_the_judge(case, data)
    return {**_filed(ctx, "motion"), "renews": data.renews}


def _renewed_before_the_judge(case: Case, data: Any) -> None:
    """A motion to the investigating judge asks for an expertise the investigator refused to the
    same person, and names that refusal (CPC 182(1)); no other motion goes to the judge."""
    if data.to != "investigating_judge" or data.subject != "expertise":
        raise Invalid(
            say(
                "Only a motion for an expertise the investigator refused goes to the "
                "investigating judge, naming that refusal (CPC 182(1))."
            ),
            fields={"to": gettext_noop("not the investigating judge's")},
        )
    refused = Filing.objects.filter(
        pk=data.renews or "",
        case=case,
        kind="motion",
        subject="expertise",
        addressee="investigator",
        outcome__in=("refused", "partly_granted"),
    ).first()
    if refused is not None and Filing.objects.filter(case=case, motion=refused.id).exists():
        raise Conflict(
            say(
                "The refusal of motion %(motion)s is already before the investigating judge.",
                motion=data.renews,
            )
        )
    if refused is None or refused.person_id != data.person:
        raise Invalid(
            say(
                "%(motion)s is no motion of this person for an expertise that the investigator "
                "refused in whole or in part.",
                motion=data.renews or "—",
            ),
            fields={"renews": gettext_noop("not refused")},
        )


class MotionDecisionIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    motion: str = pydantic.Field(pattern=FILING_ID, max_length=48, title="Party's motion")
    outcome: Literal[MOTION_OUTCOMES]  # type: ignore[valid-type]
    grounds: Text | None = pydantic.Field(
        default=None, description="the reasons; required unless the motion is granted in full"
    )


def _motion_told(motion: Filing) -> Said:
    if motion.outcome == "granted":
        return say(
            "Motion %(motion)s in case %(case)s was granted.", motion=motion.id, case=motion.case_id
        )
    if motion.outcome == "partly_granted":
        return say(
            "Motion %(motion)s in case %(case)s was granted in part; read the reasons. It may be "
            "complained of within 10 days (CPC 124(5), 127).",
            motion=motion.id,
            case=motion.case_id,
        )
    if motion.subject == "expertise" and motion.addressee == "investigator":
        return say(
            "Motion %(motion)s in case %(case)s was refused; read the reasons. It may be "
            "complained of within 10 days (CPC 124(5), 127), or the expertise asked of the "
            "investigating judge (CPC 182).",
            motion=motion.id,
            case=motion.case_id,
        )
    return say(
        "Motion %(motion)s in case %(case)s was refused; read the reasons. It may be complained "
        "of within 10 days (CPC 124(5), 127).",
        motion=motion.id,
        case=motion.case_id,
    )


def _motion_decided(
    event: Event, data: dict[str, Any], told: Callable[[Filing], Said]
) -> dict[str, Any]:
    """A motion decided (or ruled on): its addressee's alert answered, counsel told `told(it)`."""
    motion = _apply_decided(event, data, "motion")
    answer(event, "registry.motion.filed", motion.id)
    if motion.filed_by_role == "lawyer":
        _alert(event, motion, "decided", ["lawyer"], told(motion))
    return {"motion": motion.id, "outcome": motion.outcome}


def _apply_motion_decision(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    return _motion_decided(event, data, _motion_told)


def _motion_outcome(ctx: Context, what: str) -> dict[str, Any]:
    """The decision or ruling on a motion by its addressee: reasons unless granted in full."""
    data = ctx.input
    motion = _filing(ctx, "motion", data.motion)
    _addressed_to_me(ctx, motion.addressee, what)
    if data.outcome != "granted" and data.grounds is None:
        raise Invalid(
            say("A motion refused, wholly or in part, is refused with reasons (CPC 124(3))."),
            fields={"grounds": gettext_noop("required")},
        )
    return {"motion": motion.id, "outcome": data.outcome, "grounds": data.grounds}


@act_kind(
    "registry.motion.decide",
    schema=MotionDecisionIn,
    roles=("investigator", "prosecutor"),
    legal_basis="CPC 124(2)-(3)",
    apply=_apply_motion_decision,
    title="Decide a motion",
)
def decide_motion(ctx: Context) -> dict[str, Any]:
    """Records the decision on a motion by the official it is addressed to: granted, granted in
    part or refused; a refusal, whole or partial, is a reasoned decision told to the applicant
    (CPC 124(3)) — counsel who filed it is alerted. It meets the 3 days of 124(2)."""
    return _motion_outcome(ctx, gettext_noop("decide this motion"))


def _ruling_told(motion: Filing) -> Said:
    if motion.outcome == "granted":
        return say(
            "The investigating judge granted motion %(motion)s in case %(case)s and orders the "
            "expertise (CPC 182(6)).",
            motion=motion.id,
            case=motion.case_id,
        )
    return say(
        "The investigating judge refused motion %(motion)s in case %(case)s, wholly or in part; "
        "read the reasons (CPC 182(4), (6)).",
        motion=motion.id,
        case=motion.case_id,
    )


def _apply_motion_ruling(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    return _motion_decided(event, data, _ruling_told)


@act_kind(
    "registry.motion.rule",
    schema=MotionDecisionIn,
    roles=("investigating_judge",),
    legal_basis="CPC 182(3)-(6)",
    apply=_apply_motion_ruling,
    title="Rule on a motion for an expertise",
)
def rule_on_motion(ctx: Context) -> dict[str, Any]:
    """The investigating judge's ruling on a motion for the expertise the investigator refused
    (CPC 182): granted, when the applicant shows it is needed (182(6)) — the judge then orders
    the expertise —, or refused with reasons (182(4)). It is not complained of to the prosecutor
    as the investigator's refusal is: the window of 124(5) does not open. It meets the 3 days of
    182(3)."""
    return _motion_outcome(ctx, gettext_noop("rule on this motion"))


# --- complaints ---------------------------------------------------------------------------------


class ComplaintIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonId = pydantic.Field(description="the participant the complaint is for")
    to: Literal["prosecutor", "unit_head", "investigating_judge", "higher_prosecutor"] = (
        pydantic.Field(
            default="prosecutor",
            description="the prosecutor or the head of the unit (of the investigator's act), the "
            "investigating judge (of the investigator's or the prosecutor's), or the higher "
            "prosecutor (of a motion the prosecutor refused)",
        )
    )
    subject: Literal[COMPLAINT_SUBJECTS] = pydantic.Field(  # type: ignore[valid-type]
        description="what is complained of: a decision, an action or an inaction"
    )
    motion: str | None = pydantic.Field(
        default=None,
        title="Party's motion",
        pattern=FILING_ID,
        max_length=48,
        description="the motion refused, when the complaint is of that refusal",
    )
    text: Text = pydantic.Field(description="the complaint, as stated")


def _apply_complaint(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    complaint = _apply_filed(event, data, "complaint")
    if complaint.addressee == "investigating_judge":
        told = say(
            "Counsel filed complaint %(complaint)s in case %(case)s; hear and decide it within "
            "10 days (CPC 130(2)).",
            complaint=complaint.id,
            case=complaint.case_id,
        )
    elif complaint.addressee == "higher_prosecutor":
        told = say(
            "Counsel complains to the higher prosecutor of the prosecutor's refusal of motion "
            "%(motion)s in case %(case)s: complaint %(complaint)s, to be decided within 3 days "
            "(CPC 126(1), 129(1)).",
            motion=complaint.motion,
            case=complaint.case_id,
            complaint=complaint.id,
        )
    else:
        told = say(
            "Counsel filed complaint %(complaint)s in case %(case)s; decide it within 3 days, "
            "or within 10 in an exceptional case, telling the applicant (CPC 129(1)).",
            complaint=complaint.id,
            case=complaint.case_id,
        )
    _tell_the_addressee(event, complaint, told, data)
    return {"complaint": complaint.id}


@act_kind(
    "registry.complaint.file",
    schema=ComplaintIn,
    roles=("lawyer", "prosecutor", "unit_head", "investigating_judge"),
    legal_basis="CPC 125, 126, 127, 130",
    apply=_apply_complaint,
    title="File a complaint",
)
def file_complaint(ctx: Context) -> dict[str, Any]:
    """Records a complaint of a participant against an action, inaction or decision of the
    investigator, to the prosecutor or to the head of the investigative unit (CPC 125, 126(1)),
    or — of the prosecutor's or the investigator's — to the investigating judge (130(1)): filed
    by counsel for their client, or recorded by the official it is addressed to. Before trial,
    or once the case is closed by a refusal to open it or a termination, which it may contest.
    A complaint of a refused motion names it; of the prosecutor's refusal it goes to the
    investigating judge or to the higher prosecutor (125, 126(1)), who decides it if of an
    office above the refusing prosecutor's (once, unless withdrawn). The 3 days to decide it
    begin (129(1)), the judge's 10 (130(2)); filing it suspends nothing (126(4))."""
    case = _case(ctx)
    data = ctx.input
    if not (case.stage == "closed" and case.details.get("decision") in REVIEWABLE_CLOSINGS):
        require_stage(case, PRE_TRIAL, gettext_noop("A complaint"))
    if data.to == "higher_prosecutor" and data.motion is None:
        raise Invalid(
            say(
                "A complaint to the higher prosecutor is of a prosecutor's decision: name the "
                "motion the prosecutor refused, or contest the decision on a complaint (CPC "
                "126(1), 129)."
            ),
            fields={"motion": gettext_noop("required")},
        )
    if data.motion is not None:
        _refused_motion(case, data.motion, data.person, data.to)
    if data.to == "higher_prosecutor":
        _someone_above(data.motion)
        _once_above(case, data.motion, "applicant")
    _addressed_to_me(
        ctx, data.to, gettext_noop("record a complaint addressed to them"), data.motion or ""
    )
    _applicant(ctx, data.person)
    # `of_refusal` meets the applicant's window to complain of that motion alone (the rule
    # `motion.complaint`); a complaint naming no motion meets none.
    return {
        **_filed(ctx, "complaint"),
        "motion": data.motion,
        "of_refusal": data.motion is not None,
        **({"levels": levels_above(data.motion)} if data.to == "higher_prosecutor" else {}),
    }


def _refused_motion(case: Case, motion_id: str, person: str, to: str) -> None:
    """A complaint of a refused motion names one of this case refused for the same person; a
    prosecutor's refusal is complained of to the investigating judge (CPC 130(1)) or the higher
    prosecutor (126(1)), since the prosecutor and the head of the unit review the
    investigator's (129), which the higher prosecutor does not."""
    motion = Filing.objects.filter(
        pk=motion_id,
        case=case,
        kind="motion",
        addressee__in=("investigator", "prosecutor"),  # a judge's ruling is no complaint's
        outcome__in=("refused", "partly_granted"),
    ).first()
    if motion is None or motion.person_id != person:
        raise Invalid(
            say(
                "%(motion)s is no motion of this person in this case refused in whole or in part.",
                motion=motion_id,
            ),
            fields={"motion": gettext_noop("not refused")},
        )
    if motion.addressee == "prosecutor" and to not in ("investigating_judge", "higher_prosecutor"):
        raise Invalid(
            say(
                "Motion %(motion)s was refused by the prosecutor; complain of it to the "
                "higher prosecutor or the investigating judge (CPC 126(1), 130(1)).",
                motion=motion_id,
            ),
            fields={"to": gettext_noop("to the higher prosecutor or the investigating judge")},
        )
    if motion.addressee == "investigator" and to == "higher_prosecutor":
        raise Invalid(
            say(
                "Motion %(motion)s was refused by the investigator; complain of it to the "
                "prosecutor, the head of the unit or the investigating judge (CPC 129, 130).",
                motion=motion_id,
            ),
            fields={"to": gettext_noop("not the higher prosecutor")},
        )


class ContestIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    complaint: str = pydantic.Field(
        pattern=FILING_ID,
        max_length=48,
        description="the complaint the prosecutor decided: upheld, when the investigator "
        "contests it; dismissed or upheld in part, when the applicant does",
    )
    text: Text = pydantic.Field(description="why the decision is wrong")


def _apply_contest(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    complaint = _apply_filed(event, data, "complaint")
    if complaint.filed_by_role == "investigator":
        told = say(
            "The investigator contests the decision on complaint %(decided)s in case %(case)s "
            "before the higher prosecutor (CPC 129(3)): complaint %(complaint)s, to be decided "
            "within 3 days.",
            decided=data["contests"],
            case=complaint.case_id,
            complaint=complaint.id,
        )
    else:
        told = say(
            "Counsel complains to the higher prosecutor of the decision on complaint %(decided)s "
            "in case %(case)s (CPC 125, 126(1)): complaint %(complaint)s, to be decided within 3 "
            "days.",
            decided=data["contests"],
            case=complaint.case_id,
            complaint=complaint.id,
        )
    if complaint.filed_by_role in ("investigator", "lawyer"):  # a prosecutor's is before them
        _alert(event, complaint, "filed", ["prosecutor"], told, _told_levels(data, complaint))
    return {"complaint": complaint.id, "contests": data["contests"]}


CONTESTED_BY = {
    "investigator": ("upheld", "partly_upheld"),
    "applicant": ("dismissed", "partly_upheld"),
}
"""What each side may take to the higher prosecutor: the investigator a decision upholding a
complaint against them (CPC 129(3)); the applicant one not upholding theirs wholly (125, 126(1))."""


def _once_above(case: Case, reviewed: str, side: str) -> None:
    """Each side takes a decision to the higher prosecutor once, unless it withdrew (126(3))."""
    before = Filing.objects.filter(case=case, addressee="higher_prosecutor").exclude(
        state="withdrawn"
    )
    taken = before.filter(contests=reviewed) | before.filter(contests="", motion=reviewed)
    if any(side_of(role) == side for role in taken.values_list("filed_by_role", flat=True)):
        raise Conflict(
            say("The decision on %(id)s is already before the higher prosecutor.", id=reviewed)
        )


def side_of(role: str) -> str:
    """The side whose contest a filer of `role` brings (`CONTESTED_BY`)."""
    return "investigator" if role == "investigator" else "applicant"


@act_kind(
    "registry.complaint.contest",
    schema=ContestIn,
    roles=("investigator", "lawyer", "prosecutor"),
    legal_basis="CPC 125, 126(1), 129(3)",
    apply=_apply_contest,
    title="Contest a decision on a complaint before the higher prosecutor",
)
def contest_complaint(ctx: Context) -> dict[str, Any]:
    """Takes the prosecutor's decision on a complaint to the higher prosecutor: by the
    investigator assigned to the case, of a decision upholding a complaint against them, wholly
    or in part (CPC 129(3)); by counsel of the applicant, of a decision dismissing it or
    upholding it only in part (125, 126(1): a prosecutor's decision is complained of to the
    higher prosecutor) — or recorded by that higher prosecutor when the applicant states it
    before them. A prosecutor of an office above the one who decided decides it, within
    129(1)'s 3 days (or 10). Once for each decision and side, unless withdrawn; it suspends
    nothing (126(4)). A head of unit's decision goes to the head of the body (129(3)), which the
    register does not hold."""
    case = _case(ctx)
    if not (case.stage == "closed" and case.details.get("decision") in REVIEWABLE_CLOSINGS):
        require_stage(case, PRE_TRIAL, gettext_noop("A complaint"))
    require_assigned(ctx, gettext_noop("contest a decision on a complaint"))
    data = ctx.input
    side = side_of(ctx.actor.role)
    decided = Filing.objects.filter(
        pk=data.complaint,
        case=case,
        kind="complaint",
        addressee="prosecutor",
        outcome__in=CONTESTED_BY[side],
    ).first()
    if decided is None:
        refusal = (
            say(
                "%(complaint)s is no complaint of this case that the prosecutor upheld.",
                complaint=data.complaint,
            )
            if side == "investigator"
            else say(
                "%(complaint)s is no complaint of this case that the prosecutor dismissed or "
                "upheld only in part.",
                complaint=data.complaint,
            )
        )
        field = gettext_noop("not upheld") if side == "investigator" else gettext_noop("upheld")
        raise Invalid(refusal, fields={"complaint": field})
    _someone_above(decided.id)
    _once_above(case, decided.id, side)
    if side == "applicant":
        _applicant(ctx, decided.person_id)
        _addressed_to_me(
            ctx,
            "higher_prosecutor",
            gettext_noop("record a complaint addressed to them"),
            decided.id,
        )
    assert ctx.head is not None
    return {
        "complaint": f"{PREFIX['complaint']}-{case.number}-{ctx.head.seq + 1}",
        "number": Filing.objects.filter(case=case, kind="complaint").count() + 1,
        "person": decided.person_id,
        "to": "higher_prosecutor",
        "subject": "decision",
        "text": data.text,
        "contests": decided.id,
        "review": {"id": decided.id, "side": side},  # meets the applicant's window (127)
        "levels": levels_above(decided.id),  # the offices told of it
    }


class ComplaintExtendIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    complaint: str = pydantic.Field(pattern=FILING_ID, max_length=48)
    reason: Text = pydantic.Field(
        description="what must be obtained or done to check the complaint"
    )


def _apply_complaint_extend(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Filing.objects.filter(pk=data["complaint"]).update(extended_at=event.recorded_at)
    complaint = Filing.objects.select_related("case__unit").get(pk=data["complaint"])
    if complaint.filed_by_role == "lawyer":  # the applicant is told of it (CPC 129(1))
        _alert(
            event,
            complaint,
            "extended",
            ["lawyer"],
            say(
                "Complaint %(complaint)s in case %(case)s needs more materials to be checked: "
                "it will be decided within 10 days of its receipt (CPC 129(1)).",
                complaint=complaint.id,
                case=complaint.case_id,
            ),
        )
    return {"complaint": data["complaint"]}


@act_kind(
    "registry.complaint.extend",
    schema=ComplaintExtendIn,
    roles=("prosecutor", "unit_head"),
    legal_basis="CPC 129(1)",
    apply=_apply_complaint_extend,
    title="Take up to 10 days to decide a complaint",
)
def extend_complaint(ctx: Context) -> dict[str, Any]:
    """Records that the complaint, exceptionally, needs more materials or other measures to be
    checked, so that it is decided within 10 days of its receipt instead of 3, and that the
    applicant is told so (CPC 129(1)). Once, and before the 3 days run out."""
    data = ctx.input
    complaint = _filing(ctx, "complaint", data.complaint)
    _addressed_to_me(
        ctx, complaint.addressee, gettext_noop("extend this complaint's term"), complaint.reviewed
    )
    if complaint.extended_at is not None:
        raise Conflict(
            say("The term of complaint %(complaint)s is already 10 days.", complaint=complaint.id)
        )
    term = (
        Deadline.objects.filter(case=_case(ctx), rule__in=DECISION_RULES)
        .filter(subject=complaint.id)
        .order_by("-start_seq")
        .first()
    )
    if term is not None and term.due_at < ctx.now:
        raise Conflict(
            say(
                "The 3 days to decide complaint %(complaint)s ran out; the term is extended "
                "before it ends (CPC 129(1)).",
                complaint=complaint.id,
            )
        )
    return {"complaint": complaint.id, "reason": data.reason}


class ComplaintWithdrawIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    complaint: str = pydantic.Field(pattern=FILING_ID, max_length=48)
    statement: Text | None = pydantic.Field(
        default=None,
        description="the withdrawal as stated, and by whom: the applicant, or the suspect or "
        "accused withdrawing counsel's complaint",
    )


def _apply_complaint_withdraw(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Filing.objects.filter(pk=data["complaint"]).update(
        state="withdrawn",
        outcome="withdrawn",
        grounds=data["statement"] or "",
        decided_seq=event.seq,
        decided_at=event.recorded_at,
        decided_by=event.actor,
    )
    answer(event, "registry.complaint.filed", data["complaint"])
    answer(event, "registry.complaint.extended", data["complaint"])
    return {"complaint": data["complaint"], "state": "withdrawn"}


@act_kind(
    "registry.complaint.withdraw",
    schema=ComplaintWithdrawIn,
    roles=("lawyer", "investigator", "prosecutor", "unit_head", "investigating_judge"),
    legal_basis="CPC 126(3)",
    apply=_apply_complaint_withdraw,
    title="Withdraw a complaint",
)
def withdraw_complaint(ctx: Context) -> dict[str, Any]:
    """Records that a complaint not yet decided is withdrawn (CPC 126(3)): by counsel who filed
    it (or the investigator, their contest), or recorded by the official it is addressed to
    when the applicant — or the suspect or accused, of counsel's complaint — withdraws it before
    them. Its term to be decided ends; withdrawing it does not bar filing it again."""
    data = ctx.input
    complaint = _filing(ctx, "complaint", data.complaint)
    if ctx.actor.role in ("lawyer", "investigator"):
        # Whoever filed it withdraws it; the client's own, or counsel's at the client's word,
        # is recorded by its addressee.
        if complaint.filed_by != ctx.user.username:
            raise Forbidden(
                say(
                    "Complaint %(complaint)s was not filed by you; its addressee records a "
                    "withdrawal by another (CPC 126(3)).",
                    complaint=complaint.id,
                )
            )
    else:
        _addressed_to_me(
            ctx, complaint.addressee, gettext_noop("record its withdrawal"), complaint.reviewed
        )
    return {"complaint": complaint.id, "statement": data.statement}


class ComplaintDecisionIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    complaint: str = pydantic.Field(pattern=FILING_ID, max_length=48)
    outcome: Literal[COMPLAINT_OUTCOMES]  # type: ignore[valid-type]
    grounds: Text = pydantic.Field(
        description="the reasons, and what is cancelled or changed when it is upheld"
    )


def _complaint_told(complaint: Filing) -> Said:
    if complaint.outcome == "upheld":
        return say(
            "Complaint %(complaint)s in case %(case)s was upheld; read what is cancelled or "
            "changed (CPC 129(2)).",
            complaint=complaint.id,
            case=complaint.case_id,
        )
    if complaint.outcome == "partly_upheld":
        return say(
            "Complaint %(complaint)s in case %(case)s was upheld in part; read what is cancelled "
            "or changed (CPC 129(2)).",
            complaint=complaint.id,
            case=complaint.case_id,
        )
    return say(
        "Complaint %(complaint)s in case %(case)s was dismissed; read the reasons (CPC 129(2)).",
        complaint=complaint.id,
        case=complaint.case_id,
    )


def _apply_complaint_decision(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    complaint = _apply_decided(event, data, "complaint")
    answer(event, "registry.complaint.filed", complaint.id)
    answer(event, "registry.complaint.extended", complaint.id)
    # Counsel learns the outcome; the investigator, whose act was complained of, may take the
    # decision to the higher prosecutor (CPC 129(3)).
    told = complaint.filed_by_role == "lawyer" or complaint.reviewed  # counsel's, or about it
    roles = ["investigator"] + (["lawyer"] if told else [])
    _alert(event, complaint, "decided", roles, _complaint_told(complaint))
    return {"complaint": complaint.id, "outcome": complaint.outcome}


@act_kind(
    "registry.complaint.decide",
    schema=ComplaintDecisionIn,
    roles=("prosecutor", "unit_head", "investigating_judge"),
    legal_basis="CPC 129(1)-(2), 130(2)",
    apply=_apply_complaint_decision,
    title="Decide a complaint",
)
def decide_complaint(ctx: Context) -> dict[str, Any]:
    """Records the decision on a complaint by the official it is addressed to: upheld, wholly or
    in part, cancelling or changing what was complained of (said in the grounds; a refusal or a
    termination is then reopened by its own act), or dismissed (CPC 129(2)); the investigating
    judge's, after a hearing (130(2)), found lawful or not. The applicant's counsel and the
    investigator are alerted."""
    data = ctx.input
    complaint = _filing(ctx, "complaint", data.complaint)
    _addressed_to_me(
        ctx, complaint.addressee, gettext_noop("decide this complaint"), complaint.reviewed
    )
    return {
        "complaint": complaint.id,
        "outcome": data.outcome,
        "grounds": data.grounds,
        # The decision as one open to review: the applicant's 10 days to take a prosecutor's
        # decision higher (rule `complaint.contest`, CPC 127) start from it.
        "review": {"id": complaint.id, "to": complaint.addressee},
    }


# --- reading ------------------------------------------------------------------------------------


def visible_filings(user: Any) -> QuerySet[Filing]:
    """The motions and complaints `user` may read: those of the cases whose whole file they read
    (a reader of a part of files — detention, prison, probation … — reads none)."""
    return of_whole_files(user, Filing.objects.select_related("person"))


DECISION_RULES = (
    "motion.decision",
    "motion.decision.prosecutor",
    "motion.decision.judge",
    "complaint.decision",
    "complaint.decision.unit_head",
    "complaint.decision.judge",
    "complaint.decision.higher",
)
"""The rules of the pack that time the answer to a filing (one applies to each)."""


def with_term(rows: QuerySet[Filing], now: datetime) -> QuerySet[Filing]:
    """Each filing with the rule, due time and state of the term for its answer (correlated
    subqueries on the deadlines' case index)."""
    terms = (
        Deadline.objects.with_state(now)
        .filter(rule__in=DECISION_RULES, case=OuterRef("case_id"), subject=OuterRef("pk"))
        .order_by("-start_seq")
    )
    return rows.annotate(
        term_rule=Subquery(terms.values("rule")[:1]),
        due_at=Subquery(terms.values("due_at")[:1]),
        due_state=Subquery(terms.values("current_state")[:1]),
    )
