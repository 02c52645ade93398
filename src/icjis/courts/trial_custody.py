"""Preventive measures during the trial (CPC 303): the trial court's `courts.measure.decide`.

From the day the case reaches the court until the verdict is turned to execution the court may
order, change or cancel a preventive measure for the accused (CPC 303(1)). The presiding judge
rules in the courtroom, on the prosecutor's motion or of the court's own motion, with reasons
(303(1), 304(2)); there is no written petition to consent to. Custody and house arrest are
extended each time by up to 2 months, but for no more than one year in total during the trial
(303(3)); custody beyond one year is never allowed and the accused is then released at once
(303(4)); earlier custody or house arrest in the same proceedings counts (303(5)). A first order
runs at most for the trial term of art. 283 — 1 month for a crime of minor gravity, 2 months
otherwise, 3 with jurors, from the case's arrival in court, as extended (303(2)).

While the case is at the appeal stage (CPC 303(1) runs until the verdict is turned to
execution) the court that holds the case rules: the trial court's presiding judge until the case
is sent up, then a judge of the appeal court's panel (`appeal_judge`) — with the same caps, a
first order running at most to the end of the appeal court's term to decide (CPC 410).

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

from django.utils.translation import gettext_noop

from icjis.core.canonical import iso
from icjis.core.models import Case, CaseParticipant
from icjis.core.refusals import Conflict, Forbidden, Invalid, Said, say
from icjis.courts import measure_terms as terms
from icjis.courts.models import (
    TERMED_MEASURES,
    CourtCase,
    Measure,
    Petition,
    active_measure,
)
from icjis.legal.counting import local_date
from icjis.legal.models import Deadline

TRIAL_CAP_MONTHS = terms.CUSTODY_CAP_MONTHS  # CPC 303(3)-(4)
TRIAL_TERM_RULES = ("court.trial_term.minor", "court.trial_term", "court.trial_term.jury")
"""The rule pack's trial terms of CPC 283(2), as extended under 283(3)."""
APPEAL_TERM_RULES = ("appeal.decision",)
"""The appeal court's term to decide (CPC 410(2)-(4))."""
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


def served_before(
    case: Case,
    person: str,
    measure: str,
    current: Measure | None,
    since: datetime | None = None,
) -> timedelta:
    """Time the person already spent under `measure` in this case, in the stretches before the
    current one — from `since` on when given (the day the case reached the court). It counts
    towards the one-year cap: before the trial (CPC 115(7), (11)) and in court (303(5)). The cap
    is a term counted to the hour from the measures' own records, not the credited calendar days
    of `legal.custody_time` (CC 80), which answer another question."""
    periods = []
    for m in Measure.objects.filter(case=case, person_id=person, measure=measure):
        if current is not None and m.pk == current.pk:
            continue
        end = terms.ends_at(m.until) if m.until else m.ordered_from
        if m.ended_at is not None and m.ended_at < end:
            end = m.ended_at
        start = m.counted_from if since is None else max(m.counted_from, since)
        periods.append((start, end))
    return terms.custody_served(periods)


def term_of_proceedings(case: Case, rules: tuple[str, ...]) -> date | None:
    """The last day of the court's running term for the case — the trial term (CPC 283) or the
    appeal court's term to decide (CPC 410) — as the rule pack keeps it, extensions included;
    None when no such term runs."""
    found = (
        Deadline.objects.filter(case=case, rule__in=rules, state="running")
        .order_by("-starts_at", "-pk")
        .first()
    )
    return terms.last_day(found.due_at) if found is not None else None


def _bench(ctx: Any, case: Case) -> tuple[CourtCase, str]:
    """The court case whose judge rules on measures now, and the article saying so: the trial
    court's presiding judge at trial and until the case is sent up on appeal; then the appeal
    court's panel (CPC 303(1))."""
    role = ctx.actor.role
    if case.stage == "appeal":
        bench = (
            CourtCase.objects.filter(case=case, instance="appeal", decided_at__isnull=True)
            .order_by("-registered_at")
            .first()
        )
        if bench is not None:
            if role != "appeal_judge" or ctx.user.unit_id != bench.court_id:
                raise Forbidden(
                    say(
                        "The case is before the appeal court %(court)s (%(court_case)s); a judge "
                        "of its panel rules on preventive measures until the verdict is turned to "
                        "execution (CPC 303(1)).",
                        court=bench.court_id,
                        court_case=bench.pk,
                    )
                )
            if ctx.user.username not in {bench.judge, *bench.panel}:
                raise Forbidden(
                    say(
                        "Only a judge of the panel of %(court_case)s rules on preventive measures "
                        "in this case (CPC 303(1), 410(1)).",
                        court_case=bench.pk,
                    )
                )
            return bench, "appeal"
    if role != "judge" or case.stage not in ("trial", "appeal"):
        raise Conflict(
            say(
                "The case is at the stage '%(stage)s'. The court rules on preventive measures "
                "from the day the case reaches it until the verdict is turned to execution "
                "(CPC 303(1)): the trial court, then, once the case is sent up on appeal, the "
                "appeal court; before the trial the investigating judge does, on a petition "
                "(CPC 266).",
                stage=case.stage,
            )
        )
    court_case = trial_court_case(case)
    if court_case is None:
        raise Conflict(say("The case has not been registered in the court yet (CPC 277)."))
    if court_case.court_id != ctx.user.unit_id:
        raise Forbidden(
            say(
                "The court case %(court_case)s is heard by another court.", court_case=court_case.pk
            )
        )
    if court_case.judge != ctx.user.username:
        raise Forbidden(
            say(
                "Only the presiding judge of %(court_case)s rules on preventive measures during "
                "the trial (CPC 303(1), 304(2)).",
                court_case=court_case.pk,
            )
        )
    return court_case, "trial"


