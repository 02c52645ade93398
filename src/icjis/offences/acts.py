"""Act kinds of the register of protection orders (module J).

A temporary protection order shields the victims of family violence from the person who
committed it (Law of 27.04.2017 No. 63). The police are told of the violence; from that hour the
order is to be issued within 24 hours (art. 25), for at least 3 days and, extended, for no more
than 30 in all (art. 27). A breach of the order's conditions is an offence under CoO 71 where the
facts are not a crime. The values are data (`rules/protection-orders.toml`), kept per version.

The acts of one order go to its own stream, `order/<number>`:

- `offences.order.request` records the report of violence, the person to restrain, the persons
  to protect and the place, and starts the 24-hour term to issue;
- `offences.order.issue` issues it with its conditions and its term, or `offences.order.refuse`
  refuses it with the grounds;
- `offences.order.extend` lengthens the term, within the 30 days;
- `offences.order.breach` records a breach and tells the unit (an alert);
- `offences.order.revoke` ends it early with the grounds.

An order whose term has run has expired: no act is needed, `ProtectionOrder.state_at` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import pydantic
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from icjis.core import numbering, projections
from icjis.core.access import restrict, visible_persons
from icjis.core.acts import Context, act_kind
from icjis.core.alerts import raise_alert
from icjis.core.canonical import iso
from icjis.core.models import Event, Territory, Unit
from icjis.core.persons import (
    PersonInput,
    PersonRef,
    check_residence,
    prepare_person,
    project_person,
)
from icjis.core.refusals import Conflict, Invalid, NotFound, Said, say
from icjis.core.warnings import address_key
from icjis.legal.counting import local_date
from icjis.offences.access import acting_orders
from icjis.offences.models import (
    AdminDetention,
    Breach,
    OrderCounter,
    OrderPerson,
    ProtectionOrder,
)
from icjis.offences.rules import OrderRules, rules_by_id, rules_on, versions

OFFICERS = ("offences_officer", "unit_head")
"""Who issues, refuses, extends and revokes an order (the internal affairs body, art. 25)."""
RECEIVERS = (*OFFICERS, "registrar", "dispatcher")
"""Who may take the report of violence that starts an order."""
TOLD = list(OFFICERS)  # the roles an alert about an order is told to

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""No claimed time before this is taken: the registers start long after it, and a year 1 would
not even survive the conversion to local time."""


def normalise_order(text: str) -> str | None:
    """The canonical form of an order number as typed (`PO-26-0101-000001-7`, dashes optional),
    or None if it is not one or its check digit is wrong."""
    return numbering.normalise_prefixed("PO", text)


def normalise_detention(text: str) -> str | None:
    """The canonical form of an administrative detention's number as typed
    (`AD-26-0101-000001-7`), or None."""
    return numbering.normalise_prefixed("AD", text)


def found_detention(number: str, qs: QuerySet[AdminDetention]) -> AdminDetention:
    """The detention `number` in `qs` (missing and forbidden look alike)."""
    key = normalise_detention(number)
    found = qs.filter(pk=key).select_related("unit").first() if key else None
    if found is None:
        raise NotFound(
            say("No such detention, or it is not visible to you."),
            fields={"detention": gettext_noop("unknown")},
        )
    return found


def order_stream(number: str) -> str:
    return f"order/{number}"


def registering_unit(ctx: Context, refusal: Said) -> Unit:
    """The acting user's unit, if it keeps registers (a register code for their numbers)."""
    unit = getattr(ctx.user, "unit", None)
    if unit is None or not unit.register_code:
        raise Conflict(refusal)
    return unit


def open_record(
    ctx: Context, unit: Unit, counter_model: Any, prefix: str, stream: Callable[[str], str]
) -> tuple[str, dict[str, Any]]:
    """Take the unit's next number in the register `counter_model` counts (`core.numbering`)
    and open the new record's stream: the record's number (`<prefix>-…`), and what the event
    keeps of it for the projector's `numbering.note_number` (unit, year, seq)."""
    year = local_date(ctx.now).year
    number, seq = numbering.take_number(unit, year, counter_model)
    record = f"{prefix}-{number}"
    ctx.stream = stream(record)
    return record, {"unit": unit.code, "year": year, "seq": seq}


