"""The investigating judge's preventive measures (CPC 104-116, 266): act kinds and projectors.

The investigator petitions the investigating judge for a measure for a suspect or accused
(`courts.measure.petition`); for bail, house arrest and custody, and for extending house arrest
or custody, the prosecutor's consent comes first (`courts.measure.consent`, CPC 106(3), 115(2));
the judge rules (`courts.measure.decide`): custody and house arrest for at most 2 months at a
time (CPC 115(1)), extensions asked for at least 5 days before the term ends (115(3)), custody
never beyond one year in total (115(11)); the ruling may be appealed within 5 days
(`courts.measure.appeal`, CPC 106(7), 115(8), 266(10)).

The recorded decision carries what the rule pack `kg-2021` reads: `person`, `granted`, `measure`,
`until` (ISO date, the last day, to 24:00) and, for a first custody order, `detained_at` (the hour
custody counts from, CPC 115(5)-(7)). So a custody order meets the 48-hour detention clock of that
person and starts the custody term, the one-year cap, the extension-request term and the appeal
window as Deadline rows of the case.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core import projections
from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.models import Case, CaseOfficer, CaseParticipant, CaseUnit, Event
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, say
from icjis.courts import measure_terms as terms
from icjis.courts import trial_custody
from icjis.courts.context import case_in
from icjis.courts.models import (
    CONSENT_NEEDED,
    MEASURES,
    TERMED_MEASURES,
    Measure,
    MeasureAppeal,
    Petition,
    active_measure,
)
from icjis.legal.counting import due_at, local_date, parse_moment
from icjis.legal.engine import subject_value
from icjis.legalaid.acts import represents

PRE_TRIAL = ("pre_investigation", "investigation", "prosecution")
PETITION_ID = r"^MP-[0-9A-Za-z-]{1,24}-[0-9]{1,6}$"
MeasureName = Literal["undertaking", "electronic_monitoring", "bail", "house_arrest", "custody"]


def _case_of(event: Event) -> Case:
    return Case.objects.get(number=event.stream.removeprefix("case/"))


def _require_pre_trial(case: Case) -> None:
    if case.stage not in PRE_TRIAL:
        raise Conflict(
            say(
                "The case is at the stage '%(stage)s'; the investigating judge rules on measures "
                "only before the case goes to trial (during the trial the court does, CPC "
                "114(11)).",
                stage=case.stage,
            )
        )


def _petition_in(ctx: Context) -> Petition:
    found = Petition.objects.filter(pk=ctx.input.petition, case=case_in(ctx)).first()
    if found is None:
        raise NotFound(
            say("There is no petition %(petition)s in this case.", petition=ctx.input.petition)
        )
    return found


def detention_of(stream: str, person: str) -> datetime | None:
    """The hour of the person's actual detention in this case, read from the ledger: the last
    `detention.arrest` naming the person, unless a `detention.release` came after it."""
    found: datetime | None = None
    events = Event.objects.filter(
        stream=stream, kind__in=("detention.arrest", "detention.release")
    ).order_by("seq")
    for event in events:
        data = event.payload
        if subject_value(data.get("person")) != person:
            continue
        if event.kind == "detention.release":
            found = None
        elif data.get("detained_at"):
            found = parse_moment(data["detained_at"], end_of_date=False)
        else:
            found = event.recorded_at
    return found


# --- courts.measure.petition ---------------------------------------------------------------------


class PetitionIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str = pydantic.Field(min_length=1, max_length=16, description="person id")
    measure: MeasureName
    months: int | None = pydantic.Field(
        default=None, ge=1, le=24, description="custody and house arrest only: 1 or 2"
    )
    grounds: str = pydantic.Field(min_length=3, max_length=4000)


def _apply_petition(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _case_of(event)
    Petition.objects.create(
        id=data["petition"],
        case=case,
        person_id=data["person"],
        measure=data["measure"],
        months=data.get("months"),
        kind=data["kind"],
        extends=data.get("extends", ""),
        grounds=data["grounds"],
        state="submitted",
        submitted_by=event.actor,
        submitted_at=event.recorded_at,
    )
    details = dict(case.details)
    details["measure_petitions"] = [*details.get("measure_petitions", []), data["petition"]]
    Case.objects.filter(pk=case.pk).update(details=details, last_movement_at=event.recorded_at)
    return {
        "petition": data["petition"],
        "kind": data["kind"],
        "needs_consent": data["measure"] in CONSENT_NEEDED,
    }


@act_kind(
    "courts.measure.petition",
    schema=PetitionIn,
    roles=("investigator",),
    legal_basis="CPC 106(3), 115(2)-(3), 266(1), (8)",
    apply=_apply_petition,
    title="Petition the investigating judge for a preventive measure",
)
def petition_measure(ctx: Context) -> dict[str, Any]:
    """Records the investigator's petition to the investigating judge for a preventive measure
    for a suspect or accused — custody, house arrest, bail, electronic monitoring or the
    undertaking not to leave (CPC 104, 106(3)) — or for extending custody or house arrest in
    force (CPC 115(2)). Custody and house arrest are asked for 1 or 2 months (115(1)); an
    extension must reach the court at least 5 days before the term ends (115(3), 266(8)); custody
    may not be extended beyond one year in total in the case (115(7), (11)). Bail, house arrest
    and custody, and every extension, then need the prosecutor's consent (106(3), 115(2))."""
    case, data = case_in(ctx), ctx.input
    _require_pre_trial(case)
    if not CaseOfficer.objects.filter(
        case=case, role="investigator", username=ctx.user.username
    ).exists():
        raise Forbidden(say("Only the investigator in charge of the case may petition the judge."))
    if not CaseParticipant.objects.filter(
        case=case, person_id=data.person, role__in=("suspect", "accused")
    ).exists():
        raise Invalid(
            say(
                "%(person)s is not a suspect or accused in this case; a preventive measure is "
                "applied only to them (CPC 104(1)).",
                person=data.person,
            ),
            fields={"person": gettext_noop("not a suspect or accused in this case")},
        )
    if data.measure in TERMED_MEASURES:
        if data.months is None or data.months > terms.MAX_MONTHS_AT_A_TIME:
            raise Invalid(
                say(
                    "%(measure)s is ordered for at most %(months)s months at a time (CPC "
                    "115(1)); ask for 1 or 2.",
                    measure=terms.title(data.measure),
                    months=terms.MAX_MONTHS_AT_A_TIME,
                ),
                fields={"months": gettext_noop("1 or 2")},
            )
    elif data.months is not None:
        raise Invalid(
            say(
                "%(measure)s is not ordered for a term; leave out months.",
                measure=terms.title(data.measure),
            ),
            fields={"months": gettext_noop("not for this measure")},
        )
    pending = Petition.objects.filter(
        case=case, person_id=data.person, state__in=("submitted", "consented")
    ).first()
    if pending is not None:
        raise Conflict(
            say(
                "Petition %(petition)s for this person still awaits the judge's ruling; wait for "
                "it before petitioning again.",
                petition=pending.id,
            )
        )
    active = active_measure(case, data.person)
    extends: Measure | None = None
    if active is not None and active.measure == data.measure:
        if active.until is None:
            raise Conflict(
                say(
                    "%(measure)s is already in force for this person (one measure at a time, "
                    "CPC 104(3)).",
                    measure=terms.title(data.measure),
                )
            )
        if ctx.now <= terms.ends_at(active.until):
            latest = terms.latest_extension_petition(active.until)
            if ctx.now > latest:
                raise Conflict(
                    say(
                        "Too late to petition for an extension: %(measure)s ends on %(until)s and "
                        "the petition had to reach the court at least 5 days before, by the end "
                        "of %(latest)s (CPC 115(3), 266(8)).",
                        measure=terms.label(active.measure),
                        until=active.until.isoformat(),
                        latest=terms.last_day(latest).isoformat(),
                    )
                )
            extends = active
    if data.measure == "custody" and data.months is not None:
        if extends is not None and extends.until is not None:
            anchor = extends.counted_from - trial_custody.served_before(
                case, data.person, "custody", extends
            )
            wanted = terms.longest_term(extends.until, data.months)
        else:
            start = detention_of(ctx.stream, data.person) or ctx.now
            anchor = start - trial_custody.served_before(case, data.person, "custody", None)
            wanted = terms.longest_term(local_date(start), data.months)
        terms.refuse_beyond_cap("custody", local_date(anchor), wanted, in_court=False)
    number = Petition.objects.filter(case=case).count() + 1
    recorded: dict[str, Any] = {
        "petition": f"MP-{case.number}-{number}",
        "person": data.person,
        "measure": data.measure,
        "kind": "extension" if extends is not None else "initial",
        "grounds": data.grounds,
    }
    if data.months is not None:
        recorded["months"] = data.months
    if extends is not None:
        recorded["extends"] = extends.petition_id
    return recorded


