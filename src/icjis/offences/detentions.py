"""Administrative detention under the Code of Offences (module J): from the hour of the actual
detention to the release (CoO 524-526, 535(3)).

The officer records the detention with the hour it actually happened (526(8)): the system keeps
its own recording time beside it, refuses an hour in the future and flags a gap of more than 3
hours to the head of unit and the prosecutor (SPEC principle 2). Nobody under 16 answers for an
offence (15(1)), so nobody under 16 is detained for one. The person is to be free within 3 hours
(526(1)); a child of 16-17 is handed to the parents or the child protection body within the
same 3 hours (524(5)). For an offence punishable by arrest, the head of the internal affairs
body may extend the term to 48 hours, before the 3 hours pass, awaiting the judge, further facts
or the person's identity (526(2)) — not a child's, nor, while the birth date is unknown, on any
ground but the identity; the prosecutor is then to be told in writing, and the detainee brought
to court on the lawfulness of the detention, within 24 hours of the detention. A prosecutor may
order the release of a person detained unlawfully, to be carried out at once (524(7)): the unit
is alerted until it records the release. The system itself records each term that passes unmet
(`offences.detention.overrun`, run by `icjis worker`) and tells the head of unit and the
prosecutor, whose alert stays until they acknowledge it. A case that may end in arrest is
decided within 48 hours of the detention (535(3)): the protocol names the detention.

The acts of one detention go to its own stream, `detention-coo/<number>`:
`offences.detention.record` → (`.extend`) → `.notify` / `.court` / `.order_release` →
`.release`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

import pydantic
from django.db.models import Q
from django.utils.translation import gettext_noop

from icjis.core import acts, clock, numbering, projections
from icjis.core.access import SYSTEM_USER, records_of
from icjis.core.acts import Context, act_kind
from icjis.core.alerts import answer, raise_alert
from icjis.core.canonical import iso
from icjis.core.jobs import periodic
from icjis.core.models import Event, Person
from icjis.core.persons import PersonInput, PersonRef, age_on, project_person
from icjis.core.refusals import Conflict, Invalid, Refusal, Said, say
from icjis.core.units import unit_serving
from icjis.legal.counting import local_date
from icjis.offences.access import acting_detentions, visible_detentions
from icjis.offences.acts import (
    EARLIEST,
    Address,
    check_place,
    found_detention,
    normalise_detention,
    open_record,
    person_record,
    registering_unit,
)
from icjis.offences.models import AdminDetention, DetentionCounter
from icjis.offences.protocols import arrest_possible, article_ref
from icjis.offences.rules import OffenceRules, offence_rules_by_id, offence_rules_on

log = logging.getLogger("icjis.offences")

POLICE = ("offences_officer", "unit_head")
HEAD = ("unit_head",)  # the head of the internal affairs body (or a deputy), 526(2)
TOLD = ["prosecutor", "unit_head"]  # who hears of a late record or a term passed unmet
LATE_RECORD = timedelta(hours=3)
"""A detention recorded more than 3 hours after its hour is flagged (SPEC principle 2)."""
EXTENSION_GROUNDS = Literal["judge", "facts", "identity"]
NOTICE_TO = Literal["relatives", "workplace", "defender", "prosecutor", "child_protection"]
RELEASE_GROUNDS = Literal[
    "grounds_gone", "term", "prosecutor_order", "parents", "child_protection", "court", "crime"
]
CHILD_GROUNDS = ("parents", "child_protection")  # a child handed over (524(5))
CHILD_TOLD = {"relatives", "child_protection"}  # a child's parents and the body, both (524(5))


ADULT = 18
CHILD_NOT_EXTENDED = say(
    "A child is handed over within 3 hours of the detention (CoO 524(5)); the detention cannot "
    "be extended."
)


def detention_stream(number: str) -> str:
    return f"detention-coo/{number}"


def _stream_of(data: Any) -> str:
    return detention_stream(normalise_detention(data.detention) or data.detention[:24])


def _rules(d: AdminDetention) -> OffenceRules:
    return offence_rules_by_id(d.rules)


def _held(ctx: Context, mine: bool = True) -> AdminDetention:
    """The detention the act names, still held: of the user's unit (`mine`), or any the user
    may read (a prosecutor's)."""
    qs = acting_detentions(ctx.user) if mine else visible_detentions(ctx.user)
    d = found_detention(ctx.input.detention, qs)
    if d.state != "held":
        raise Conflict(say("%(detention)s has ended: the person was released.", detention=d.number))
    return d


def _moment_of(ctx: Context, at: datetime, d: AdminDetention, field: str) -> datetime:
    """A real-world time an act gives: not in the future, not before the detention."""
    if at > ctx.now:
        raise Invalid(
            say("That time cannot lie in the future."), fields={field: gettext_noop("future")}
        )
    if at < d.detained_at:
        raise Invalid(
            say("That time cannot come before the detention."),
            fields={field: gettext_noop("before the detention")},
        )
    ctx.claimed_at = at
    return at


def _tell(event: Event, n: int, d: AdminDetention, kind: str, message: Any) -> None:
    raise_alert(event, n, kind=kind, unit=d.unit, roles=TOLD, subject=d.number, message=message)


# --- the detention recorded ----------------------------------------------------------------------


Witness = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=3, max_length=300)
]


