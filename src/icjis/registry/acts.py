"""Acts of the register of crimes (module A): from the report to the case.

Registration is immediate on receipt and the system stamps date, time and number (CPC 145(1),
146(2), 147(1)); the applicant gets a receipt with the number and a token for the public status
page, which shows nothing personal.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import pydantic
from django.db import connection
from django.utils.translation import gettext_noop

from icjis.core import numbering
from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso, sha256_hex
from icjis.core.ledger import lock_head
from icjis.core.models import (
    Case,
    CaseOfficer,
    CaseParticipant,
    CaseUnit,
    Event,
    Territory,
    Unit,
    User,
)
from icjis.core.persons import (
    PersonInput,
    PersonRef,
    new_person_sql,
    prepare_person,
    project_person,
)
from icjis.core.refusals import Conflict, Forbidden, Invalid, say
from icjis.legal.rulepacks import legislation_set_on, pack_in_force
from icjis.registry.models import Receipt

LOCAL = ZoneInfo("Asia/Bishkek")
OPEN_STAGES = ("registered", "pre_investigation", "investigation", "prosecution")


class Place(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    region: str = pydantic.Field(pattern=r"^KG-[A-Z]{1,2}$", description="ISO 3166-2 code")
    district: str | None = pydantic.Field(default=None, max_length=32)
    address: str | None = pydantic.Field(default=None, max_length=300)


class RegisterReport(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    channel: Literal["in_person", "phone", "online", "dispatch", "transfer", "offence"]
    summary: str = pydantic.Field(min_length=3, max_length=4000)
    place: Place
    occurred_at: datetime | None = None
    applicant: PersonInput | None = None
    reference: (
        Annotated[
            str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
        ]
        | None
    ) = pydantic.Field(
        default=None,
        description="the record the report comes from: the incident of a call (channel dispatch)"
        ", the sending agency's number (transfer), or the case of an offence whose facts are a "
        "crime (offence, CoO 516)",
    )
    unit: str | None = pydantic.Field(
        default=None,
        max_length=32,
        description="the unit that registers a report received from another agency's system "
        "(given by the exchange, which performs the registration; refused from anyone else)",
        json_schema_extra={"system": True},
    )


def case_of(event: Event) -> Case:
    return Case.objects.get(number=event.stream.removeprefix("case/"))


def _apply_register(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    unit = Unit.objects.select_related("territory").get(code=data["unit"])
    case = Case.objects.create(
        number=data["number"],
        stage="registered",
        legislation_set=data["legislation_set"],
        rule_pack=data["rule_pack"],
        unit=unit,
        territory_path=unit.territory.path,
        registered_at=event.recorded_at,
        last_movement_at=event.recorded_at,
        summary=data["summary"],
        details={
            "channel": data["channel"],
            "place": data["place"],
            "receipt": data["receipt_hash"],
            "occurred_at": data["occurred_at"],
            **({"reference": data["reference"]} if data.get("reference") else {}),
        },
    )
    CaseUnit.objects.create(case=case, unit=unit, capacity="registering")
    Receipt.objects.create(token_hash=data["receipt_hash"], case=case, issued_at=event.recorded_at)
    numbering.note_number(unit.code, data["year"], data["seq"])
    result: dict[str, Any] = {"case": case.number}
    if data.get("applicant"):
        pid = project_person(data["applicant"], event.recorded_at)
        CaseParticipant.objects.create(
            case=case, person_id=pid, role="applicant", since=event.recorded_at
        )
        result["applicant"] = pid
    return result


@act_kind(
    "registry.report.register",
    schema=RegisterReport,
    roles=("registrar", "investigator", "unit_head", "dispatcher"),
    legal_basis="CPC 145(1), 146(2), 147(1)",
    target="new",
    apply=_apply_register,
    title="Register a crime report",
)
def register_report(ctx: Context) -> dict[str, Any]:
    """Enters a crime report in the register the moment it is received: the system gives the
    number, date and time; the applicant receives a receipt (CPC 145(1), 146(2), 147(1))."""
    data = ctx.input
    if data.unit is not None and not getattr(ctx.user, "is_system", False):
        raise Forbidden(
            say("Only a report received from another agency's system names the unit."),
            fields={"unit": gettext_noop("not yours to give")},
        )
    code = data.unit if data.unit is not None else ctx.user.unit_id
    unit = Unit.objects.select_related("territory").filter(code=code).first()
    if unit is None or not unit.register_code:
        raise Conflict(
            say("Your unit does not keep a register of crimes; register at a police unit.")
        )
    if not Territory.objects.filter(code=data.place.region, level="region").exists():
        raise Invalid(
            say("%(region)s is not a region code (KG-B, KG-C, KG-GB …).", region=data.place.region),
            fields={"place.region": gettext_noop("unknown region")},
        )
    if data.occurred_at is not None:
        if data.occurred_at.tzinfo is None:
            raise Invalid(
                say("Give occurred_at with its timezone."),
                fields={"occurred_at": gettext_noop("no timezone")},
            )
        if data.occurred_at > ctx.now:
            raise Invalid(
                say("The offence cannot have happened in the future."),
                fields={"occurred_at": gettext_noop("future")},
            )
    local_today = ctx.now.astimezone(LOCAL).date()
    offence_day = data.occurred_at.astimezone(LOCAL).date() if data.occurred_at else local_today
    # Every check first; only then take the number and lock the new stream.
    applicant = prepare_person(data.applicant, local_today) if data.applicant else None
    number, seq = numbering.take_number(unit, local_today.year)
    ctx.stream = f"case/{number}"
    ctx.head = lock_head(ctx.stream)
    token = secrets.token_urlsafe(18)
    ctx.extra_result = {"receipt_token": token}
    return {
        "number": number,
        "year": local_today.year,
        "seq": seq,
        "unit": unit.code,
        "channel": data.channel,
        "summary": data.summary,
        "place": data.place.model_dump(),
        "occurred_at": iso(data.occurred_at),  # as the ledger keeps it (the projection too)
        "applicant": applicant,
        "receipt_hash": sha256_hex(token),
        "legislation_set": legislation_set_on(offence_day).id,
        "rule_pack": pack_in_force(local_today).id,
        # Kept only when given, so the events of reports without one stay as they were.
        **({"reference": data.reference} if data.reference else {}),
    }


class AssignCase(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    officer: str = pydantic.Field(min_length=1, max_length=64, description="username")


def _apply_assign(event: Event, data: dict[str, Any]) -> None:
    case = case_of(event)
    CaseOfficer.objects.filter(case=case, role="investigator").delete()
    CaseOfficer.objects.create(
        case=case, username=data["officer"], role="investigator", since=event.recorded_at
    )
    stage = "pre_investigation" if case.stage == "registered" else case.stage
    Case.objects.filter(pk=case.pk).update(stage=stage, last_movement_at=event.recorded_at)


@act_kind(
    "registry.case.assign",
    schema=AssignCase,
    roles=("unit_head",),
    legal_basis="CPC 153",
    apply=_apply_assign,
    title="Assign the report to an investigator",
)
def assign_case(ctx: Context) -> dict[str, Any]:
    """Gives the report (or case) to an investigator of the unit for the check and the
    investigation; the head of the investigative unit assigns (CPC 153)."""
    case = ctx.case
    assert case is not None
    if case.stage not in OPEN_STAGES:
        # The stage's code, as the API has always said it (a page rewords it, web.refusals).
        raise Conflict(say("The case is %(stage)s; it cannot be assigned now.", stage=case.stage))
    if case.unit_id != ctx.user.unit_id:
        raise Forbidden(
            say(
                "The case is held by unit %(unit)s; the head of that unit assigns it.",
                unit=case.unit_id,
            )
        )
    officer = User.objects.filter(username=ctx.input.officer, is_active=True).first()
    if officer is None or "investigator" not in officer.roles:
        raise Invalid(
            say("%(officer)s is not an active investigator.", officer=ctx.input.officer),
            fields={"officer": gettext_noop("not an investigator")},
        )
    if officer.unit_id != ctx.user.unit_id:
        raise Forbidden(say("You can assign only investigators of your own unit."))
    return {"officer": officer.username}


ROLES_IN_CASE = Literal["suspect", "victim", "witness", "applicant", "accused", "representative"]


class AddParticipant(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    role: ROLES_IN_CASE
    person: PersonInput | PersonRef


def _apply_participant(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    # Writes only, keyed by the case number in the stream name: no read of the case row. A
    # missing case still fails, on the participant's foreign key.
    number = event.stream.removeprefix("case/")
    at = event.recorded_at
    person = data["person"]
    if not person.get("existing") and connection.vendor == "postgresql":
        # A person this event itself created cannot already be in the case: the person, their
        # duplicate flags, the participant and the case's last movement in one statement, with
        # no read and no savepoint, here and on replay.
        ctes, params = new_person_sql(person, at)
        with connection.cursor() as cur:
            cur.execute(
                f"WITH {ctes}, {_PG_ADD_NEW}",  # noqa: S608 - no input in the text
                [*params, number, person["id"], data["role"], at, at, number],
            )
        return {"person": person["id"]}
    pid = project_person(person, at)
    if person.get("existing"):
        CaseParticipant.objects.get_or_create(
            case_id=number, person_id=pid, role=data["role"], defaults={"since": at}
        )
    else:
        CaseParticipant.objects.create(case_id=number, person_id=pid, role=data["role"], since=at)
    Case.objects.filter(pk=number).update(last_movement_at=at)
    return {"person": pid}


_PG_ADD_NEW = """
    added AS (
        INSERT INTO core_caseparticipant (case_id, person_id, role, since)
        VALUES (%s, %s, %s, %s)
    )
    UPDATE core_case SET last_movement_at = %s WHERE number = %s
