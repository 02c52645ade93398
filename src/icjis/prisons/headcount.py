"""Population reconciliation (module G): a facility submits its head-count — the persons
present — and the register's list at that moment is set against it, every difference by name,
both ways. The white paper found a prison register of 143 entries for 110 prisoners."""

from __future__ import annotations

from datetime import date
from typing import Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.models import Event, Person
from icjis.core.refusals import Invalid, say
from icjis.prisons.acts import OFFICER, FacilityCode, own_facility
from icjis.prisons.models import HELD, HeadCount, Prisoner

# --- population reconciliation ----------------------------------------------------------------


class Unidentified(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    name: str = pydantic.Field(min_length=2, max_length=200)
    birth_date: date | None = None


class HeadCountIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    facility: str = FacilityCode
    persons: list[str] = pydantic.Field(max_length=20_000, description="ids of persons present")
    unidentified: list[Unidentified] = pydantic.Field(
        default_factory=list,
        max_length=2_000,
        description="persons present whom the facility cannot match to the persons index",
    )


def _headcount_stream(data: Any) -> str:
    return f"prison/{data.facility}"


def _apply_headcount(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    HeadCount.objects.create(
        id=data["headcount"],
        facility_id=data["facility"],
        submitted_at=event.recorded_at,
        submitted_by=event.actor,
        counted=data["counted"],
        register_count=data["register_count"],
        register_only=data["register_only"],
        facility_only=data["facility_only"],
    )
    return {
        "headcount": data["headcount"],
        "counted": data["counted"],
        "register_count": data["register_count"],
        "register_only": data["register_only"],
        "facility_only": data["facility_only"],
        "matches": not data["register_only"] and not data["facility_only"],
    }


@act_kind(
    "prisons.headcount.submit",
    schema=HeadCountIn,
    roles=(OFFICER,),
    legal_basis="CEC 78(1)",
    target="stream",
    stream_for=_headcount_stream,
    apply=_apply_headcount,
    title="Submit the facility's head-count",
)
def submit_headcount(ctx: Context) -> dict[str, Any]:
    """Records the head-count a facility submits — the persons present — and sets it against
    the register at that moment: the two counts and every person who differs, by name, both
    ways (in the register but not counted; counted but not in the register). The white paper
    found a register of 143 entries for 110 prisoners; such a gap surfaces here. The register
    rests on the admission record (CEC 78(1)); no article sets the count itself, which is a
    control of the register's accuracy."""
    given = ctx.input
    unit = own_facility(ctx, given.facility, what="head-counts")
    counted = sorted(set(given.persons))
    names = {p.pk: p.full_name for p in Person.objects.filter(pk__in=counted)}
    unknown = [p for p in counted if p not in names]
    if unknown:
        if len(unknown) == 1:
            message = say(
                "%(persons)s is not in the persons index; list persons you cannot match under "
                "unidentified, by name.",
                persons=unknown[0],
            )
        else:
            message = say(
                "%(persons)s are not in the persons index; list persons you cannot match under "
                "unidentified, by name.",
                persons=", ".join(unknown[:5]),
            )
        raise Invalid(message, fields={"persons": gettext_noop("unknown person")})
    held = {
        e.person_id: e.person.full_name
        for e in Prisoner.objects.filter(facility=unit, state=HELD)
        .select_related("person")
        .order_by("person_id")
    }
    assert ctx.head is not None
    facility_only = [{"person": p, "name": names[p]} for p in counted if p not in held]
    facility_only += [
        {
            "person": None,
            "name": u.name,
            "birth_date": u.birth_date.isoformat() if u.birth_date else None,
        }
        for u in given.unidentified
    ]
    return {
        "headcount": f"HC-{unit.code}-{ctx.head.seq + 1}",
        "facility": unit.code,
        "counted": len(counted) + len(given.unidentified),
        "register_count": len(held),
        "persons": counted,
        "register_only": [{"person": p, "name": n} for p, n in held.items() if p not in counted],
        "facility_only": facility_only,
    }