class RecordDetention(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonInput | PersonRef
    article: str = pydantic.Field(
        pattern=r"^\d{1,3}(-\d)?$", description="the offence of the Code of Offences"
    )
    part: str | None = pydantic.Field(default=None, pattern=r"^\d{1,2}(-\d)?$")
    detained_at: pydantic.AwareDatetime = pydantic.Field(
        ge=EARLIEST, description="hour and minute of the actual detention (CoO 526(8))"
    )
    place: Address = pydantic.Field(description="where the person was detained")
    grounds: str = pydantic.Field(
        min_length=3, max_length=4000, description="why detention was necessary (CoO 524(1))"
    )
    property_seized: str = pydantic.Field(
        default="", max_length=2000, description="property temporarily seized (CoO 524(2))"
    )
    witnesses: list[Witness] = pydantic.Field(
        default_factory=list,
        max_length=5,
        description="the witnesses who sign the protocol, name and address (CoO 524(2))",
    )
    rights_explained: bool = pydantic.Field(
        default=False,
        description="the detainee's rights and duties were explained to them (CoO 524(6))",
    )


def _apply_record(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    numbering.note_number(data["unit"], data["year"], data["seq"], DetentionCounter)
    person = project_person(data["person"], event.recorded_at)
    place = data["place"]
    d = AdminDetention.objects.create(
        number=data["detention"],
        unit_id=data["unit"],
        territory_path=data["territory_path"],
        rules=data["rules"],
        person_id=person,
        article=data["article"],
        part=data["part"] or "",
        title=data["title"],
        arrest_possible=data["arrest_possible"],
        child=data["child"],
        detained_at=datetime.fromisoformat(data["detained_at"]),
        recorded_at=event.recorded_at,
        late_record=data["late_record"],
        region=place["region"],
        district=place.get("district") or "",
        address=place["address"],
        grounds=data["grounds"],
        property_seized=data.get("property_seized", ""),
        witnesses=data.get("witnesses", []),
        rights_explained=data.get("rights_explained", False),
        release_by=datetime.fromisoformat(data["release_by"]),
        officer=event.actor,
    )
    if data["late_record"]:
        gap = event.recorded_at - d.detained_at
        hours, minutes = divmod(int(gap.total_seconds()) // 60, 60)
        _tell(
            event,
            1,
            d,
            "offences.detention.late_record",
            say(
                "Administrative detention %(detention)s was recorded %(hours)s h %(minutes)s min "
                "after the hour of detention (more than 3 h).",
                detention=d.number,
                hours=hours,
                minutes=f"{minutes:02d}",
            ),
        )
    return {"detention": d.number, "person": person, "release_by": data["release_by"]}


@act_kind(
    "offences.detention.record",
    schema=RecordDetention,
    roles=POLICE,
    legal_basis="CoO 524, 525(1), 526(1), (8)",
    target="new",
    apply=_apply_record,
    title="Record an administrative detention",
    claimed_time=True,
)
def record_detention(ctx: Context) -> dict[str, Any]:
    """Records the administrative detention of a person for an offence (CoO 524), with the hour
    and minute it actually happened, from which its term runs (526(8)); not in the future. The
    person must be 16 or over (15(1)) and not already held. The person is to be free within 3
    hours (526(1)); a child of 16-17 is handed to the parents or the child protection body
    within them (524(5)). A record more than 3 hours after the hour is flagged to the head of
    unit and the prosecutor."""
    data = ctx.input
    unit = registering_unit(ctx, say("Your unit keeps no register of offences."))
    if data.detained_at > ctx.now:
        raise Invalid(
            say("The hour of detention cannot lie in the future."),
            fields={"detained_at": gettext_noop("future")},
        )
    rules = offence_rules_on(local_date(data.detained_at))
    if rules is None:
        raise Invalid(
            say("The Code of Offences of 2021 was not in force on that day."),
            fields={"detained_at": gettext_noop("too early")},
        )
    ref = article_ref(data.article, data.part)
    if not rules.police_may_detain(ref.article, ref.part):
        raise Invalid(
            say(
                "The internal affairs bodies do not detain for article %(article)s (CoO 525(1)): "
                "only for family violence, a breach of a protection order, petty hooliganism, a "
                "breach of a state of emergency, driving while intoxicated, a breach of the "
                "hunting rules, or drugs in small amounts.",
                article=ref.article + (f"({ref.part})" if ref.part else ""),
            ),
            fields={"article": gettext_noop("no detention")},
        )
    where = check_place(data.place)
    person = person_record(ctx, data.person, local_date(ctx.now))
    birth = _birth(person)
    age = age_on(birth, local_date(data.detained_at)) if birth else None
    if age is not None and age < rules.liable_from_age:
        raise Invalid(
            say(
                "A person under %(age)s answers for no offence (CoO 15(1)) and is not detained "
                "for one.",
                age=rules.liable_from_age,
            ),
            fields={"person.birth_date": gettext_noop("too young")},
        )
    if person["existing"]:
        _not_held_already(ctx, person["id"])
    number, numbered = open_record(ctx, unit, DetentionCounter, "AD", detention_stream)
    ctx.claimed_at = data.detained_at
    return {
        "detention": number,
        **numbered,
        "territory_path": where.path,
        "rules": rules.id,
        "person": person,
        "article": ref.article,
        "part": ref.part,
        "title": ref.title,
        "arrest_possible": arrest_possible(ref),
        "child": age is not None and age < ADULT,
        "detained_at": iso(data.detained_at),
        "late_record": ctx.now - data.detained_at > LATE_RECORD,
        "release_by": iso(data.detained_at + timedelta(hours=rules.detention_hours)),
        "place": data.place.model_dump(),
        "grounds": data.grounds,
        "property_seized": data.property_seized,
        "witnesses": data.witnesses,
        "rights_explained": data.rights_explained,
    }


def _not_held_already(ctx: Context, person: str) -> None:
    """Refuse to detain a person (or a record merged with theirs) held already; another unit's
    detention is not named."""
    held = AdminDetention.objects.filter(person_id__in=records_of(person), state="held")
    mine = held.filter(pk__in=acting_detentions(ctx.user).values("pk")).first()
    if mine is not None:
        raise Conflict(say("The person is already held (%(detention)s).", detention=mine.number))
    if held.exists():
        raise Conflict(say("The person is already held in administrative detention elsewhere."))


def _born(person: str) -> date | None:
    """The birth date the index holds for `person`, if it holds one."""
    return Person.objects.filter(pk=person).values_list("birth_date", flat=True).first()


def _birth(person: dict[str, Any]) -> date | None:
    """The birth date of the person an act names: in the index, or as given for a new record."""
    if person["existing"]:
        return _born(person["id"])
    born = person.get("birth_date")
    return date.fromisoformat(born) if born else None


# --- the term extended to 48 hours ---------------------------------------------------------------


class DetentionId(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    detention: str = pydantic.Field(min_length=1, max_length=24)


class ExtendDetention(DetentionId):
    ground: EXTENSION_GROUNDS = pydantic.Field(
        description="judge: awaiting the judge's hearing; facts: further facts to establish; "
        "identity: the person's identity to establish (CoO 526(2))"
    )
    reasons: str = pydantic.Field(min_length=3, max_length=2000)


def _apply_extend(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    d = AdminDetention.objects.select_related("unit").get(pk=data["detention"])
    d.release_by = datetime.fromisoformat(data["release_by"])
    d.notice_by = datetime.fromisoformat(data["notice_by"])
    d.extended_at = event.recorded_at
    d.extension_ground = data["ground"]
    d.extension_reasons = data["reasons"]
    d.save(
        update_fields=[
            "release_by",
            "notice_by",
            "extended_at",
            "extension_ground",
            "extension_reasons",
        ]
    )
    _tell(
        event,
        1,
        d,
        "offences.detention.extended",
        say(
            "Administrative detention %(detention)s was extended to 48 hours: the prosecutor is "
            "to be told in writing, and the person brought to court, by %(by)s (CoO 526(2)).",
            detention=d.number,
            by=data["notice_by"],
        ),
    )
    return {"detention": d.number, "release_by": data["release_by"], "notice_by": data["notice_by"]}


@act_kind(
    "offences.detention.extend",
    schema=ExtendDetention,
    roles=HEAD,
    legal_basis="CoO 526(2)",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_extend,
    title="Extend an administrative detention to 48 hours",
)
def extend_detention(ctx: Context) -> dict[str, Any]:
    """The head of the internal affairs body extends the detention to 48 hours from the
    detention (CoO 526(2)): once, before the 3 hours pass, for an offence punishable by arrest,
    awaiting the judge, further facts or the person's identity; never a child's (524(5)). The
    prosecutor is told at once (an alert) and must be told in writing, and the person brought
    to court on the lawfulness of the detention, within 24 hours of the detention."""
    d = _held(ctx)
    rules = _rules(d)
    if d.extended_at is not None:
        raise Conflict(say("%(detention)s was already extended.", detention=d.number))
    if d.child:
        raise Conflict(CHILD_NOT_EXTENDED)
    born = _born(d.person_id)
    if born is None and ctx.input.ground != "identity":
        raise Conflict(
            say(
                "The person's birth date is not known: a child is held no longer than 3 hours "
                "(CoO 524(5)). Record it in the person's file, or extend to establish the "
                "identity."
            )
        )
    if born is not None and age_on(born, local_date(d.detained_at)) < ADULT:
        raise Conflict(CHILD_NOT_EXTENDED)
    if not d.arrest_possible:
        raise Conflict(
            say(
                "Article %(article)s does not punish by arrest: the detention cannot be extended "
                "(CoO 526(2)).",
                article=d.article,
            )
        )
    if ctx.now >= d.release_by:
        raise Conflict(
            say(
                "The term of %(detention)s has passed: the person is to be released, not held "
                "longer.",
                detention=d.number,
            )
        )
    return {
        "detention": d.number,
        "ground": ctx.input.ground,
        "reasons": ctx.input.reasons,
        "release_by": iso(d.detained_at + timedelta(hours=rules.detention_extended_hours)),
        "notice_by": iso(d.detained_at + timedelta(hours=rules.detention_notice_hours)),
    }


# --- notices and the court -----------------------------------------------------------------------


class Notify(DetentionId):
    whom: NOTICE_TO = pydantic.Field(
        description="relatives (a child's parents), workplace or school, defender (CoO 524(3), "
        "(5)); prosecutor (the written notice of an extension, 526(2)); child_protection"
    )
    at: pydantic.AwareDatetime = pydantic.Field(ge=EARLIEST, description="when they were told")


def _apply_notify(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    d = AdminDetention.objects.get(pk=data["detention"])
    d.notices = [*d.notices, {"whom": data["whom"], "at": data["at"]}]
    fields = ["notices"]
    if d.child and CHILD_TOLD <= {n["whom"] for n in d.notices}:
        d.child_told = True
        fields.append("child_told")
    if data["whom"] == "prosecutor" and d.prosecutor_told_at is None:
        d.prosecutor_told_at = datetime.fromisoformat(data["at"])
        fields.append("prosecutor_told_at")
        answer(event, "offences.detention.extended", d.number)
    d.save(update_fields=fields)
    return {"detention": d.number, "whom": data["whom"]}


@act_kind(
    "offences.detention.notify",
    schema=Notify,
    roles=POLICE,
    legal_basis="CoO 524(3), (5), 526(2), (7)",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_notify,
    title="Record who was told of an administrative detention",
    claimed_time=True,
)
def notify(ctx: Context) -> dict[str, Any]:
    """Records that the detainee's relatives, workplace or school, defender (CoO 524(3)), a
    child's parents and the child protection body (524(5)), or the prosecutor (the written
    notice of an extension, 526(2)) were told, and when: not in the future, not before the
    detention. The prosecutor's notice is due within 24 hours of the detention, whether or not
    the person is still held, so a notice may be recorded after the release too."""
    d = found_detention(ctx.input.detention, acting_detentions(ctx.user))
    at = _moment_of(ctx, ctx.input.at, d, "at")
    return {"detention": d.number, "whom": ctx.input.whom, "at": iso(at)}


class BroughtToCourt(DetentionId):
    at: pydantic.AwareDatetime = pydantic.Field(
        ge=EARLIEST, description="when the person was brought before the court"
    )


def _apply_court(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    d = AdminDetention.objects.get(pk=data["detention"])
    d.court_id = data["court"]
    d.court_at = datetime.fromisoformat(data["at"])
    d.save(update_fields=["court", "court_at"])
    return {"detention": d.number, "court": data["court"]}


@act_kind(
    "offences.detention.court",
    schema=BroughtToCourt,
    roles=POLICE,
    legal_basis="CoO 526(2)",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_court,
    title="Bring a detainee before the court",
    claimed_time=True,
)
def bring_to_court(ctx: Context) -> dict[str, Any]:
    """Records that the detainee was brought before the district court of the place, on the
    lawfulness of the detention (CoO 526(2)): due within 24 hours of the detention once it is
    extended."""
    d = _held(ctx)
    if d.court_at is not None:
        raise Conflict(say("%(detention)s was already brought to court.", detention=d.number))
    at = _moment_of(ctx, ctx.input.at, d, "at")
    court = unit_serving(d.territory_path, "court")
    if court is None:
        raise Conflict(say("No district court serves the place of the offence."))
    return {"detention": d.number, "court": court.code, "at": iso(at)}


# --- the prosecutor's order of release -----------------------------------------------------------


class OrderRelease(DetentionId):
    grounds: str = pydantic.Field(
        min_length=3, max_length=2000, description="why the detention is unlawful"
    )


def _apply_order_release(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    d = AdminDetention.objects.select_related("unit").get(pk=data["detention"])
    d.release_ordered_at = event.recorded_at
    d.release_order_grounds = data["grounds"]
    d.save(update_fields=["release_ordered_at", "release_order_grounds"])
    raise_alert(
        event,
        1,
        kind="offences.detention.release_ordered",
        unit=d.unit,
        roles=list(POLICE),
        subject=d.number,
        message=say(
            "The prosecutor ordered the release of the person held in %(detention)s, to be "
            "carried out at once (CoO 524(7)).",
            detention=d.number,
        ),
    )
    return {"detention": d.number}


@act_kind(
    "offences.detention.order_release",
    schema=OrderRelease,
    roles=("prosecutor",),
    legal_basis="CoO 524(7)",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_order_release,
    title="Order the release of a person detained unlawfully",
)
def order_release(ctx: Context) -> dict[str, Any]:
    """The prosecutor orders the release of a person detained unlawfully (CoO 524(7)), to be
    carried out at once: the unit holding the person is alerted, and the alert stays open until
    the release is recorded. The code sets no hours for "at once", so the term of the detention
    is left as it is; the page shows how long the order has waited."""
    d = _held(ctx, mine=False)
    if d.release_ordered_at is not None:
        raise Conflict(say("The release of %(detention)s was already ordered.", detention=d.number))
    return {"detention": d.number, "grounds": ctx.input.grounds}


# --- the release -------------------------------------------------------------------------------


class Release(DetentionId):
    at: pydantic.AwareDatetime = pydantic.Field(ge=EARLIEST, description="when the person left")
    ground: RELEASE_GROUNDS = pydantic.Field(
        description="grounds_gone (CoO 526(4)), term (its hours ended), prosecutor_order "
        "(524(7)), parents or child_protection (a child handed over, 524(5)), court (the court "
        "decided), crime (handed over under the Code of Criminal Procedure)"
    )
    note: str = pydantic.Field(default="", max_length=2000)


def _apply_release(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    d = AdminDetention.objects.select_related("unit").get(pk=data["detention"])
    d.state = "released"
    d.released_at = datetime.fromisoformat(data["at"])
    d.release_ground = data["ground"]
    d.released_late = data["late"]
    d.release_note = data["note"]
    d.save(
        update_fields=["state", "released_at", "release_ground", "released_late", "release_note"]
    )
    # A term passed unmet stays open for the head of unit and the prosecutor to acknowledge.
    answer(event, "offences.detention.release_ordered", d.number)
    return {"detention": d.number, "late": data["late"]}


@act_kind(
    "offences.detention.release",
    schema=Release,
    roles=POLICE,
    legal_basis="CoO 524(5), (7), 526(1), (2), (4)",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_release,
    title="Release a person from administrative detention",
    claimed_time=True,
)
def release(ctx: Context) -> dict[str, Any]:
    """Records the release, with the hour the person left (not in the future, not before the
    detention) and its ground: the grounds gone (CoO 526(4)), the term ended, the prosecutor's
    order (524(7)), a child handed to the parents or the child protection body (524(5)), the
    court's decision, or a hand-over under the Code of Criminal Procedure. A release after the
    term is recorded as late."""
    d = _held(ctx)
    data = ctx.input
    at = _moment_of(ctx, data.at, d, "at")
    if data.ground in CHILD_GROUNDS and not d.child:
        raise Invalid(
            say("Only a child is handed to the parents or the child protection body."),
            fields={"ground": gettext_noop("not a child")},
        )
    if data.ground == "prosecutor_order" and d.release_ordered_at is None:
        raise Invalid(
            say("No prosecutor ordered this release."),
            fields={"ground": gettext_noop("no order")},
        )
    return {
        "detention": d.number,
        "at": iso(at),
        "ground": data.ground,
        "note": data.note,
        "late": at > d.release_by,
    }


# --- a term passed unmet, found by the system ------------------------------------------------


# The terms the system watches: each falls due at one of the detention's times and is unmet while
# its condition holds — one table for the job's query, the act's check and the alert's hour.
TERMS: dict[str, tuple[str, Q]] = {
    "release": ("release_by", Q(state="held")),  # 526(1), (2)
    "notice": ("release_by", Q(child=True, child_told=False)),  # a child's parents and body, 524(5)
    "prosecutor": ("notice_by", Q(prosecutor_told_at=None)),  # the written notice, 526(2)
    "court": ("notice_by", Q(state="held", court_at=None)),  # brought to court, 526(2)
}


def unmet(term: str, now: datetime) -> Q:
    """The detentions whose `term` has passed unmet at `now` and is not yet recorded."""
    due, still = TERMS[term]
    return still & Q(**{f"{due}__lt": now}) & ~Q(overruns__contains=f",{term},")


class Overrun(DetentionId):
    term: Literal["release", "notice", "prosecutor", "court"]  # the keys of TERMS


def _overrun_said(term: str, detention: str, by: str) -> Said:
    """The alert's sentence for a term passed unmet (each a literal, so the catalogue finds it)."""
    if term == "release":
        return say(
            "The person held in %(detention)s was not released by %(by)s, when the term of the "
            "detention ended (CoO 526).",
            detention=detention,
            by=by,
        )
    if term == "notice":
        return say(
            "The parents and the child protection body were not both told of the detention of "
            "the child held in %(detention)s by %(by)s (CoO 524(5)).",
            detention=detention,
            by=by,
        )
    if term == "prosecutor":
        return say(
            "The prosecutor was not told in writing of the extension of %(detention)s by %(by)s "
            "(CoO 526(2)).",
            detention=detention,
            by=by,
        )
    return say(
        "The person held in %(detention)s was not brought to court by %(by)s (CoO 526(2)).",
        detention=detention,
        by=by,
    )


def _apply_overrun(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    d = AdminDetention.objects.select_related("unit").get(pk=data["detention"])
    d.overruns = f"{d.overruns}{data['term']},"
    d.save(update_fields=["overruns"])
    message = _overrun_said(data["term"], d.number, data["by"])
    _tell(event, 1, d, "offences.detention.overrun", message)
    return {"detention": d.number, "term": data["term"]}


@act_kind(
    "offences.detention.overrun",
    schema=Overrun,
    roles=("system",),
    legal_basis="CoO 524(5), 526(1), (2)",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_overrun,
    title="Record a term of an administrative detention passed unmet",
)
def overrun(ctx: Context) -> dict[str, Any]:
    """Performed by the system (job `offences.detentions.overrun`) when a term of a detention has
    passed unmet: the person not released, the prosecutor not told of an extension, or the
    person not brought to court within 24 hours. The head of unit and the prosecutor are
    alerted; the record stays, whatever comes later."""
    d = found_detention(ctx.input.detention, AdminDetention.objects.all())
    term = ctx.input.term
    if not AdminDetention.objects.filter(unmet(term, ctx.now), pk=d.pk).exists():
        raise Conflict(say("That term of %(detention)s has not passed unmet.", detention=d.number))
    return {"detention": d.number, "term": term, "by": iso(getattr(d, TERMS[term][0]))}


BATCH = 200


@periodic("offences.detentions.overrun")
def record_overruns() -> int:
    """Record every term of a detention that has passed unmet. Returns how many acts were
    performed."""
    now = clock.now()
    done = 0
    for term, (due, _still) in TERMS.items():
        found = AdminDetention.objects.filter(unmet(term, now)).order_by(due, "number")
        for number in found.values_list("number", flat=True)[:BATCH]:
            try:
                acts.perform(
                    SYSTEM_USER, "offences.detention.overrun", {"detention": number, "term": term}
                )
            except Refusal as exc:  # met by an officer between our read and the act
                log.info("overrun of %s refused: %s", number, exc.message)
                continue
            done += 1
    return done


projections.tables(DetentionCounter)  # AdminDetention: with the offence cases (protocols.py)