def _stream_of(data: Any) -> str:
    return order_stream(normalise_order(data.order) or data.order[:24])


def _order_for_act(ctx: Context) -> tuple[ProtectionOrder, OrderRules]:
    """The order the act names, if the user may act on it (missing and forbidden look alike)."""
    number = normalise_order(ctx.input.order)
    order = acting_orders(ctx.user).filter(pk=number).first() if number else None
    if order is None:
        raise NotFound(
            say("No such protection order, or it is not visible to you."),
            fields={"order": gettext_noop("unknown")},
        )
    return order, rules_by_id(order.rules)


def person_record(ctx: Context, given: PersonInput | PersonRef, today: date) -> dict[str, Any]:
    """`prepare_person`, naming an existing person only if the user may see them: a register is
    no way to reach a person's record from outside one's scope (missing and forbidden alike)."""
    if isinstance(given, PersonRef) and not visible_persons(ctx.user).filter(pk=given.id).exists():
        raise NotFound(say("There is no person %(person)s in the index.", person=given.id))
    return prepare_person(given, today)


def _check_total(total: int, rules: OrderRules) -> None:
    if total > rules.max_days:
        raise Invalid(
            say(
                "An order runs for %(max)s days at most in all (%(article)s); "
                "%(total)s were asked for.",
                max=rules.max_days,
                article=rules.term_article,
                total=total,
            ),
            fields={"days": gettext_noop("too long")},
        )