"""


@act_kind(
    "registry.participant.add",
    schema=AddParticipant,
    roles=("registrar", "investigator"),
    legal_basis="CPC 40-58",
    apply=_apply_participant,
    title="Add a participant",
)
def add_participant(ctx: Context) -> dict[str, Any]:
    """Records a participant of the proceedings (suspect, victim, witness, applicant …)."""
    case = ctx.case
    assert case is not None
    if case.stage not in OPEN_STAGES:
        raise Conflict(
            say("The case is %(stage)s; participants can no longer be added.", stage=case.stage)
        )
    person = prepare_person(ctx.input.person, ctx.now.astimezone(LOCAL).date())
    if (
        person.get("existing")
        and CaseParticipant.objects.filter(
            case=case, person_id=person["id"], role=ctx.input.role
        ).exists()
    ):
        pid = person["id"]
        # One sentence per role (ROLES_IN_CASE), each said whole in the reader's language.
        already = {
            "suspect": say("%(person)s is already a suspect in this case.", person=pid),
            "victim": say("%(person)s is already a victim in this case.", person=pid),
            "witness": say("%(person)s is already a witness in this case.", person=pid),
            "applicant": say("%(person)s is already an applicant in this case.", person=pid),
            "accused": say("%(person)s is already an accused in this case.", person=pid),
            "representative": say(
                "%(person)s is already a representative in this case.", person=pid
            ),
        }
        role = ctx.input.role
        message = already.get(role) or say(
            "%(person)s is already a %(role)s in this case.", person=pid, role=role
        )
        raise Conflict(message)
    return {"role": ctx.input.role, "person": person}


CRIMINAL_CODES = {"kg-2021": "kg-cc-2021", "kg-2019": "kg-cc-2017", "kg-1997": "kg-cc-1997"}


class OpenCase(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    article: str = pydantic.Field(min_length=1, max_length=16, description="e.g. 205 or 152-1")
    part: int | None = pydantic.Field(default=None, ge=1, le=20)


def _apply_open(event: Event, data: dict[str, Any]) -> None:
    case = case_of(event)
    Case.objects.filter(pk=case.pk).update(
        stage="investigation",
        article=data["article"],
        article_part=data["part"],
        criminal_code=data["code"],
        category=data["category"] or "",
        last_movement_at=event.recorded_at,
    )


@act_kind(
    "registry.case.open",
    schema=OpenCase,
    roles=("investigator",),
    legal_basis="CPC 156",
    apply=_apply_open,
    title="Open a criminal case",
)
def open_case(ctx: Context) -> dict[str, Any]:
    """Opens a criminal case with its qualification under an article of the criminal code that
    applies to the offence (CPC 156); the category of the article drives the investigation term
    (CPC 162(1)). Only the investigator assigned to the report may open it."""
    from icjis.registry.common import qualify, require_assigned  # common builds on this module

    case = ctx.case
    assert case is not None
    if case.stage != "pre_investigation":
        raise Conflict(
            say(
                "Only a report under pre-investigation can be opened; this one is %(stage)s.",
                stage=case.stage,
            )
        )
    require_assigned(ctx, gettext_noop("open the case"))
    return qualify(case, ctx.input.article, ctx.input.part)
