"""Act kinds of the register of offences (module J): cases under the Code of Offences.

The police draw up a protocol and enter it in the register within 72 hours (CoO 55(3)); an
entry made later is recorded all the same, marked late, and the head of the unit is alerted
(55(5)). The police decide the articles of CoO 456 (first paragraph) themselves; for those of
454(1)(1) they send the protocol to the district court, which decides. The deciding body decides
within 10 days of receiving the case, once extendable by up to 10 (535); no penalty after 6
months from the offence (48(1)); a decision may be appealed within 10 days of the service of its
copy (547(2)), served here at the decision. A penalty is checked against the article's sanction
as the catalogue of the code (`legal/catalogues/kg-coo-2021.json`) gives it for natural persons.

The acts of one case go to its own stream, `offence/<number>`:
`offences.protocol.register` → (`offences.protocol.refer` to court) → `offences.case.extend` →
`offences.decision.make` (a penalty, or the case terminated) → `offences.decision.appeal` →
`offences.appeal.decide`; or the prosecutor's `offences.decision.cancel` (452(3)(5),
`offences/cancellation.py`), which puts the case before the police again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core import numbering, projections
from icjis.core.acts import Context, act_kind
from icjis.core.alerts import answer, raise_alert
from icjis.core.canonical import iso
from icjis.core.models import Event
from icjis.core.persons import PersonInput, PersonRef, prepare_person, project_person
from icjis.core.refusals import Conflict, Invalid, NotFound, say
from icjis.core.units import unit_serving
from icjis.legal.catalogues import ArticleNotFoundError, OffenceRef, PartNotFoundError, lookup
from icjis.legal.counting import add_months, end_of_day, local_date
from icjis.offences.access import acting_detentions, acting_orders, visible_offences
from icjis.offences.acts import (
    EARLIEST,
    Address,
    check_place,
    found_detention,
    normalise_order,
    open_record,
    person_record,
    registering_unit,
)
from icjis.offences.models import AdminDetention, OffenceCase, OffenceCounter, ProtectionOrder
from icjis.offences.rules import OffenceRules, offence_rules_by_id, offence_rules_on

CODE = "kg-coo-2021"
APPEAL_FILED_ALERT = "offences.appeal.filed"
"""The appeal court's alert of a prosecutor's appeal (452(3)(7)), which its ruling answers."""
CANCELLED_ALERT = "offences.decision.cancelled"
"""The unit's alert that the prosecutor cancelled a decision (`offences.cancellation`); the
case's next decision, or its passing on as a crime, answers it."""
POLICE = ("offences_officer", "unit_head")
COURT = ("judge",)
PENALTY_KINDS = Literal[
    "fine", "warning", "community_work", "arrest", "deprivation_of_driving_right", "expulsion"
]
# The catalogue's measure of each kind of penalty (fines: calculation units for natural persons).
MEASURES = {
    "fine": "fine_calculation_units",
    "community_work": "community_work_hours",
    "arrest": "arrest_days",
    "deprivation_of_driving_right": "deprivation_of_driving_right_months",
}


def normalise_offence(text: str) -> str | None:
    """The canonical form of a case number as typed (`OF-26-0101-000001-7`), or None."""
    return numbering.normalise_prefixed("OF", text)


def offence_stream(number: str) -> str:
    return f"offence/{number}"


def _stream_of(data: Any) -> str:
    return offence_stream(normalise_offence(data.offence) or data.offence[:24])


def _rules(case: OffenceCase) -> OffenceRules:
    return offence_rules_by_id(case.rules)


def arrest_possible(ref: OffenceRef) -> bool:
    """Whether the article's sanctions name arrest."""
    return "arrest" in (ref.penalties or {}).get("kinds", [])


def _decide_by(
    received: datetime, ref: OffenceRef, rules: OffenceRules, detained_at: datetime | None = None
) -> datetime:
    """The end of the term to decide: 10 days from receipt, or the day of receipt itself for a
    case that may end in arrest (CoO 535(1), (3)) — and then no later than 48 hours from the
    person's detention, when they were detained."""
    if arrest_possible(ref):
        day = end_of_day(local_date(received))
        if detained_at is None:
            return day
        return min(day, detained_at + timedelta(hours=rules.arrest_case_hours))
    return _days_end(received, rules.decide_within_days)