class Address(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    region: str = pydantic.Field(pattern=r"^KG-[A-Z]{1,2}$", description="ISO 3166-2 code")
    district: str | None = pydantic.Field(default=None, max_length=32)
    address: str = pydantic.Field(min_length=3, max_length=300, description="street and house")


def check_place(place: Address) -> Territory:
    """The territory of a place: its district when given (which must lie in its region), else
    its region; else the act is refused at the field."""
    region = check_residence(place.region, field="place.region")
    if not place.district:
        return region
    district = check_residence(place.district, field="place.district")
    if not district.path.startswith(region.path):
        raise Invalid(
            say(
                "%(district)s does not lie in %(region)s.",
                district=place.district,
                region=place.region,
            ),
            fields={"place.district": gettext_noop("not in the region")},
        )
    return district


def _note_on_case(order: ProtectionOrder) -> None:
    """An order asked for in a criminal case is shown in the case's details."""
    if order.case_id:
        entry = {"state": order.state, "until": iso(order.until)}
        projections.note_on_case(order.case_id, "protection_orders", order.number, entry)


# --- the report of violence: the order asked for ----------------------------------------------


class RequestOrder(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    restrained: PersonInput | PersonRef = pydantic.Field(
        description="the person who committed the violence"
    )
    protected: PersonInput | PersonRef = pydantic.Field(description="the victim of the violence")
    others_protected: list[PersonInput | PersonRef] = pydantic.Field(
        default_factory=list, max_length=9, description="others the order protects (children …)"
    )
    place: Address
    reported_at: pydantic.AwareDatetime = pydantic.Field(
        ge=EARLIEST, description="when the police learnt of the violence"
    )
    summary: str = pydantic.Field(min_length=3, max_length=4000)
    case: str | None = pydantic.Field(
        default=None, max_length=20, description="the criminal case, where the facts are a crime"
    )


def _apply_request(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    numbering.note_number(data["unit"], data["year"], data["seq"], OrderCounter)
    at = event.recorded_at
    place = data["place"]
    order = ProtectionOrder.objects.create(
        number=data["order"],
        unit_id=data["unit"],
        territory_path=data["territory_path"],
        rules=data["rules"],
        reported_at=datetime.fromisoformat(data["reported_at"]),
        issue_due_at=datetime.fromisoformat(data["issue_due_at"]),
        requested_at=at,
        region=place["region"],
        district=place.get("district") or "",
        address=place["address"],
        address_key=address_key(place["address"]),
        case_id=data["case"],
        officer=event.actor,
    )
    restrained = project_person(data["restrained"], at)
    protected = [project_person(p, at) for p in data["protected"]]
    OrderPerson.objects.bulk_create(
        [OrderPerson(order=order, person_id=restrained, role="restrained")]
        + [OrderPerson(order=order, person_id=p, role="protected") for p in protected]
    )
    _note_on_case(order)
    return {
        "order": order.number,
        "restrained": restrained,
        "protected": protected,
        "issue_due_at": data["issue_due_at"],
    }


@act_kind(
    "offences.order.request",
    schema=RequestOrder,
    roles=RECEIVERS,
    legal_basis="Law of 27.04.2017 No. 63, art. 25",
    target="new",
    apply=_apply_request,
    title="Register a report of family violence for a protection order",
    claimed_time=True,
)
def request_order(ctx: Context) -> dict[str, Any]:
    """Registers the report of family violence that calls for a temporary protection order: the
    person who committed it, the persons to protect, the place and when the police learnt of it
    (not in the future). The order gets a number of the unit's register of orders, and the term
    to issue it starts: 24 hours from that hour (art. 25). A criminal case may be named where the
    facts are a crime; the order is then shown in the case."""
    data = ctx.input
    unit = registering_unit(ctx, say("Your unit keeps no register of protection orders."))
    if data.reported_at > ctx.now:
        raise Invalid(
            say("The hour the police learnt of the violence cannot lie in the future."),
            fields={"reported_at": gettext_noop("future")},
        )
    rules = rules_on(local_date(data.reported_at))
    if rules is None:
        raise Invalid(
            say("No rules for protection orders were in force on that day."),
            fields={"reported_at": gettext_noop("too early")},
        )
    where = check_place(data.place)
    case = None
    if data.case:
        case = numbering.normalise(data.case)
        if case is None or not restrict(ctx.user).filter(pk=case).exists():
            raise NotFound(
                say("No such case, or it is not visible to you."),
                fields={"case": gettext_noop("unknown")},
            )
    today = local_date(ctx.now)
    restrained = person_record(ctx, data.restrained, today)
    protected = [person_record(ctx, p, today) for p in (data.protected, *data.others_protected)]
    existing = [p["id"] for p in protected if p.get("existing")]
    if restrained.get("existing") and restrained["id"] in existing:
        raise Invalid(
            say("The person the order restrains cannot also be one it protects."),
            fields={"protected": gettext_noop("same person")},
        )
    if len(set(existing)) < len(existing):
        raise Invalid(
            say("A person is named twice among those the order protects."),
            fields={"protected": gettext_noop("repeated")},
        )
    order, numbered = open_record(ctx, unit, OrderCounter, "PO", order_stream)
    ctx.claimed_at = data.reported_at
    return {
        "order": order,
        **numbered,
        "territory_path": where.path,
        "rules": rules.id,
        "reported_at": iso(data.reported_at),
        "issue_due_at": iso(data.reported_at + timedelta(hours=rules.issue_within_hours)),
        "restrained": restrained,
        "protected": protected,
        "place": data.place.model_dump(),
        "summary": data.summary,
        "case": case,
    }


# --- issuing or refusing ------------------------------------------------------------------------


# Every condition any version of the rules knows; an order takes those of its own version.
ConditionCode = Literal[tuple(sorted({c.code for v in versions() for c in v.conditions}))]  # type: ignore[valid-type]


class IssueOrder(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    order: str = pydantic.Field(min_length=1, max_length=24)
    days: int = pydantic.Field(ge=1, le=366, description="the term in days")
    conditions: list[ConditionCode] = pydantic.Field(  # type: ignore[valid-type]
        min_length=1, max_length=10, description="what the order forbids or requires"
    )


def _apply_issue(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    order = ProtectionOrder.objects.get(pk=data["order"])
    order.state = "in_force"
    order.issued_at = event.recorded_at
    order.issued_late = data["late"]
    order.until = datetime.fromisoformat(data["until"])
    order.days = data["days"]
    order.conditions = data["conditions"]
    order.save()
    _note_on_case(order)
    return {"order": order.number, "until": data["until"], "late": data["late"]}


@act_kind(
    "offences.order.issue",
    schema=IssueOrder,
    roles=OFFICERS,
    legal_basis="Law of 27.04.2017 No. 63, arts. 25, 27",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_issue,
    title="Issue a temporary protection order",
)
def issue_order(ctx: Context) -> dict[str, Any]:
    """Issues the order asked for, with what it forbids or requires of the person it restrains,
    for at least 3 days and at most 30 (art. 27), from the moment of issue. An order issued
    after its 24 hours (art. 25) is issued all the same, and marked as issued late."""
    order, rules = _order_for_act(ctx)
    if order.state != "requested":
        raise Conflict(say("Protection order %(order)s is not awaiting issue.", order=order.number))
    days = ctx.input.days
    if days < rules.min_days:
        raise Invalid(
            say(
                "An order runs for at least %(min)s days (%(article)s).",
                min=rules.min_days,
                article=rules.term_article,
            ),
            fields={"days": gettext_noop("too short")},
        )
    _check_total(days, rules)
    conditions = _conditions(ctx.input.conditions, rules)
    return {
        "order": order.number,
        "days": days,
        "conditions": conditions,
        "until": iso(ctx.now + timedelta(days=days)),
        "late": ctx.now > order.issue_due_at,
    }


def _conditions(codes: list[str], rules: OrderRules) -> list[str]:
    unknown = sorted(set(codes) - rules.condition_codes)
    if unknown:
        raise Invalid(
            say(
                "Unknown condition of an order: %(codes)s. Known: %(known)s.",
                codes=", ".join(unknown),
                known=", ".join(c.code for c in rules.conditions),
            ),
            fields={"conditions": gettext_noop("unknown")},
        )
    # In the rules' order, each once: the same order reads the same however it was typed.
    return [c.code for c in rules.conditions if c.code in codes]


class Grounds(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    order: str = pydantic.Field(min_length=1, max_length=24)
    grounds: str = pydantic.Field(min_length=3, max_length=2000)


def _close(state: str) -> Any:
    def apply(event: Event, data: dict[str, Any]) -> dict[str, Any]:
        order = ProtectionOrder.objects.get(pk=data["order"])
        order.state = state
        order.closed_at = event.recorded_at
        order.save(update_fields=["state", "closed_at"])
        _note_on_case(order)
        return {"order": order.number, "state": state}

    return apply


@act_kind(
    "offences.order.refuse",
    schema=Grounds,
    roles=OFFICERS,
    legal_basis="Law of 27.04.2017 No. 63, art. 25",
    target="stream",
    stream_for=_stream_of,
    apply=_close("refused"),
    title="Refuse a protection order",
)
def refuse_order(ctx: Context) -> dict[str, Any]:
    """Refuses the order asked for, with the grounds; the term to issue it is then answered."""
    order, _rules = _order_for_act(ctx)
    if order.state != "requested":
        raise Conflict(say("Protection order %(order)s is not awaiting issue.", order=order.number))
    return {"order": order.number, "grounds": ctx.input.grounds}


def _in_force(order: ProtectionOrder, now: datetime) -> None:
    if order.state_at(now) != "in_force":
        raise Conflict(say("Protection order %(order)s is not in force.", order=order.number))


# --- extension, breach, revocation -------------------------------------------------------------


class ExtendOrder(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    order: str = pydantic.Field(min_length=1, max_length=24)
    days: int = pydantic.Field(ge=1, le=366, description="days added to the term")


def _apply_extend(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    order = ProtectionOrder.objects.get(pk=data["order"])
    order.until = datetime.fromisoformat(data["until"])
    order.days = data["total_days"]
    order.save(update_fields=["until", "days"])
    _note_on_case(order)
    return {"order": order.number, "until": data["until"], "total_days": data["total_days"]}


@act_kind(
    "offences.order.extend",
    schema=ExtendOrder,
    roles=OFFICERS,
    legal_basis="Law of 27.04.2017 No. 63, art. 27",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_extend,
    title="Extend a protection order",
)
def extend_order(ctx: Context) -> dict[str, Any]:
    """Lengthens an order in force by the days given, to 30 days at most in all (art. 27). An
    order that has expired cannot be extended: a new report asks for a new order."""
    order, rules = _order_for_act(ctx)
    _in_force(order, ctx.now)
    assert order.until is not None
    total = order.days + ctx.input.days
    _check_total(total, rules)
    return {
        "order": order.number,
        "days": ctx.input.days,
        "total_days": total,
        "until": iso(order.until + timedelta(days=ctx.input.days)),
    }


class RecordBreach(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    order: str = pydantic.Field(min_length=1, max_length=24)
    occurred_at: pydantic.AwareDatetime = pydantic.Field(
        ge=EARLIEST, description="when the breach happened"
    )
    conditions: list[ConditionCode] = pydantic.Field(  # type: ignore[valid-type]
        default_factory=list, max_length=10, description="the conditions breached"
    )
    description: str = pydantic.Field(min_length=3, max_length=4000)


def _apply_breach(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    order = ProtectionOrder.objects.select_related("unit__territory").get(pk=data["order"])
    Breach.objects.create(
        order=order,
        seq=event.seq,
        occurred_at=datetime.fromisoformat(data["occurred_at"]),
        recorded_at=event.recorded_at,
        description=data["description"],
        conditions=data["conditions"],
    )
    order.breaches += 1
    order.save(update_fields=["breaches"])
    raise_alert(
        event,
        1,
        kind="offences.order.breach",
        unit=order.unit,
        roles=TOLD,
        subject=order.number,
        message=say(
            "Protection order %(order)s was breached; where the facts are not a crime, "
            "they are an offence under %(article)s.",
            order=order.number,
            article=data["article"],
        ),
    )
    return {"order": order.number, "breaches": order.breaches, "article": data["article"]}


@act_kind(
    "offences.order.breach",
    schema=RecordBreach,
    roles=RECEIVERS,
    legal_basis="Law of 27.04.2017 No. 63; CoO 71",
    target="stream",
    stream_for=_stream_of,
    apply=_apply_breach,
    title="Record a breach of a protection order",
    claimed_time=True,
)
def record_breach(ctx: Context) -> dict[str, Any]:
    """Records a breach of an order's conditions: when it happened (within the order's term, not
    in the future), which conditions and what was done. The unit's offences officers and its head
    are alerted: where the facts are not a crime, the breach is an offence under CoO 71."""
    order, rules = _order_for_act(ctx)
    data = ctx.input
    if order.issued_at is None or order.until is None:
        raise Conflict(say("Protection order %(order)s was never in force.", order=order.number))
    if data.occurred_at > ctx.now:
        raise Invalid(
            say("The breach cannot have happened in the future."),
            fields={"occurred_at": gettext_noop("future")},
        )
    if not order.in_force_at(data.occurred_at):
        raise Invalid(
            say("The order was not in force at that time."),
            fields={"occurred_at": gettext_noop("outside the term")},
        )
    breached = _conditions(data.conditions, rules) if data.conditions else []
    if set(breached) - set(order.conditions):
        raise Invalid(
            say("The order does not impose that condition."),
            fields={"conditions": gettext_noop("not in the order")},
        )
    ctx.claimed_at = data.occurred_at
    return {
        "order": order.number,
        "occurred_at": iso(data.occurred_at),
        "conditions": breached,
        "description": data.description,
        "article": rules.breach_article,
    }


@act_kind(
    "offences.order.revoke",
    schema=Grounds,
    roles=OFFICERS,
    legal_basis="Law of 27.04.2017 No. 63, art. 27",
    target="stream",
    stream_for=_stream_of,
    apply=_close("revoked"),
    title="Revoke a protection order",
)
def revoke_order(ctx: Context) -> dict[str, Any]:
    """Ends an order in force before its term, with the grounds."""
    order, _rules = _order_for_act(ctx)
    _in_force(order, ctx.now)
    return {"order": order.number, "grounds": ctx.input.grounds}


projections.tables(Breach, OrderPerson, ProtectionOrder, OrderCounter)
