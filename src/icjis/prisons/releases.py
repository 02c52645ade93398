"""Releases from the prison register on the grounds of CEC 158 (module G): at the end of the
term, on parole, under an act of amnesty or of pardon — each with its document. A release that
leaves nothing to serve in the case closes it (`core.execution`); a parolee passes to probation,
which registers its own outstanding item in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.execution import close_case, closes_case
from icjis.core.models import Event
from icjis.core.refusals import Conflict, FieldName, Invalid, Said, joined, say
from icjis.legal.counting import local_date
from icjis.prisons import sentence as calc
from icjis.prisons.acts import OFFICER, PersonId, check_acting_facility, register_entry
from icjis.prisons.models import RELEASED, Calculation, Movement, Prisoner

# --- prisons.release --------------------------------------------------------------------------

Grounds = Literal["end_of_term", "parole", "amnesty", "pardon"]
DOCUMENTS = {
    "parole": ("court", "document", "document_date"),
    "amnesty": ("document", "document_date"),
    "pardon": ("document", "document_date"),
    "end_of_term": (),
}


def _documents_missing(grounds: str, missing: object) -> Said:
    """The refusal of a release on `grounds` (parole, amnesty, pardon) without its document:
    what the grounds need, and the fields `missing`."""
    if grounds == "parole":
        return say(
            "A release on parole needs the court's decision on parole (CC 88(3); CEC 160): "
            "give %(missing)s.",
            missing=missing,
        )
    if grounds == "amnesty":
        return say(
            "A release on amnesty needs the act of amnesty of the Jogorku Kenesh (CC 93): "
            "give %(missing)s.",
            missing=missing,
        )
    if grounds == "pardon":
        return say(
            "A release on pardon needs the President's act of pardon (CC 94): give %(missing)s.",
            missing=missing,
        )
    return say(  # grounds added without their own sentence yet
        "A release on %(grounds)s needs its document: give %(missing)s.",
        grounds=grounds,
        missing=missing,
    )


class ReleaseIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = PersonId
    grounds: Grounds
    document: str | None = pydantic.Field(
        default=None,
        min_length=3,
        max_length=200,
        description="number of the court decision, act of amnesty or act of pardon",
    )
    document_date: date | None = pydantic.Field(default=None, description="date of the document")
    court: str | None = pydantic.Field(
        default=None, min_length=1, max_length=32, description="parole: the deciding court"
    )
    supervision_until: date | None = pydantic.Field(
        default=None, description="parole: the end of the probation period the court set"
    )


def _apply_release(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Prisoner.objects.filter(pk=data["prisoner"]).update(
        state=RELEASED, released_at=event.recorded_at, release_grounds=data["grounds"]
    )
    Movement.objects.create(
        prisoner_id=data["prisoner"],
        kind="release",
        facility_id=data["facility"],
        at=event.recorded_at,
        seq=event.seq,
    )
    case = event.stream.removeprefix("case/")
    if data["case_closed"]:
        close_case(case, event.recorded_at)
    result = {
        "prisoner": data["prisoner"],
        "grounds": data["grounds"],
        "released_on": data["released_on"],
        "case_closed": data["case_closed"],
    }
    if data["grounds"] == "parole":
        result["supervision_until"] = data["supervision_until"]
    return result


@act_kind(
    "prisons.release",
    schema=ReleaseIn,
    roles=(OFFICER,),
    legal_basis="CEC 158, 159; CC 88, 90, 93, 94",
    apply=_apply_release,
    title="Release a prisoner",
)
def release(ctx: Context) -> dict[str, Any]:
    """Records the release of a prisoner on one of the grounds of CEC 158: at the end of the
    term — on its last day, or the working day before it when that is a day off, never before
    (CEC 159(1)-(2)); on parole by the court's decision (CC 88; CEC 160), with the end of the
    supervision the probation service then carries out (CC 90(2)-(3)); under an act of amnesty
    (CC 93) or of pardon (CC 94), on the day the documents arrive (CEC 159(5)). Each ground
    needs its document. When nothing else remains to be served in the case, it is closed; a
    parolee passes to probation, so the case stays in execution."""
    case = ctx.case
    assert case is not None
    given = ctx.input
    entry = register_entry(ctx, given.person)
    check_acting_facility(ctx, entry)
    today = local_date(ctx.now)
    missing = [f for f in DOCUMENTS[given.grounds] if getattr(given, f) is None]
    if missing:
        listed = joined(
            [FieldName(f) for f in missing],
            lambda first, rest: say("%(first)s, %(rest)s", first=first, rest=rest),
        )
        message = _documents_missing(given.grounds, listed)
        raise Invalid(
            message, fields=dict.fromkeys(missing, gettext_noop("required for these grounds"))
        )
    if given.document_date is not None and given.document_date > today:
        raise Invalid(
            say("The document's date may not lie in the future."),
            fields={"document_date": gettext_noop("in the future")},
        )
    if given.grounds == "end_of_term":
        if entry.release_date is None:
            if entry.manual_reason:
                raise Conflict(
                    say(
                        "The sentence of %(person)s awaits manual calculation (%(reason)s); "
                        "record it first.",
                        person=given.person,
                        reason=calc.manual_reason(entry.manual_reason),
                    )
                )
            raise Conflict(
                say(
                    "The sentence of %(person)s awaits manual calculation (no release date); "
                    "record it first.",
                    person=given.person,
                )
            )
        if today < entry.release_date:
            raise Conflict(
                say(
                    "The term of %(person)s ends with release on %(date)s; a release at the end "
                    "of the term is not recorded before it (CEC 159(1)-(2)).",
                    person=given.person,
                    date=entry.release_date.isoformat(),
                )
            )
    recorded: dict[str, Any] = {
        "prisoner": entry.id,
        "person": given.person,
        "grounds": given.grounds,
        "facility": entry.facility_id,
        "released_on": today.isoformat(),
        "release_date": entry.release_date.isoformat() if entry.release_date else None,
    }
    for key in ("document", "court"):
        if getattr(given, key) is not None:
            recorded[key] = getattr(given, key)
    if given.document_date is not None:
        recorded["document_date"] = given.document_date.isoformat()
    if given.grounds == "parole":
        current = Calculation.objects.filter(prisoner=entry, superseded_at__isnull=True).first()
        last = current.term_last_day if current and current.term_last_day else None
        if last is None:
            raise Conflict(
                say(
                    "The sentence of %(person)s awaits manual calculation; the end of the "
                    "unserved part is not known.",
                    person=given.person,
                )
            )
        rules = calc.rules_for(case.legislation_set)
        limit = calc.supervision_until(rules, today, last)
        until = given.supervision_until or limit
        if not today < until <= limit:
            raise Invalid(
                say(
                    "The probation period of a parolee lies within the unserved part of the term "
                    "(which ends on %(last)s) and is not more than three years (CC 90(2)): at "
                    "most %(limit)s.",
                    last=last.isoformat(),
                    limit=limit.isoformat(),
                ),
                fields={
                    "supervision_until": say("after today, at most %(day)s", day=limit.isoformat())
                },
            )
        recorded["supervision_until"] = until.isoformat()
        recorded["parole_eligible_on"] = (
            entry.parole_date.isoformat() if entry.parole_date else None
        )
        # Probation takes the parolee over in this same transaction (its reaction registers
        # its own outstanding item), so the case is not closed here.
        recorded["case_closed"] = False
    else:
        recorded["case_closed"] = closes_case(case.number, [f"prisons:{given.person}"])
    return recorded