# --- courts.measure.consent ----------------------------------------------------------------------


class ConsentIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    petition: str = pydantic.Field(pattern=PETITION_ID, max_length=40)


def _apply_consent(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Petition.objects.filter(pk=data["petition"]).update(
        state="consented", consent_by=event.actor, consent_at=event.recorded_at
    )
    return {"petition": data["petition"]}


@act_kind(
    "courts.measure.consent",
    schema=ConsentIn,
    roles=("prosecutor",),
    legal_basis="CPC 106(3), 115(2)",
    apply=_apply_consent,
    title="Consent to a petition for a preventive measure",
)
def consent_to_petition(ctx: Context) -> dict[str, Any]:
    """Records the supervising prosecutor's consent to the investigator's petition; the
    investigating judge may rule on a petition for bail, house arrest or custody, or for
    extending house arrest or custody, only once it is given (CPC 106(3), 115(2))."""
    _require_pre_trial(case_in(ctx))
    found = _petition_in(ctx)
    if found.state == "consented":
        raise Conflict(say("Petition %(petition)s is already consented.", petition=found.id))
    if found.state == "decided":
        raise Conflict(say("Petition %(petition)s is already decided.", petition=found.id))
    if found.state != "submitted":
        raise Conflict(
            say(
                "Petition %(petition)s is already %(state)s.",
                petition=found.id,
                state=found.state,
            )
        )
    return {"petition": found.id, "person": found.person_id, "measure": found.measure}


# --- courts.measure.decide -----------------------------------------------------------------------


class DecideIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    petition: str | None = pydantic.Field(
        default=None,
        pattern=PETITION_ID,
        max_length=40,
        description="before the trial: the petition the investigating judge rules on",
    )
    person: str | None = pydantic.Field(
        default=None, min_length=1, max_length=16, description="during the trial: the accused"
    )
    motion: Literal["prosecutor", "court"] | None = pydantic.Field(
        default=None,
        description="during the trial: on the prosecutor's motion or the court's own (CPC 303(1))",
    )
    grounds: str | None = pydantic.Field(
        default=None, min_length=3, max_length=4000, description="during the trial: the reasons"
    )
    granted: bool
    measure: MeasureName | None = pydantic.Field(
        default=None,
        description="before the trial: a milder measure than the one asked, if the judge so "
        "rules; during the trial: the measure ordered (or asked for, in a refusal)",
    )
    until: date | None = pydantic.Field(
        default=None, description="custody and house arrest: the last day of the term"
    )


def _apply_decide(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = _case_of(event)
    at_trial = data.get("stage") == "trial"
    if at_trial:
        trial_custody.create_ruling_record(event, data, case)
    granted = bool(data["granted"])
    until = date.fromisoformat(data["until"]) if data.get("until") else None
    petition = Petition.objects.get(pk=data["petition"])
    petition.state = "decided"
    petition.decided_by = event.actor
    petition.decided_at = event.recorded_at
    petition.court_id = data.get("court") or None
    petition.granted = granted
    petition.ordered_measure = data["measure"] if granted else ""
    petition.until = until
    petition.save()
    result: dict[str, Any] = {"petition": petition.id, "granted": granted}
    if granted:
        active = Measure.objects.filter(case=case, person_id=data["person"], state="active")
        if data.get("extends"):
            measure = active.get(petition_id=data["extends"])
            measure.until = until
            measure.last_petition = petition
            measure.extensions += 1
            measure.save()
        else:
            active.update(state="ended", ended_at=event.recorded_at)
            Measure.objects.create(
                case=case,
                person_id=data["person"],
                measure=data["measure"],
                petition=petition,
                last_petition=petition,
                ordered_from=event.recorded_at,
                counted_from=parse_moment(data["counted_from"], end_of_date=False),
                until=until,
            )
        result.update(measure=data["measure"], until=data.get("until"))
    if at_trial:
        Case.objects.filter(pk=case.pk).update(last_movement_at=event.recorded_at)
        return result
    CaseOfficer.objects.get_or_create(
        case=case,
        username=event.actor,
        role="investigating_judge",
        defaults={"since": event.recorded_at},
    )
    if data.get("court"):
        CaseUnit.objects.get_or_create(
            case=case, unit_id=data["court"], capacity="investigating_court"
        )
    Case.objects.filter(pk=case.pk).update(last_movement_at=event.recorded_at)
    return result


def _term_until(ctx: Context, found: Petition, ordered: str, base: date, extends: bool) -> date:
    """The last day of the term the judge orders, checked against CPC 115(1) and the petition."""
    today = local_date(ctx.now)
    limit = terms.longest_term(base)
    asked = terms.longest_term(base, found.months or terms.MAX_MONTHS_AT_A_TIME)
    until = ctx.input.until or asked
    if until > limit:
        raise Invalid(
            say(
                "%(measure)s is ordered for at most %(months)s months at a time (CPC 115(1)): "
                "counted from %(base)s, until may be %(limit)s at the latest.",
                measure=terms.title(ordered),
                months=terms.MAX_MONTHS_AT_A_TIME,
                base=base.isoformat(),
                limit=limit.isoformat(),
            ),
            fields={"until": say("at most %(day)s", day=limit.isoformat())},
        )
    if until > asked:
        raise Invalid(
            say(
                "The petition asked for %(months)s month(s): until may be %(asked)s at the latest.",
                months=found.months,
                asked=asked.isoformat(),
            ),
            fields={"until": say("at most %(day)s", day=asked.isoformat())},
        )
    if until <= (base if extends else today):
        raise Invalid(
            say("until must be after %(day)s.", day=(base if extends else today).isoformat()),
            fields={"until": gettext_noop("too early")},
        )
    return until


@act_kind(
    "courts.measure.decide",
    schema=DecideIn,
    roles=("investigating_judge", "judge", "appeal_judge"),
    legal_basis="CPC 108, 113, 114, 115(1)-(4), (11), 266, 303",
    apply=_apply_decide,
    title="Rule on a preventive measure",
)
def decide_petition(ctx: Context) -> dict[str, Any]:
    """Records the investigating judge's ruling on a petition: the measure is ordered (or
    extended), a milder one is ordered instead, or the petition is refused (CPC 266(5), (8)).
    Custody and house arrest run until a day the judge sets, at most 2 months at a time — from
    the detention for a first custody order, from the current end for an extension (CPC 115(1),
    (5)); custody never beyond one year in total (115(11)). A petition for bail, house arrest or
    custody, or for an extension, is ruled on only with the prosecutor's consent (106(3), 115(2)).
    The judge of the court whose territory covers the case rules, and keeps sight of the case.

    During the trial the presiding judge of the trial court rules instead, without a petition —
    on the prosecutor's motion or of the court's own motion — and extends custody or house
    arrest by up to 2 months at a time, never beyond one year in total during the trial (CPC
    303; see `icjis.courts.trial_custody`). At the appeal stage the court holding the case
    rules the same way: the trial court until the case is sent up, then the appeal court's
    panel (CPC 303(1))."""
    case, data = case_in(ctx), ctx.input
    if case.stage in ("trial", "appeal") or ctx.actor.role in ("judge", "appeal_judge"):
        return trial_custody.decide_at_trial(ctx, detention_of)
    _require_pre_trial(case)
    if data.petition is None:
        raise Invalid(
            say("Name the petition the ruling answers (CPC 266)."),
            fields={"petition": gettext_noop("required")},
        )
    given = [f for f in ("person", "motion", "grounds") if getattr(data, f) is not None]
    if given:
        raise Invalid(
            say(
                "Before the trial the investigating judge rules on the investigator's petition, "
                "which names the person and the grounds; leave out %(fields)s.",
                fields=", ".join(given),
            ),
            fields={f: "only during the trial" for f in given},
        )
    found = _petition_in(ctx)
    if found.state == "decided":
        raise Conflict(say("Petition %(petition)s has already been ruled on.", petition=found.id))
    needs_consent = found.measure in CONSENT_NEEDED or found.kind == "extension"
    if needs_consent and found.state != "consented":
        raise Conflict(
            say(
                "Petition %(petition)s for %(measure)s needs the prosecutor's consent before the "
                "judge may rule on it (CPC 106(3), 115(2)).",
                petition=found.id,
                measure=terms.label(found.measure),
            )
        )
    recorded: dict[str, Any] = {
        "petition": found.id,
        "kind": found.kind,
        "person": found.person_id,
        "requested": found.measure,
        "granted": data.granted,
        "court": ctx.user.unit_id or "",
    }
    if not data.granted:
        if data.measure not in (None, found.measure):
            raise Invalid(
                say(
                    "To order another measure instead, set granted to true with that measure "
                    "(CPC 266(5)(2))."
                ),
                fields={"measure": gettext_noop("only with granted")},
            )
        if data.until is not None:
            raise Invalid(
                say("A refusal orders no term; leave out until."),
                fields={"until": gettext_noop("none")},
            )
        return {**recorded, "measure": found.measure}
    ordered = data.measure or found.measure
    if MEASURES.index(ordered) > MEASURES.index(found.measure):
        raise Invalid(
            say(
                "The petition asks for %(measure)s; the judge may order it or a milder measure, "
                "not a stricter one (CPC 266(5)(2), (8)(2)).",
                measure=terms.label(found.measure),
            ),
            fields={"measure": gettext_noop("stricter than asked")},
        )
    active = active_measure(case, found.person_id)
    extends = found.kind == "extension" and ordered == found.measure
    period_start = ctx.now
    if extends:
        if (
            active is None
            or active.until is None
            or active.petition_id != found.extends
            or ctx.now > terms.ends_at(active.until)
        ):
            raise Conflict(
                say(
                    "The %(measure)s this petition would extend is no longer in force; it cannot "
                    "be extended (CPC 115(2)) — a new petition is needed.",
                    measure=terms.label(found.measure),
                )
            )
        base = active.until
    else:
        if ordered == "custody":
            period_start = detention_of(ctx.stream, found.person_id) or ctx.now
        base = local_date(period_start)
    if ordered in TERMED_MEASURES:
        until = _term_until(ctx, found, ordered, base, extends)
        recorded["until"] = until.isoformat()
        if ordered == "custody":
            if extends and active is not None:
                anchor = active.counted_from - trial_custody.served_before(
                    case, found.person_id, "custody", active
                )
            else:
                earlier = trial_custody.served_before(case, found.person_id, "custody", None)
                anchor = period_start - earlier
                if anchor != ctx.now:
                    # the one-year cap counts from detention and adds earlier custody
                    recorded["detained_at"] = iso(anchor)
                if earlier:
                    recorded["earlier_custody_days"] = earlier.days
            terms.refuse_beyond_cap("custody", local_date(anchor), until, in_court=False)
    elif data.until is not None:
        raise Invalid(
            say(
                "%(measure)s is not ordered for a term; leave out until.",
                measure=terms.title(ordered),
            ),
            fields={"until": gettext_noop("not for this measure")},
        )
    if extends and active is not None:
        recorded["extends"] = active.petition_id
    else:
        recorded["counted_from"] = iso(period_start)
    return {**recorded, "measure": ordered}


# --- courts.measure.appeal -----------------------------------------------------------------------


class AppealIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    petition: str = pydantic.Field(pattern=PETITION_ID, max_length=40)
    grounds: str = pydantic.Field(min_length=3, max_length=4000)


def _apply_appeal(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    MeasureAppeal.objects.create(
        petition_id=data["petition"],
        filed_by=event.actor,
        filed_role=event.actor_role,
        filed_at=event.recorded_at,
        grounds=data["grounds"],
        start_seq=event.seq,
    )
    return {"petition": data["petition"]}


@act_kind(
    "courts.measure.appeal",
    schema=AppealIn,
    roles=("lawyer", "prosecutor"),
    legal_basis="CPC 106(7), 115(8), 266(10), 401(3)-(4)",
    apply=_apply_appeal,
    title="Appeal against a ruling on a preventive measure",
)
def appeal_ruling(ctx: Context) -> dict[str, Any]:
    """Records an appeal by the prosecutor or by defence counsel against the investigating
    judge's ruling on a measure or its extension, or the refusal of either, to the higher court
    within 5 days of the ruling (CPC 106(7), 115(8), 266(10)); the appeal does not suspend the
    ruling. Counsel must represent the person the ruling concerns (an accepted legal-aid
    appointment or chosen counsel). A trial court's ruling on a measure during the trial
    is appealed within 10 days (CPC 401(3)-(4))."""
    found = _petition_in(ctx)
    if found.state != "decided" or found.decided_at is None:
        raise Conflict(
            say(
                "Petition %(petition)s has not been ruled on yet; there is nothing to appeal.",
                petition=found.id,
            )
        )
    if ctx.actor.role == "lawyer":
        if not represents(case_in(ctx), ctx.user.username, found.person_id):
            raise Forbidden(
                say(
                    "You are not counsel of %(person)s in this case: defence counsel appeals a "
                    "ruling on the measure of the person they defend (CPC 106(7), 115(8)); an "
                    "accepted legal-aid appointment or chosen counsel is needed.",
                    person=found.person_id,
                )
            )
    at_trial = trial_custody.is_trial_ruling(found)
    if at_trial:
        days = trial_custody.TRIAL_APPEAL_DAYS
        due = due_at(found.decided_at, days, "d", shift=True)
    else:
        days = terms.APPEAL_DAYS
        due = terms.appeal_due(found.decided_at)
    if ctx.now > due:
        if at_trial:
            message = say(
                "The %(days)s-day appeal term against the ruling %(petition)s ended at the end "
                "of %(day)s (CPC 401(3)-(4)).",
                days=days,
                petition=found.id,
                day=terms.last_day(due).isoformat(),
            )
        else:
            message = say(
                "The %(days)s-day appeal term against the ruling %(petition)s ended at the end "
                "of %(day)s (CPC 106(7), 115(8), 266(10)).",
                days=days,
                petition=found.id,
                day=terms.last_day(due).isoformat(),
            )
        raise Conflict(message)
    return {"petition": found.id, "person": found.person_id, "grounds": ctx.input.grounds}


projections.tables(MeasureAppeal, Measure, Petition)