def decide_at_trial(ctx: Any, detention_of: Any) -> dict[str, Any]:
    """The `decide` step of `courts.measure.decide` during the trial (see the module's text).
    `detention_of(stream, person)` reads the hour of a detention from the ledger."""
    case, data = ctx.case, ctx.input
    if case is None:
        raise Conflict(say("A ruling on a preventive measure is made in a case."))
    court_case, level = _bench(ctx, case)
    first = trial_court_case(case) or court_case
    if data.petition is not None:
        raise Invalid(
            say(
                "During the trial the presiding judge rules in the courtroom, not on a written "
                "petition: leave out petition and give person, motion and grounds (CPC 303(1))."
            ),
            fields={"petition": gettext_noop("not during the trial")},
        )
    missing = [f for f in ("person", "motion", "grounds") if getattr(data, f) is None]
    if missing:
        raise Invalid(
            say(
                "During the trial the ruling names the accused (person), whether it is made on "
                "the prosecutor's motion or of the court's own motion (motion), and its reasons "
                "(grounds) (CPC 303(1), 304(2))."
            ),
            fields={f: "required during the trial" for f in missing},
        )
    person = data.person
    if not CaseParticipant.objects.filter(case=case, person_id=person, role="accused").exists():
        raise Invalid(
            say(
                "%(person)s is not an accused in this case; during the trial a preventive measure "
                "is applied only to the accused (CPC 303(1)).",
                person=person,
            ),
            fields={"person": gettext_noop("not an accused in this case")},
        )
    number = Petition.objects.filter(case=case).count() + 1
    recorded: dict[str, Any] = {
        "petition": f"MP-{case.number}-{number}",
        "stage": "trial",
        "level": level,
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
                say(
                    "Only a motion can be refused: set motion to 'prosecutor' for a refusal of the "
                    "prosecutor's motion; of its own motion the court orders, changes or cancels a "
                    "measure (CPC 303(1))."
                ),
                fields={"granted": gettext_noop("a refusal answers the prosecutor's motion")},
            )
        if data.measure is None:
            raise Invalid(
                say("Name the measure the prosecutor asked for."),
                fields={"measure": gettext_noop("required")},
            )
        if data.until is not None:
            raise Invalid(
                say("A refusal orders no term; leave out until."),
                fields={"until": gettext_noop("none")},
            )
        return {
            **recorded,
            "kind": "trial_initial",
            "requested": data.measure,
            "measure": data.measure,
        }
    if data.measure is None:
        raise Invalid(
            say("Name the measure the court orders."), fields={"measure": gettext_noop("required")}
        )
    ordered = data.measure
    recorded["requested"] = ordered
    active = active_measure(case, person)
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
                say(
                    "%(measure)s is not ordered for a term; leave out until.",
                    measure=terms.title(ordered),
                ),
                fields={"until": gettext_noop("not for this measure")},
            )
        if active is not None and active.measure == ordered:
            raise Conflict(
                say(
                    "%(measure)s is already in force for %(person)s (one measure at a time, "
                    "CPC 104(3)).",
                    measure=terms.title(ordered),
                    person=person,
                )
            )
        return {
            **recorded,
            "kind": "trial_initial",
            "measure": ordered,
            "counted_from": iso(ctx.now),
        }
    custody = ordered == "custody"  # else house arrest, the other termed measure
    if data.until is None:
        give_until = (
            say(
                "Custody is ordered until a day the court sets, at most %(months)s months at a "
                "time (CPC 303(3)); give until.",
                months=terms.MAX_MONTHS_AT_A_TIME,
            )
            if custody
            else say(
                "House arrest is ordered until a day the court sets, at most %(months)s months at "
                "a time (CPC 303(3)); give until.",
                months=terms.MAX_MONTHS_AT_A_TIME,
            )
        )
        raise Invalid(give_until, fields={"until": gettext_noop("required")})
    since = first.registered_at
    if extends and active is not None and active.until is not None:
        base = active.until
        current_start = max(active.counted_from, since)
        served = served_before(case, person, ordered, active, since)
    else:
        base = today
        current_start = ctx.now
        if ordered == "custody":
            detained = detention_of(ctx.stream, person)
            if detained is not None and detained > since:
                current_start = detained
        served = served_before(case, person, ordered, None, since)
    if extends:
        limit = terms.longest_term(base)
        if data.until > limit:
            too_long = _beyond_extension(custody, base, limit)
            raise Invalid(too_long, fields={"until": say("at most %(day)s", day=limit.isoformat())})
    else:
        at_trial = level == "trial"
        rules = TRIAL_TERM_RULES if at_trial else APPEAL_TERM_RULES
        limit = term_of_proceedings(case, rules) or terms.longest_term(base)
        if limit <= base:
            ended = _term_ended(at_trial, limit)
            raise Conflict(ended)
        if data.until > limit:
            too_long = _beyond_term(custody, at_trial, limit)
            raise Invalid(too_long, fields={"until": say("at most %(day)s", day=limit.isoformat())})
    if data.until <= base:
        raise Invalid(
            say("until must be after %(day)s.", day=base.isoformat()),
            fields={"until": gettext_noop("too early")},
        )
    terms.refuse_beyond_cap(ordered, local_date(current_start - served), data.until, in_court=True)
    recorded.update(measure=ordered, until=data.until.isoformat())
    if served:
        recorded["trial_days_before"] = served.days
    if extends and active is not None:
        return {**recorded, "kind": "trial_extension", "extends": active.petition_id}
    if current_start != ctx.now:
        recorded["detained_at"] = iso(current_start)
    return {**recorded, "kind": "trial_initial", "counted_from": iso(current_start)}


