"""The register of advocates and the duty rosters (module C).

The state register of advocates for state-guaranteed legal aid is what the investigator and the
court draw on when the suspect has no lawyer of their own (CPC 50(4)-(5)); the legal aid centre
keeps it and the duty rosters per district, so that a lawyer can be with a detained person from
the moment of actual detention (CPC 44(1)(6), 49(2), 51(2)). Each advocate is a stream
`advocate/<licence>`; each district's roster is a stream `roster/<district>`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core import projections
from icjis.core.access import scope_of
from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.models import Case, Event, Territory, User
from icjis.core.refusals import Conflict, Forbidden, Invalid, say
from icjis.legalaid.models import Advocate, DutyShift

LEGAL_AID_LAW = "Law on State-Guaranteed Legal Aid"
LICENCE = r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$"
TERRITORY = r"^[A-Z]{2}(-[A-Z0-9]{1,8}){1,3}$"
MAX_SHIFT = timedelta(days=31)


def parse_time(text: str | None) -> datetime | None:
    """An ISO time as recorded in an event (always written by `iso`, so always aware)."""
    return datetime.fromisoformat(text) if text else None


def in_area(user: Any, territory_path: str) -> bool:
    """Whether a territory lies in the area the user answers for (their unit's subtree)."""
    if scope_of(user) == "national":
        return True
    return territory_path.startswith(user.unit.territory.path)


# --- the register of advocates ----------------------------------------------------------------


class RegisterAdvocate(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    licence: str = pydantic.Field(pattern=LICENCE, description="licence number of the advocate")
    username: str | None = pydantic.Field(
        default=None, min_length=1, max_length=64, description="the advocate's account, if any"
    )
    full_name: str = pydantic.Field(min_length=3, max_length=200)
    status: Literal["active", "suspended", "terminated"] = "active"
    languages: list[pydantic.constr(pattern=r"^[a-z]{2,3}$")] = pydantic.Field(  # type: ignore[valid-type]
        default_factory=list, max_length=12, description="ISO 639 codes: ky, ru, uz, en …"
    )
    region: str = pydantic.Field(pattern=TERRITORY, description="territory code, e.g. KG-GB")
    specialisations: list[pydantic.constr(min_length=1, max_length=64)] = pydantic.Field(  # type: ignore[valid-type]
        default_factory=list, max_length=20
    )


def _advocate_stream(data: Any) -> str:
    return f"advocate/{data.licence}"


def _apply_register(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    existing = Advocate.objects.filter(pk=data["licence"]).first()
    Advocate.objects.update_or_create(
        licence=data["licence"],
        defaults={
            "username": data["username"],
            "full_name": data["full_name"],
            "status": data["status"],
            "languages": data["languages"],
            "region": data["region"],
            "specialisations": data["specialisations"],
            "registered_at": existing.registered_at if existing else event.recorded_at,
            "updated_at": event.recorded_at,
        },
    )
    return {"licence": data["licence"], "status": data["status"]}


@act_kind(
    "legalaid.advocate.register",
    schema=RegisterAdvocate,
    roles=("legal_aid_coordinator",),
    legal_basis=f"CPC 50(4)-(5); {LEGAL_AID_LAW} (state register of advocates)",
    target="stream",
    stream_for=_advocate_stream,
    apply=_apply_register,
    title="Register an advocate (or change the entry)",
)
def register_advocate(ctx: Context) -> dict[str, Any]:
    """Enters an advocate in the state register of advocates for state-guaranteed legal aid, or
    changes their entry (status, languages, region, specialisations). Only advocates in the
    register are put on duty rosters and appointed (CPC 50(4)-(5))."""
    given = ctx.input
    region = Territory.objects.filter(code=given.region).first()
    if region is None:
        raise Invalid(
            say("%(region)s is not a territory code.", region=given.region),
            fields={"region": gettext_noop("unknown")},
        )
    if not in_area(ctx.user, region.path):
        raise Forbidden(say("You keep the register for your own region only."))
    existing = Advocate.objects.filter(pk=given.licence).first()
    if existing is not None:
        old = Territory.objects.filter(code=existing.region).first()
        if old is not None and not in_area(ctx.user, old.path):
            raise Forbidden(
                say("Advocate %(licence)s is registered in another region.", licence=given.licence)
            )
    if given.username:
        user = User.objects.filter(username=given.username, is_active=True).first()
        if user is None or "lawyer" not in user.roles:
            raise Invalid(
                say("%(username)s is not an active lawyer's account.", username=given.username),
                fields={"username": gettext_noop("not a lawyer")},
            )
        other = Advocate.objects.filter(username=given.username).exclude(pk=given.licence).first()
        if other is not None:
            raise Conflict(
                say(
                    "The account %(username)s belongs to advocate %(licence)s.",
                    username=given.username,
                    licence=other.licence,
                )
            )
    return {
        "licence": given.licence,
        "username": given.username or "",
        "full_name": given.full_name,
        "status": given.status,
        "languages": list(dict.fromkeys(given.languages)),
        "region": region.code,
        "specialisations": list(dict.fromkeys(given.specialisations)),
    }


# --- duty rosters -----------------------------------------------------------------------------


class Shift(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    starts_at: datetime
    ends_at: datetime
    advocates: list[pydantic.constr(pattern=LICENCE)] = pydantic.Field(  # type: ignore[valid-type]
        max_length=20, description="licences, in the order they are asked"
    )


class SetRoster(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    district: str = pydantic.Field(pattern=TERRITORY, description="territory code")
    valid_from: datetime | None = pydantic.Field(
        default=None,
        description="the roster replaces every shift from this time (never earlier than now; "
        "default: the first shift's start) to the last shift's end",
    )
    shifts: list[Shift] = pydantic.Field(min_length=1, max_length=2000)


def _roster_stream(data: Any) -> str:
    return f"roster/{data.district}"


def _apply_roster(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    district = data["district"]
    start = parse_time(data["valid_from"])
    until = parse_time(data["until"])
    assert start is not None and until is not None
    # What lies in [start, until) is replaced; what lies outside it is kept, so a running shift
    # keeps its past and a later one keeps its tail.
    overlapping = list(
        DutyShift.objects.filter(district=district, starts_at__lt=until, ends_at__gt=start)
    )
    kept: list[DutyShift] = []
    for old in overlapping:
        if old.starts_at < start:
            kept.append(
                DutyShift(
                    district=district,
                    starts_at=old.starts_at,
                    ends_at=start,
                    advocates=old.advocates,
                    roster_seq=old.roster_seq,
                )
            )
        if old.ends_at > until:
            kept.append(
                DutyShift(
                    district=district,
                    starts_at=until,
                    ends_at=old.ends_at,
                    advocates=old.advocates,
                    roster_seq=old.roster_seq,
                )
            )
    DutyShift.objects.filter(pk__in=[s.pk for s in overlapping]).delete()
    new = [
        DutyShift(
            district=district,
            starts_at=parse_time(s["starts_at"]),
            ends_at=parse_time(s["ends_at"]),
            advocates=s["advocates"],
            roster_seq=event.seq,
        )
        for s in data["shifts"]
    ]
    DutyShift.objects.bulk_create(kept + new)
    return {"district": district, "shifts": len(new), "valid_from": data["valid_from"]}


@act_kind(
    "legalaid.roster.set",
    schema=SetRoster,
    roles=("legal_aid_coordinator",),
    legal_basis=f"CPC 44(1)(6), 50(4)-(5); {LEGAL_AID_LAW} (duty lawyers)",
    target="stream",
    stream_for=_roster_stream,
    apply=_apply_roster,
    title="Set the duty roster of a district",
)
def set_roster(ctx: Context) -> dict[str, Any]:
    """Sets who is on duty in a district (or a whole region) and in which order they are asked,
    shift by shift, so that a lawyer can be appointed at the moment of detention
    (CPC 44(1)(6), 51(2)). The roster replaces every shift of the district from `valid_from`
    (never earlier than now: past duty is not rewritten) to the end of its last shift; a time
    in that window without a shift is a time with nobody on duty."""
    given = ctx.input
    place = Territory.objects.filter(code=given.district).first()
    if place is None or place.level not in ("district", "region"):
        raise Invalid(
            say("%(district)s is not a district or region code.", district=given.district),
            fields={"district": gettext_noop("unknown")},
        )
    if not in_area(ctx.user, place.path):
        raise Forbidden(say("You set duty rosters for your own region only."))
    shifts = sorted(given.shifts, key=lambda s: s.starts_at)
    for i, shift in enumerate(shifts):
        where = f"shifts.{i}"
        if shift.starts_at.tzinfo is None or shift.ends_at.tzinfo is None:
            raise Invalid(
                say("Give shift times with their timezone."),
                fields={where: gettext_noop("no timezone")},
            )
        if shift.ends_at <= shift.starts_at:
            raise Invalid(
                say("A shift must end after it starts."),
                fields={where: gettext_noop("ends before start")},
            )
        if shift.ends_at - shift.starts_at > MAX_SHIFT:
            raise Invalid(
                say("A shift may last at most 31 days."), fields={where: gettext_noop("too long")}
            )
        if i and shift.starts_at < shifts[i - 1].ends_at:
            raise Invalid(
                say("Shifts of one roster may not overlap."),
                fields={where: gettext_noop("overlaps")},
            )
        if len(set(shift.advocates)) != len(shift.advocates):
            raise Invalid(
                say("An advocate is listed twice in a shift."),
                fields={where: gettext_noop("duplicate")},
            )
    if given.valid_from is not None and given.valid_from.tzinfo is None:
        raise Invalid(
            say("Give valid_from with its timezone."),
            fields={"valid_from": gettext_noop("no timezone")},
        )
    start = max(ctx.now, given.valid_from or shifts[0].starts_at)
    until = shifts[-1].ends_at
    if until <= start:
        raise Invalid(
            say("The roster lies wholly in the past; duty already done is not rewritten.")
        )
    licences = {lic for s in shifts for lic in s.advocates}
    known = {a.licence: a for a in Advocate.objects.filter(licence__in=licences)}
    missing = sorted(licences - set(known))
    if missing:
        raise Invalid(
            say("Not in the register of advocates: %(licences)s.", licences=", ".join(missing[:5])),
            fields={"shifts": gettext_noop("unknown advocate")},
        )
    gone = sorted(lic for lic, a in known.items() if a.status == "terminated")
    if gone:
        raise Conflict(say("No longer in practice: %(licences)s.", licences=", ".join(gone[:5])))
    kept = [s for s in shifts if s.ends_at > start]
    return {
        "district": place.code,
        "valid_from": iso(start),
        "until": iso(until),
        "shifts": [
            {
                "starts_at": iso(max(s.starts_at, start)),
                "ends_at": iso(s.ends_at),
                "advocates": list(s.advocates),
            }
            for s in kept
        ],
    }


# --- who is on duty ---------------------------------------------------------------------------


def roster_codes(territory_path: str) -> list[str]:
    """The rosters that cover a place, most specific first: its district, then its region."""
    parts = [p for p in territory_path.strip("/").split("/") if p][1:]
    return list(reversed(parts))


def duty_lawyer(case: Case, at: datetime, exclude: set[str]) -> tuple[Advocate, DutyShift] | None:
    """The first advocate on the duty shift covering the case's district (then its region) at
    `at` who is active, has an account and has not been tried yet; None if nobody is."""
    codes = roster_codes(case.territory_path)
    shifts = sorted(
        DutyShift.objects.filter(district__in=codes, starts_at__lte=at, ends_at__gt=at),
        key=lambda s: (codes.index(s.district), s.starts_at),
    )
    licences = [lic for s in shifts for lic in s.advocates]
    advocates = Advocate.objects.in_bulk(licences)
    accounts = set(
        User.objects.filter(
            username__in=[a.username for a in advocates.values() if a.username], is_active=True
        ).values_list("username", flat=True)
    )
    for shift in shifts:
        for licence in shift.advocates:
            advocate = advocates.get(licence)
            if (
                advocate is not None
                and advocate.status == "active"
                and advocate.username in accounts
                and licence not in exclude
            ):
                return advocate, shift
    return None


def on_duty(shift: DutyShift, advocates: dict[str, Advocate]) -> bool:
    """Whether a shift has anybody who can actually be appointed."""
    return any(
        (a := advocates.get(lic)) is not None and a.status == "active" and bool(a.username)
        for lic in shift.advocates
    )


projections.tables(DutyShift, Advocate)
