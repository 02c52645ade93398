"""Preventive measures during the trial (CPC 303): the trial court's `courts.measure.decide`.

From the day the case reaches the court until the verdict is turned to execution the court may
order, change or cancel a preventive measure for the accused (CPC 303(1)). The presiding judge
rules in the courtroom, on the prosecutor's motion or of the court's own motion, with reasons
(303(1), 304(2)); there is no written petition to consent to. Custody and house arrest are
extended each time by up to 2 months, but for no more than one year in total during the trial
(303(3)); custody beyond one year is never allowed and the accused is then released at once
(303(4)); earlier custody or house arrest in the same proceedings counts (303(5)).

The recorded ruling has the shape the rule pack reads from the investigating judge's rulings
(`person`, `granted`, `measure`, `until`), so a trial extension moves the `custody.term` already
running for the person, and a new order starts one; `measure.appeal.trial` opens the 10 days of
appeal against the ruling (CPC 401(3)-(4)). The ruling gets a petition-shaped record of its own
(`MP-<case>-<n>`, kind `trial_initial` or `trial_extension`) so the measures and appeals tables
keep one shape.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from icjis.core.canonical import iso
from icjis.core.models import Case, CaseParticipant
from icjis.core.refusals import Conflict, Forbidden, Invalid
from icjis.courts import measure_terms as terms
from icjis.courts.models import MEASURES, TERMED_MEASURES, CourtCase, Measure, Petition
from icjis.legal.counting import local_date

TRIAL_CAP_MONTHS = 12  # CPC 303(3)-(4)
TRIAL_APPEAL_DAYS = 10  # CPC 401(3)-(4): interim rulings of the trial court
TRIAL_KINDS = ("trial_initial", "trial_extension")


def is_trial_ruling(petition: Petition) -> bool:
    """Whether the record is a ruling of the trial court (no petition behind it)."""
    return petition.kind in TRIAL_KINDS


def trial_court_case(case: Case) -> CourtCase | None:
    """The first-instance court case in which the trial runs (the first registered: the trial's
    one year counts from the day the case reached the court, CPC 303(2)-(3))."""
    return (
        CourtCase.objects.filter(case=case, instance="first")
        .order_by("registered_at", "id")
        .first()
    )


def served_during_trial(
    case: Case, person: str, measure: str, since: datetime, current: Measure | None
) -> timedelta:
    """Time the person already spent under `measure` in this case since `since` (the day the
    case reached the court), in stretches before the current one (CPC 303(5))."""
    periods = []
    for m in Measure.objects.filter(case=case, person_id=person, measure=measure):
        if current is not None and m.pk == current.pk:
            continue
        end = terms.ends_at(m.until) if m.until else m.ordered_from
        if m.ended_at is not None and m.ended_at < end:
            end = m.ended_at
        periods.append((max(m.counted_from, since), end))
    return terms.custody_served(periods)


def refuse_beyond_trial_cap(measure: str, anchor: datetime, until: date) -> None:
    """Refuse a term that would take custody or house arrest during the trial beyond one year
    counted from `anchor` (CPC 303(3)-(4))."""
    start = local_date(anchor)
    last = terms.cap_day(start)
    if until > last:
        what = terms.label(measure)
        after = (
            "the accused must then be released at once (CPC 303(4)) or another measure ordered"
            if measure == "custody"
            else "another measure must then be ordered"
        )
        raise Conflict(
            f"{what.capitalize()} during the trial would reach {terms.describe_span(start, until)}"
            f"; the law allows extensions of at most {terms.MAX_MONTHS_AT_A_TIME} months at a "
            f"time and no more than {TRIAL_CAP_MONTHS} months in total during the trial (CPC "
            f"303(3)-(4)). Counted from {start.isoformat()}, it may last until "
            f"{last.isoformat()} at the latest; {after}."
        )


def _active(case: Case, person: str) -> Measure | None:
    return (
        Measure.objects.filter(case=case, person_id=person, state="active")
        .order_by("-ordered_from")
        .first()
    )


def decide_at_trial(ctx: Any, detention_of: Any) -> dict[str, Any]:
    """The `decide` step of `courts.measure.decide` during the trial (see the module's text).
    `detention_of(stream, person)` reads the hour of a detention from the ledger."""
    case, data = ctx.case, ctx.input
    assert case is not None
    if ctx.actor.role != "judge" or case.stage != "trial":
        raise Conflict(
            f"The case is at the stage '{case.stage}'. The trial court rules on preventive "
            "measures from the day the case reaches it until the verdict is turned to execution "
            "(CPC 303(1)); before that the investigating judge does, on a petition (CPC 266)."
        )
    court_case = trial_court_case(case)
    if court_case is None:
        raise Conflict("The case has not been registered in the court yet (CPC 277).")
    if court_case.court_id != ctx.user.unit_id:
        raise Forbidden(f"The court case {court_case.pk} is heard by another court.")
    if court_case.judge != ctx.user.username:
        raise Forbidden(
            f"Only the presiding judge of {court_case.pk} rules on preventive measures during "
            "the trial (CPC 303(1), 304(2))."
        )
    if data.petition is not None:
        raise Invalid(
            "During the trial the presiding judge rules in the courtroom, not on a written "
            "petition: leave out petition and give person, motion and grounds (CPC 303(1)).",
            fields={"petition": "not during the trial"},
        )
    missing = [f for f in ("person", "motion", "grounds") if getattr(data, f) is None]
    if missing:
        raise Invalid(
            "During the trial the ruling names the accused (person), whether it is made on the "
            "prosecutor's motion or of the court's own motion (motion), and its reasons "
            "(grounds) (CPC 303(1), 304(2)).",
            fields={f: "required during the trial" for f in missing},
        )
    person = data.person
    if not CaseParticipant.objects.filter(case=case, person_id=person, role="accused").exists():
        raise Invalid(
            f"{person} is not an accused in this case; during the trial a preventive measure is "
            "applied only to the accused (CPC 303(1)).",
            fields={"person": "not an accused in this case"},
        )
    number = Petition.objects.filter(case=case).count() + 1
    recorded: dict[str, Any] = {
        "petition": f"MP-{case.number}-{number}",
        "stage": "trial",
        "court_case": court_case.pk,
        "person": person,
        "motion": data.motion,
        "grounds": data.grounds,
        "granted": data.granted,
        "court": ctx.user.unit_id or "",
    }
    if not data.granted:
        if data.motion != "prosecutor":
            raise Invalid(
                "Only a motion can be refused: set motion to 'prosecutor' for a refusal of the "
                "prosecutor's motion; of its own motion the court orders, changes or cancels a "
                "measure (CPC 303(1)).",
                fields={"granted": "a refusal answers the prosecutor's motion"},
            )
        if data.measure is None:
            raise Invalid(
                "Name the measure the prosecutor asked for.", fields={"measure": "required"}
            )
        if data.until is not None:
            raise Invalid("A refusal orders no term; leave out until.", fields={"until": "none"})
        return {
            **recorded,
            "kind": "trial_initial",
            "requested": data.measure,
            "measure": data.measure,
        }
    if data.measure is None:
        raise Invalid("Name the measure the court orders.", fields={"measure": "required"})
    ordered = data.measure
    assert ordered in MEASURES
    recorded["requested"] = ordered
    active = _active(case, person)
    today = local_date(ctx.now)
    extends = (
        active is not None
        and active.measure == ordered
        and active.until is not None
        and ctx.now <= terms.ends_at(active.until)
    )
    if ordered not in TERMED_MEASURES:
        if data.until is not None:
            raise Invalid(
                f"{terms.label(ordered).capitalize()} is not ordered for a term; leave out until.",
                fields={"until": "not for this measure"},
            )
        if active is not None and active.measure == ordered:
            raise Conflict(
                f"{terms.label(ordered).capitalize()} is already in force for {person} (one "
                "measure at a time, CPC 104(3))."
            )
        return {
            **recorded,
            "kind": "trial_initial",
            "measure": ordered,
            "counted_from": iso(ctx.now),
        }
    if data.until is None:
        raise Invalid(
            f"{terms.label(ordered).capitalize()} is ordered until a day the court sets, at most "
            f"{terms.MAX_MONTHS_AT_A_TIME} months at a time (CPC 303(3)); give until.",
            fields={"until": "required"},
        )
    since = court_case.registered_at
    if extends:
        assert active is not None and active.until is not None
        base = active.until
        current_start = max(active.counted_from, since)
        served = served_during_trial(case, person, ordered, since, active)
    else:
        base = today
        current_start = ctx.now
        if ordered == "custody":
            detained = detention_of(ctx.stream, person)
            if detained is not None and detained > since:
                current_start = detained
        served = served_during_trial(case, person, ordered, since, None)
    limit = terms.longest_term(base)
    what = terms.label(ordered).capitalize()
    if data.until > limit:
        raise Invalid(
            f"{what} is ordered or extended for at most {terms.MAX_MONTHS_AT_A_TIME} months at a "
            f"time (CPC 303(3)): counted from {base.isoformat()}, until may be "
            f"{limit.isoformat()} at the latest.",
            fields={"until": f"at most {limit.isoformat()}"},
        )
    if data.until <= base:
        raise Invalid(f"until must be after {base.isoformat()}.", fields={"until": "too early"})
    refuse_beyond_trial_cap(ordered, current_start - served, data.until)
    recorded.update(measure=ordered, until=data.until.isoformat())
    if served:
        recorded["trial_days_before"] = served.days
    if extends:
        assert active is not None
        return {**recorded, "kind": "trial_extension", "extends": active.petition_id}
    if current_start != ctx.now:
        recorded["detained_at"] = iso(current_start)
    return {**recorded, "kind": "trial_initial", "counted_from": iso(current_start)}


def create_ruling_record(event: Any, data: dict[str, Any], case: Case) -> None:
    """The petition-shaped record of a trial ruling, created before the ruling is projected."""
    Petition.objects.create(
        id=data["petition"],
        case=case,
        person_id=data["person"],
        measure=data["requested"],
        kind=data["kind"],
        extends=data.get("extends", ""),
        grounds=f"{data['motion']}: {data['grounds']}",
        state="submitted",
        submitted_by=event.actor,
        submitted_at=event.recorded_at,
    )