def _days_end(moment: datetime, days: int) -> datetime:
    """The end of the `days`-th day after `moment`'s day (the start day not counted)."""
    return end_of_day(local_date(moment) + timedelta(days=days))


def _case_for_act(ctx: Context) -> OffenceCase:
    number = normalise_offence(ctx.input.offence)
    found = visible_offences(ctx.user).filter(pk=number).first() if number else None
    if found is None:
        raise _not_visible()
    return found


def article_ref(article: str, part: str | None) -> OffenceRef:
    """The article (and part) of the Code of Offences, or a refusal naming the field."""
    try:
        ref = lookup(CODE, article, part)
    except PartNotFoundError:
        raise Invalid(
            say("Article %(article)s has no part %(part)s.", article=article, part=part),
            fields={"part": gettext_noop("unknown")},
        ) from None
    except ArticleNotFoundError:
        raise Invalid(
            say("There is no article %(article)s of the Code of Offences.", article=article),
            fields={"article": gettext_noop("unknown")},
        ) from None
    if ref.repealed or ref.part_of_code != "special":
        raise Invalid(
            say("Article %(article)s of the Code of Offences defines no offence.", article=article),
            fields={"article": gettext_noop("no offence")},
        )
    if ref.part is None and ref.parts != (None,):
        raise Invalid(
            say(
                "Article %(article)s has parts (%(parts)s); name one.",
                article=article,
                parts=", ".join(p for p in ref.parts if p),
            ),
            fields={"part": gettext_noop("required")},
        )
    return ref


# --- the protocol entered in the register -------------------------------------------------------