# --- the refusals that name the measure or the court's term, one sentence for each ----------------


def _beyond_extension(custody: bool, base: date, limit: date) -> Said:
    """An extension of custody (else house arrest) longer than the months allowed at a time."""
    return say(
        "%(measure)s is extended for at most %(months)s months at a time (CPC 303(3)): counted "
        "from %(base)s, until may be %(limit)s at the latest.",
        measure=terms.title("custody" if custody else "house_arrest"),
        months=terms.MAX_MONTHS_AT_A_TIME,
        base=base.isoformat(),
        limit=limit.isoformat(),
    )


def _term_ended(at_trial: bool, limit: date) -> Said:
    """The trial term (else the appeal court's term to decide) ended: no first order now."""
    if at_trial:
        return say(
            "The trial term (CPC 283) ended on %(limit)s; a preventive measure is ordered for "
            "that term (CPC 303(2)) — extend it first (CPC 283(3), 410(4)).",
            limit=limit.isoformat(),
        )
    return say(
        "The appeal court's term to decide (CPC 410) ended on %(limit)s; a preventive measure is "
        "ordered for that term (CPC 303(2)) — extend it first (CPC 283(3), 410(4)).",
        limit=limit.isoformat(),
    )


def _beyond_term(custody: bool, at_trial: bool, limit: date) -> Said:
    """A first order of custody (else house arrest) beyond the trial term (else the appeal
    court's term to decide)."""
    months, last = terms.MAX_MONTHS_AT_A_TIME, limit.isoformat()
    if custody and at_trial:
        return say(
            "Custody is ordered for the trial term (CPC 283), which ends on %(limit)s "
            "(CPC 303(2)); later it is extended by up to %(months)s months at a time "
            "(CPC 303(3)).",
            limit=last,
            months=months,
        )
    if custody:
        return say(
            "Custody is ordered for the appeal court's term to decide (CPC 410), which ends on "
            "%(limit)s (CPC 303(2)); later it is extended by up to %(months)s months at a time "
            "(CPC 303(3)).",
            limit=last,
            months=months,
        )
    if at_trial:
        return say(
            "House arrest is ordered for the trial term (CPC 283), which ends on %(limit)s "
            "(CPC 303(2)); later it is extended by up to %(months)s months at a time "
            "(CPC 303(3)).",
            limit=last,
            months=months,
        )
    return say(
        "House arrest is ordered for the appeal court's term to decide (CPC 410), which ends on "
        "%(limit)s (CPC 303(2)); later it is extended by up to %(months)s months at a time "
        "(CPC 303(3)).",
        limit=last,
        months=months,
    )


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