class RegisterProtocol(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: PersonInput | PersonRef | None = pydantic.Field(
        default=None,
        description="who committed it (a breach of an order: by default, whom it restrains)",
    )
    article: str = pydantic.Field(pattern=r"^\d{1,3}(-\d)?$", description="of the Code of Offences")
    part: str | None = pydantic.Field(default=None, pattern=r"^\d{1,2}(-\d)?$")
    committed_at: pydantic.AwareDatetime = pydantic.Field(
        ge=EARLIEST, description="when it was committed"
    )
    protocol_at: pydantic.AwareDatetime = pydantic.Field(
        ge=EARLIEST, description="when the protocol was drawn up"
    )
    place: Address
    description: str = pydantic.Field(min_length=3, max_length=4000)
    order: str | None = pydantic.Field(
        default=None, max_length=24, description="the protection order breached (art. 71)"
    )
    detention: str | None = pydantic.Field(
        default=None,
        max_length=24,
        description="the administrative detention of the person for this offence: a case that "
        "may end in arrest is then decided within 48 hours of it (CoO 535(3))",
    )


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _apply_register(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    numbering.note_number(data["unit"], data["year"], data["seq"], OffenceCounter)
    at = event.recorded_at
    person = project_person(data["person"], at)
    place = data["place"]
    police = data["forum"] == "police"
    case = OffenceCase.objects.create(
        number=data["offence"],
        unit_id=data["unit"],
        territory_path=data["territory_path"],
        forum=data["forum"],
        person_id=person,
        article=data["article"],
        part=data["part"] or "",
        title=data["title"],
        committed_at=datetime.fromisoformat(data["committed_at"]),
        protocol_at=datetime.fromisoformat(data["protocol_at"]),
        registered_at=at,
        late_entry=data["late_entry"],
        received_at=datetime.fromisoformat(data["protocol_at"]) if police else None,
        refer_by=_moment(data["refer_by"]),
        decide_by=_moment(data["decide_by"]),
        due_at=_moment(data["refer_by"] or data["decide_by"]),
        rules=data["rules"],
        time_bar_at=datetime.fromisoformat(data["time_bar_at"]),
        order_id=data["order"],
        detained_at=_moment(data.get("detained_at")),
        region=place["region"],
        district=place.get("district") or "",
        address=place["address"],
        officer=event.actor,
    )
    if data.get("detention"):
        AdminDetention.objects.filter(pk=data["detention"]).update(offence=case)
    if data["late_entry"]:
        raise_alert(
            event,
            1,
            kind="offences.late_entry",
            unit=data["unit"],
            roles=["unit_head"],
            subject=case.number,
            message=say(
                "Offence case %(offence)s was entered in the register more than 72 hours after "
                "its protocol (CoO 55(3)).",
                offence=case.number,
            ),
        )
    return {
        "offence": case.number,
        "person": person,
        "forum": case.forum,
        "refer_by": data["refer_by"],
        "decide_by": data["decide_by"],
    }


@act_kind(
    "offences.protocol.register",
    schema=RegisterProtocol,
    roles=POLICE,
    legal_basis="CoO 55(3), 454, 456",
    target="new",
    apply=_apply_register,
    title="Enter a protocol of an offence in the register",
    claimed_time=True,
)
def register_protocol(ctx: Context) -> dict[str, Any]:
    """Enters a protocol of an offence in the register of offences: the person, the article (and
    part) of the Code of Offences, when the offence was committed and when the protocol was drawn
    up (neither in the future, the protocol not before the offence), the place and what happened;
    for a breach of a protection order (art. 71), the order, which must have been in force when
    the offence was committed, and whose restrained person is the person. Only articles the
    police decide (CoO 456) or send to court (454(1)(1)) are taken. An entry more than 72 hours
    after the protocol is marked late and the head of the unit is alerted (55(3), (5)). A case
    the police decide is to be decided within 10 days of the protocol (535(1)), on its day where
    arrest may follow (535(3)); a case for the court is to be sent there within 24 hours
    (521(1))."""
    data = ctx.input
    unit = registering_unit(ctx, say("Your unit keeps no register of offences."))
    if data.protocol_at > ctx.now:
        raise Invalid(
            say("The protocol cannot be drawn up in the future."),
            fields={"protocol_at": gettext_noop("future")},
        )
    if data.committed_at > data.protocol_at:
        raise Invalid(
            say("The offence cannot come after its protocol."),
            fields={"committed_at": gettext_noop("after the protocol")},
        )
    rules = offence_rules_on(local_date(data.committed_at))
    if rules is None:
        raise Invalid(
            say("The Code of Offences of 2021 was not in force on that day."),
            fields={"committed_at": gettext_noop("too early")},
        )
    ref = article_ref(data.article, data.part)
    forum = rules.forum(ref.article, ref.part)
    if forum is None:
        raise Invalid(
            say(
                "Offences under article %(article)s are not for the police to decide or to send to "
                "court (CoO 454, 456).",
                article=ref.article,
            ),
            fields={"article": gettext_noop("not the police's")},
        )
    where = check_place(data.place)
    today = local_date(ctx.now)
    order = _breached_order(ctx, ref) if data.order else None
    detention = (
        found_detention(data.detention, acting_detentions(ctx.user)) if data.detention else None
    )
    if detention is not None:
        _check_detention(detention, data, ref, order)
        person = prepare_person(PersonRef(id=detention.person_id), today)
    elif order is not None:
        restrained = order.persons.get(role="restrained").person_id
        if data.person is not None and data.person != PersonRef(id=restrained):
            raise Invalid(
                say("A breach of an order is the act of the person it restrains; name no other."),
                fields={"person.surname": gettext_noop("not the restrained person")},
            )
        person = prepare_person(PersonRef(id=restrained), today)
    elif data.person is not None:
        person = person_record(ctx, data.person, today)
    else:
        raise Invalid(
            say("Name the person who committed the offence."),
            fields={"person.surname": gettext_noop("required")},
        )
    offence, numbered = open_record(ctx, unit, OffenceCounter, "OF", offence_stream)
    ctx.claimed_at = data.protocol_at
    police = forum == "police"
    # A protocol that may end in arrest goes to court at once (521(2)): within the same 24 hours
    # at the latest, as the code sets no other measure of "at once".
    refer_by = data.protocol_at + timedelta(hours=rules.refer_within_hours)
    detained_at = detention.detained_at if detention is not None else None
    if detained_at is not None and arrest_possible(ref):
        # The court decides within 48 hours of the detention (535(3)).
        refer_by = min(refer_by, detained_at + timedelta(hours=rules.arrest_case_hours))
    time_bar = end_of_day(add_months(local_date(data.committed_at), rules.time_bar_months))
    return {
        "offence": offence,
        **numbered,
        "territory_path": where.path,
        "rules": rules.id,
        "forum": forum,
        "person": person,
        "article": ref.article,
        "part": ref.part,
        "title": ref.title,
        "committed_at": iso(data.committed_at),
        "protocol_at": iso(data.protocol_at),
        "late_entry": ctx.now - data.protocol_at > timedelta(hours=rules.entry_within_hours),
        "refer_by": None if police else iso(refer_by),
        "decide_by": iso(_decide_by(data.protocol_at, ref, rules, detained_at)) if police else None,
        "time_bar_at": iso(time_bar),
        "place": data.place.model_dump(),
        "description": data.description,
        "order": order.number if order is not None else None,
        **({"detention": detention.number, "detained_at": iso(detained_at)} if detention else {}),
    }


def _check_detention(
    detention: AdminDetention, data: Any, ref: OffenceRef, order: ProtectionOrder | None
) -> None:
    """A protocol names a detention of its person for its offence, not yet tied to a case."""
    restrained = order.persons.get(role="restrained").person_id if order is not None else None
    named = data.person.id if isinstance(data.person, PersonRef) else None
    if (data.person is not None and named != detention.person_id) or (
        restrained is not None and restrained != detention.person_id
    ):
        raise Invalid(
            say("The detention is of another person."),
            fields={"detention": gettext_noop("another person")},
        )
    if detention.article != ref.article:
        raise Invalid(
            say(
                "The person was detained for article %(article)s, not this one.",
                article=detention.article,
            ),
            fields={"detention": gettext_noop("another article")},
        )
    if detention.offence_id is not None:
        raise Conflict(
            say(
                "%(detention)s already belongs to offence case %(offence)s.",
                detention=detention.number,
                offence=detention.offence_id,
            )
        )


def _breached_order(ctx: Context, ref: OffenceRef) -> ProtectionOrder:
    """The protection order a protocol under article 71 names: one the user may act on, in force
    when the offence was committed."""
    number = normalise_order(ctx.input.order)
    order = acting_orders(ctx.user).filter(pk=number).first() if number else None
    if order is None:
        raise NotFound(
            say("No such protection order, or it is not visible to you."),
            fields={"order": gettext_noop("unknown")},
        )
    if ref.article != "71":
        raise Invalid(
            say("Only a breach of a protection order (article 71) names an order."),
            fields={"order": gettext_noop("not article 71")},
        )
    if not order.in_force_at(ctx.input.committed_at):
        raise Invalid(
            say("The order was not in force at that time."),
            fields={"committed_at": gettext_noop("outside the term")},
        )
    return order


# --- sent to court ---------------------------------------------------------------------------


class OffenceId(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)


def _apply_refer(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = OffenceCase.objects.get(pk=data["offence"])
    case.state = "referred"
    case.court_id = data["court"]
    case.received_at = event.recorded_at
    case.decide_by = case.due_at = datetime.fromisoformat(data["decide_by"])
    case.save(update_fields=["state", "court", "received_at", "decide_by", "due_at"])
    return {"offence": case.number, "court": data["court"], "decide_by": data["decide_by"]}


@act_kind(
    "offences.protocol.refer",
    schema=OffenceId,
    roles=POLICE,
    legal_basis="CoO 454(1)(1), 456",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_refer,
    title="Send a protocol of an offence to court",
)
def refer_protocol(ctx: Context) -> dict[str, Any]:
    """Sends the protocol of an offence the court decides (CoO 454(1)(1)) to the district court
    of the place (within 24 hours of the protocol, 521(1)); the court's 10 days (535(1)) run
    from then, or it decides that day where arrest may follow (535(3))."""
    case = _case_for_act(ctx)
    if case.forum != "court" or case.state != "registered":
        raise Conflict(
            say("Offence case %(offence)s is not to be sent to court.", offence=case.number)
        )
    court = unit_serving(case.territory_path, "court")
    if court is None:
        raise Conflict(say("No district court serves the place of the offence."))
    rules = _rules(case)
    ref = lookup(CODE, case.article, case.part or None)
    return {
        "offence": case.number,
        "court": court.code,
        "decide_by": iso(_decide_by(ctx.now, ref, rules, case.detained_at)),
    }


# --- the term extended -----------------------------------------------------------------------


class ExtendCase(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)
    days: int = pydantic.Field(ge=1, le=10)
    grounds: str = pydantic.Field(min_length=3, max_length=2000)


def _apply_extend(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = OffenceCase.objects.get(pk=data["offence"])
    case.decide_by = case.due_at = datetime.fromisoformat(data["decide_by"])
    case.extended_days = data["days"]
    case.save(update_fields=["decide_by", "due_at", "extended_days"])
    return {"offence": case.number, "decide_by": data["decide_by"]}


@act_kind(
    "offences.case.extend",
    schema=ExtendCase,
    roles=(*POLICE, *COURT),
    legal_basis="CoO 535(2)",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_extend,
    title="Extend the term to decide an offence case",
)
def extend_case(ctx: Context) -> dict[str, Any]:
    """Extends, once, the term to decide by up to 10 days, on a party's motion or to clarify the
    facts (CoO 535(2)); only the body that decides may, before the term has passed."""
    case = _case_for_act(ctx)
    _deciding(ctx, case)
    assert case.decide_by is not None
    rules = _rules(case)
    if case.extended_days:
        raise Conflict(
            say("The term of offence case %(offence)s was already extended.", offence=case.number)
        )
    if ctx.input.days > rules.extend_by_days:
        raise Invalid(
            say(
                "The term can be extended by %(days)s days at most (CoO 535(2)).",
                days=rules.extend_by_days,
            ),
            fields={"days": gettext_noop("too long")},
        )
    if case.decide_by < ctx.now:
        raise Conflict(
            say("The term to decide offence case %(offence)s has passed.", offence=case.number)
        )
    return {
        "offence": case.number,
        "days": ctx.input.days,
        "grounds": ctx.input.grounds,
        "decide_by": iso(case.decide_by + timedelta(days=ctx.input.days)),
    }


def _deciding(ctx: Context, case: OffenceCase) -> None:
    """Only the body that decides the case acts on it now: the police unit for its own articles,
    the court once the protocol has reached it."""
    judge = "judge" in ctx.user.roles and case.court_id == ctx.user.unit_id
    police = case.forum == "police" and case.unit_id == ctx.user.unit_id
    if case.state not in ("registered", "referred") or not (
        (police and set(ctx.user.roles) & set(POLICE)) or (judge and case.state == "referred")
    ):
        raise Conflict(
            say("Offence case %(offence)s is not before you for decision.", offence=case.number)
        )


# --- the decision ------------------------------------------------------------------------------


class Penalty(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    kind: PENALTY_KINDS
    amount: int | None = pydantic.Field(
        default=None,
        ge=1,
        le=100_000,
        description="calculation units of a fine, hours of work, days of arrest, months",
    )


class Decide(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)
    outcome: Literal["penalty", "terminated"]
    penalty: Penalty | None = None
    grounds: str = pydantic.Field(min_length=3, max_length=4000)


def _apply_decide(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = OffenceCase.objects.get(pk=data["offence"])
    case.state = "decided" if data["outcome"] == "penalty" else "terminated"
    case.decided_at = event.recorded_at
    penalty = data["penalty"] or {}
    case.penalty_kind = penalty.get("kind", "")
    case.penalty_amount = penalty.get("amount")
    case.appeal_until = datetime.fromisoformat(data["appeal_until"])
    case.due_at = None
    case.save()
    answer(event, CANCELLED_ALERT, case.number)
    return {
        "offence": case.number,
        "state": case.state,
        "penalty": data["penalty"],
        "appeal_until": data["appeal_until"],
    }


@act_kind(
    "offences.decision.make",
    schema=Decide,
    roles=(*POLICE, *COURT),
    legal_basis="CoO 48(1), 535, 547(2)",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_decide,
    title="Decide an offence case",
)
def decide_case(ctx: Context) -> dict[str, Any]:
    """Decides the case: a penalty the article's sanction provides, within its bounds for a
    natural person (a fine in calculation units, hours of community work, days of arrest, months
    without a driving licence; a warning has no amount), or the case terminated with the grounds.
    No penalty after 6 months from the offence (CoO 48(1)). The decision may be appealed within 10
    days of the service of its copy (547(2)), served at the decision. A fine goes to the
    enforcement office (the fines module): paid within 30 days, and where the code says so, 70 %
    less if paid within them (563(1), (5)-(6))."""
    case = _case_for_act(ctx)
    _deciding(ctx, case)
    rules = _rules(case)
    data = ctx.input
    penalty = None
    if data.outcome == "penalty":
        if data.penalty is None:
            raise Invalid(
                say("Name the penalty."), fields={"penalty.kind": gettext_noop("required")}
            )
        if ctx.now > case.time_bar_at:
            raise Conflict(
                say(
                    "No penalty can be imposed for an offence committed more than %(months)s "
                    "months ago (CoO 48(1)); terminate the case.",
                    months=rules.time_bar_months,
                )
            )
        penalty = _checked_penalty(case, data.penalty)
    elif data.penalty is not None:
        raise Invalid(
            say("A terminated case imposes no penalty."),
            fields={"penalty.kind": gettext_noop("not with a termination")},
        )
    decided = {
        "offence": case.number,
        "outcome": data.outcome,
        "penalty": penalty,
        "grounds": data.grounds,
        "appeal_until": iso(_days_end(ctx.now, rules.appeal_within_days)),
    }
    if penalty is not None and penalty["kind"] == "fine":
        # What the enforcement of the fine needs (CoO 563): the person, the place, the days to
        # pay and, where the code reduces the fine paid within them, the share then owed.
        chapter = (lookup(CODE, case.article).chapter or {}).get("number")
        reduced = rules.fine_reduced(case.article, case.part or None, chapter)
        decided["payable"] = {
            "person": case.person_id,
            "territory_path": case.territory_path,
            "within_days": rules.fine_within_days,
            "reduced_share": str(rules.fine_reduced_share) if reduced else None,
        }
    return decided


def _checked_penalty(case: OffenceCase, penalty: Penalty) -> dict[str, Any]:
    ref = lookup(CODE, case.article, case.part or None)
    sanction = ref.penalties or {}
    kinds = sanction.get("kinds", [])
    if penalty.kind not in kinds:
        raise Invalid(
            say(
                "Article %(article)s provides no penalty of that kind; it provides: %(kinds)s.",
                article=case.article + (f"({case.part})" if case.part else ""),
                kinds=", ".join(kinds) or "—",
            ),
            fields={"penalty.kind": gettext_noop("not in the sanction")},
        )
    bounds = sanction.get(MEASURES.get(penalty.kind, ""))
    if isinstance(bounds, list):  # fines: per kind of subject, "any" where the code says so
        by_subject = {b.get("subject"): b for b in bounds}
        bounds = by_subject.get("natural_persons") or by_subject.get("any")
    if bounds is None and penalty.kind in MEASURES:
        raise Invalid(
            say(
                "Article %(article)s provides that penalty for officials or legal entities only.",
                article=case.article,
            ),
            fields={"penalty.kind": gettext_noop("not for a natural person")},
        )
    if bounds is None:
        if penalty.amount is not None:
            raise Invalid(
                say("This penalty has no amount."),
                fields={"penalty.amount": gettext_noop("not expected")},
            )
        return {"kind": penalty.kind, "amount": None}
    low, high = bounds["min"], bounds["max"]
    if penalty.amount is None or not low <= penalty.amount <= high:
        raise Invalid(
            say("The article provides %(low)s to %(high)s for this penalty.", low=low, high=high),
            fields={"penalty.amount": gettext_noop("outside the sanction")},
        )
    return {"kind": penalty.kind, "amount": penalty.amount}


# --- appeals -------------------------------------------------------------------------------------


class Appeal(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)
    grounds: str = pydantic.Field(min_length=3, max_length=4000)


def _apply_appeal(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = OffenceCase.objects.get(pk=data["offence"])
    if data.get("joins"):
        case.appellant = "both"
        case.save(update_fields=["appellant"])
        _tell_the_court(event, case, data)
        return {"offence": case.number, "appellant": case.appellant}
    case.state = "appealed"
    case.appeal_court_id = data["appeal_court"]
    case.appealed_at = event.recorded_at
    case.appeal_due_at = case.due_at = _moment(data["appeal_due_at"])
    case.appellant = data.get("appellant", "person")
    case.save(
        update_fields=[
            "state",
            "appeal_court",
            "appealed_at",
            "appeal_due_at",
            "due_at",
            "appellant",
        ]
    )
    _tell_the_court(event, case, data)
    return {
        "offence": case.number,
        "appeal_court": data["appeal_court"],
        "appeal_due_at": data["appeal_due_at"],
    }


def _tell_the_court(event: Event, case: OffenceCase, data: dict[str, Any]) -> None:
    """A prosecutor's appeal is filed with the prosecutor's office: the court learns of it here
    (a person's is registered by the court itself)."""
    if data.get("appellant") == "prosecutor":
        raise_alert(
            event,
            1,
            kind=APPEAL_FILED_ALERT,
            unit=case.appeal_court_id,
            roles=["appeal_judge"],
            subject=case.number,
            message=say(
                "The prosecutor appealed the decision in offence case %(offence)s (CoO "
                "452(3)(7), 547(3)); it is before your court.",
                offence=case.number,
            ),
        )


@act_kind(
    "offences.decision.appeal",
    schema=Appeal,
    roles=("court_clerk", "judge", "appeal_judge", "prosecutor"),
    legal_basis="CoO 452(3)(7), 547, 549",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_appeal,
    title="Register an appeal against a decision on an offence",
)
def appeal_decision(ctx: Context) -> dict[str, Any]:
    """Registers, at the court that hears it, an appeal against a penalty within the 10 days
    after the decision (CoO 547(2)): a decision of the police goes to the district court, which
    decides within 10 days and meanwhile the penalty is not executed (547(1), 549); a decision of
    a court goes to the second instance (547(3)), within 48 hours where it imposed arrest
    (547(4)); the code sets the second instance no other term. The prosecutor overseeing the
    case files their own appeal against a court's decision (452(3)(7)); a decision of the police
    they cancel themselves (452(3)(5))."""
    prosecutor = ctx.actor.role == "prosecutor"
    case, court = _prosecutors_appeal(ctx) if prosecutor else _court_hearing(ctx)
    appellant = "prosecutor" if prosecutor else "person"
    if case.state == "appealed":  # the other side's appeal is heard with the first
        if (case.appellant or "person") in (appellant, "both"):
            raise Conflict(
                say("Offence case %(offence)s was already appealed.", offence=case.number)
            )
        if not prosecutor and ctx.user.unit_id != case.appeal_court_id:
            raise _not_visible()  # before another court, which registers the one joining it
    elif case.appealed_at is not None:
        raise Conflict(say("Offence case %(offence)s was already appealed.", offence=case.number))
    elif case.state != "decided" or case.appeal_until is None:
        raise Conflict(
            say("Offence case %(offence)s has no penalty to appeal.", offence=case.number)
        )
    if case.appeal_until is None or ctx.now > case.appeal_until:  # kept while appealed
        raise Conflict(say("The 10 days to appeal have passed (CoO 547(2))."))
    if case.state == "appealed":
        return {
            "offence": case.number,
            "grounds": ctx.input.grounds,
            "appeal_court": case.appeal_court_id,
            "appeal_due_at": iso(case.appeal_due_at),
            "appellant": appellant,
            "joins": True,  # the ruling's term and the fine's suspension are the first's
        }
    police = case.forum == "police"
    rules = _rules(case)
    due = None
    if police:
        due = _days_end(ctx.now, rules.appeal_decide_days)
    elif case.penalty_kind == "arrest":
        due = ctx.now + timedelta(hours=rules.appeal_arrest_hours)
    return {
        "offence": case.number,
        "grounds": ctx.input.grounds,
        "appeal_court": court.code,
        "appeal_due_at": iso(due),
        "appellant": appellant,
        # The penalty waits for the ruling: the police's by 549(1); a court's is not in force
        # while appealed (539(6), 555(2)).
        "suspends": True,
    }


def _not_visible() -> NotFound:
    return NotFound(
        say("No such offence case, or it is not visible to you."),
        fields={"offence": gettext_noop("unknown")},
    )


def _court_hearing(ctx: Context) -> tuple[OffenceCase, Any]:
    """The case a court registers an appeal in, found by its number (before the appeal the case
    is not the court's to read), and that court: the district court for a police decision, the
    second instance for a court's. Anyone else learns nothing of it (missing and forbidden
    alike)."""
    number = normalise_offence(ctx.input.offence)
    case = OffenceCase.objects.filter(pk=number).first() if number else None
    if case is None:
        raise _not_visible()
    court = unit_serving(case.territory_path, "court" if case.forum == "police" else "appeal_court")
    if court is None or court.code != ctx.user.unit_id:
        raise _not_visible()
    return case, court


def _prosecutors_appeal(ctx: Context) -> tuple[OffenceCase, Any]:
    """The case a prosecutor appeals (one they oversee, decided by a court) and the court of
    the second instance that hears it."""
    case = _case_for_act(ctx)
    if case.forum == "police":
        raise Conflict(
            say(
                "A decision of the police in offence case %(offence)s is not appealed by the "
                "prosecutor: cancel it by a decision of your own (CoO 452(3)(5)).",
                offence=case.number,
            )
        )
    court = unit_serving(case.territory_path, "appeal_court")
    if court is None:
        raise Conflict(say("No court of the second instance serves the territory of this case."))
    return case, court


class DecideAppeal(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    offence: str = pydantic.Field(min_length=1, max_length=24)
    outcome: Literal["upheld", "quashed"]
    grounds: str = pydantic.Field(min_length=3, max_length=4000)


def _apply_decide_appeal(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = OffenceCase.objects.get(pk=data["offence"])
    case.state = "decided" if data["outcome"] == "upheld" else "quashed"
    case.appeal_outcome = data["outcome"]
    case.due_at = None
    case.save(update_fields=["state", "appeal_outcome", "due_at"])
    answer(event, APPEAL_FILED_ALERT, case.number)
    return {"offence": case.number, "outcome": data["outcome"], "state": case.state}


@act_kind(
    "offences.appeal.decide",
    schema=DecideAppeal,
    roles=("judge", "appeal_judge"),
    legal_basis="CoO 551, 552, 553",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_decide_appeal,
    title="Decide an appeal on an offence",
)
def decide_appeal(ctx: Context) -> dict[str, Any]:
    """The court hearing the appeal leaves the decision as it is or quashes it and ends the case
    (CoO 551(1), 552(1)); its ruling is in force at once. A quashed fine is returned (553(1));
    one upheld is paid within 15 days (563(1))."""
    case = _case_for_act(ctx)
    if case.state != "appealed" or case.appeal_court_id != ctx.user.unit_id:
        raise Conflict(
            say("No appeal in offence case %(offence)s is before you.", offence=case.number)
        )
    rules = _rules(case)
    decided = {
        "offence": case.number,
        "outcome": ctx.input.outcome,
        "grounds": ctx.input.grounds,
    }
    if case.penalty_kind == "fine":
        decided["fine_due_in_days"] = rules.fine_after_appeal_days
    return decided


# A detention points at the case its protocol opened: its table is emptied first.
projections.tables(AdminDetention, OffenceCase, OffenceCounter)
