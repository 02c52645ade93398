"""Appeals against verdicts and the appeal court's decision (CPC 397-426).

Defence counsel (for the defendant they represent) or the prosecutor files an appeal through the
court that delivered the verdict within 30 days of it — a defendant held in custody within 30
days of service of the copy (`courts.appeal.file`, CPC 397(2), 399(1), 400(1)); a late appeal
is not considered (400(3)). An appeal suspends the verdict's entry into force (405(1)). Once the
appeal term has run the case goes up to the appeal court of the region (`courts.appeal.send`,
405(2)), which registers it and draws a panel of three; the panel decides within 2 months,
extendable by one (`courts.appeal.decide`, 410(2), (4)): the verdict is upheld,
modified, or quashed and the case sent back to the court of first instance for a new trial by
another judge (417(1)(1), (3), (9); 64(2)). Upheld or modified, the verdict enters into force
on the day of the decision (416(1), 426(2)) — recorded at once, as the system.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any, Literal

import pydantic
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_noop

from icjis.core import acts, clock
from icjis.core.access import SYSTEM_USER
from icjis.core.acts import Context, Reaction, act_kind
from icjis.core.jobs import periodic
from icjis.core.models import Case, Event, Unit
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, Refusal, Said, say
from icjis.courts.assignment import redraw
from icjis.courts.context import case_in
from icjis.courts.models import Appeal, CourtCase, Verdict, VerdictDefendant
from icjis.courts.verdicts import (
    SENTENCE_KINDS,
    DefendantIn,
    appeal_term_closes,
    case_of,
    check_defendant,
    current_verdict,
    day_of,
    defendant_row,
    due_for_entry,
    window_for,
)
from icjis.legal.counting import local_date
from icjis.legalaid.acts import represents

log = logging.getLogger("icjis.courts")
APPEAL_ID = r"^AP-[0-9A-Za-z-]{1,24}-[0-9]{1,6}$"
REGIME_ORDER = {
    "general": 0,
    "strict": 1,
    "special": 2,
    "educational_general": 0,
    "educational_reinforced": 1,
}
"""Colony regimes from the mildest (CC 67(4); CEC): correctional colonies of general, strict
and special regime; educational colonies of general and reinforced regime. A move up this
order on a defence-only appeal worsens the convict's position (CPC 420(3), 422)."""


def appeal_courts() -> list[Unit]:
    """Every appeal court with its territory, in one query (for loops over many verdicts)."""
    return list(Unit.objects.filter(kind="appeal_court").select_related("territory"))


def appeal_court_for(court: Unit, courts: list[Unit] | None = None) -> Unit | None:
    """The appeal court whose territory covers the court of first instance (the regional court
    of its oblast or city); `courts` from `appeal_courts()`, read here when not given."""
    path = court.territory.path
    found = [
        u
        for u in (appeal_courts() if courts is None else courts)
        if path.startswith(u.territory.path)
    ]
    return max(found, key=lambda u: len(u.territory.path), default=None)


def court_of(verdict: Verdict) -> Unit:
    """The court of first instance that delivered the verdict, with its territory."""
    court = Unit.objects.select_related("territory").filter(code=verdict.court_id).first()
    if court is None:
        raise Conflict(
            say(
                "The court %(court)s of verdict %(verdict)s is not in the register of units; the "
                "administrator must restore it before the appeal can proceed.",
                court=verdict.court_id,
                verdict=verdict.id,
            )
        )
    return court


# --- courts.appeal.file ---------------------------------------------------------------------


class FileIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    person: str | None = pydantic.Field(
        default=None,
        min_length=1,
        max_length=16,
        description="the defendant the appeal is for (required of counsel)",
    )
    grounds: str = pydantic.Field(min_length=3, max_length=8000)


def _apply_file(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    Appeal.objects.create(
        id=data["appeal"],
        verdict_id=data["verdict"],
        case=case,
        person_id=data.get("person"),
        filed_by=event.actor,
        filed_at=event.recorded_at,
        grounds=data["grounds"],
        state="pending",
    )
    details = dict(case.details)
    details["appeals"] = {
        **details.get("appeals", {}),
        data["appeal"]: {"verdict": data["verdict"], "appellant": data["appellant"]},
    }
    Case.objects.filter(pk=case.pk).update(
        stage="appeal", details=details, last_movement_at=event.recorded_at
    )
    return {"appeal": data["appeal"], "verdict": data["verdict"]}


@act_kind(
    "courts.appeal.file",
    schema=FileIn,
    roles=("lawyer", "prosecutor"),
    legal_basis="CPC 397(2), 399(1), 400, 405(1)",
    apply=_apply_file,
    title="File an appeal against the verdict",
)
def file_appeal(ctx: Context) -> dict[str, Any]:
    """Records an appeal against a verdict not yet in force, filed through the court that
    delivered it (CPC 397(1), 399(1)): by defence counsel for the defendant they represent, or by
    the prosecutor (397(2)-(3)). The term is 30 days from the verdict; for a defendant held in
    custody, 30 days from service of the copy (400(1)); a late appeal is refused (400(3)) —
    restoring a term missed for good reason is for the court that delivered the verdict (403).
    The appeal suspends the verdict's entry into force (405(1)); the case is at the appeal
    stage, and the appeal court's 2 months begin (410(2))."""
    case = case_in(ctx)
    verdict = current_verdict(case)
    if verdict is None:
        raise Conflict(say("There is no verdict in this case to appeal."))
    if verdict.state != "delivered":
        raise Conflict(
            say(
                "Verdict %(verdict)s entered into force on %(day)s; only a verdict not yet in "
                "force is appealed (CPC 397(1), 398(1)).",
                verdict=verdict.id,
                day=local_date(verdict.in_force_at or verdict.delivered_at).isoformat(),
            )
        )
    person = ctx.input.person
    if person is not None and not verdict.defendants.filter(person_id=person).exists():
        raise Invalid(
            say(
                "%(person)s is not a defendant of verdict %(verdict)s.",
                person=person,
                verdict=verdict.id,
            ),
            fields={"person": gettext_noop("not a defendant")},
        )
    role = ctx.actor.role
    if role == "lawyer":
        if person is None:
            raise Invalid(
                say("Say which defendant the appeal is for."),
                fields={"person": gettext_noop("required of counsel")},
            )
        if not represents(case, ctx.user.username, person):
            raise Forbidden(
                say("You are not counsel of %(person)s in this case (CPC 397(2)).", person=person)
            )
    # The detainee's own term runs from service; the prosecutor's from the verdict (CPC 400(1)).
    window = window_for(verdict, person if role == "lawyer" else None)
    if window.ends_at is not None and ctx.now > window.ends_at:
        raise Conflict(
            say(
                "The 30-day appeal term against verdict %(verdict)s ended at the end of %(day)s "
                "(CPC 400(1)); an appeal filed late is not considered (CPC 400(3)). If the term "
                "was missed for a good reason, petition the court that delivered the verdict to "
                "restore it (CPC 403).",
                verdict=verdict.id,
                day=day_of(window.ends_at),
            )
        )
    twin = Appeal.objects.filter(
        verdict=verdict, state="pending", filed_by=ctx.user.username, person_id=person
    ).first()
    if twin is not None:
        raise Conflict(
            say(
                "You already filed appeal %(appeal)s against this verdict; it awaits the appeal "
                "court (it may be amended, CPC 405(5)).",
                appeal=twin.id,
            )
        )
    number = Appeal.objects.filter(case=case).count() + 1
    recorded: dict[str, Any] = {
        "appeal": f"AP-{case.number}-{number}",
        "verdict": verdict.id,
        "appellant": role,
        "grounds": ctx.input.grounds,
    }
    if person is not None:
        recorded["person"] = person
    return recorded


# --- courts.appeal.send ---------------------------------------------------------------------


def appeal_bench(case: Case, appeal_court: Unit) -> CourtCase | None:
    """The case's open proceedings in the appeal court, with the panel drawn for them."""
    return CourtCase.objects.filter(
        case=case, instance="appeal", court_id=appeal_court.code, decided_at__isnull=True
    ).first()


def term_still_runs(verdict: Verdict, now: datetime) -> Said | None:
    """Why the case cannot go up yet: an appeal term still runs (CPC 400(2), 405(2))."""
    closes, unserved = appeal_term_closes(verdict)
    if closes is not None and now > closes:
        return None
    if closes:
        return say(
            "The appeal term against verdict %(verdict)s runs until the end of %(day)s; the case "
            "goes to the appeal court only once it has run (CPC 400(2), 405(2)).",
            verdict=verdict.id,
            day=day_of(closes),
        )
    return say(
        "The appeal term against verdict %(verdict)s has not begun for %(person)s, whose copy of "
        "the verdict is not served; the case goes to the appeal court only once it has run (CPC "
        "400(2), 405(2)).",
        verdict=verdict.id,
        person=unserved,
    )


class SendIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


def _apply_send(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Case.objects.filter(pk=case_of(event).pk).update(last_movement_at=event.recorded_at)
    return {"verdict": data["verdict"], "court": data["court"], "appeals": data["appeals"]}


def _register_on_appeal(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """The appeal court registers the case and draws its panel (`courts.appeal.register`)."""
    yield Reaction("courts.appeal.register", {"court": data["court"]})


@act_kind(
    "courts.appeal.send",
    schema=SendIn,
    roles=("court_clerk", "system"),
    legal_basis="CPC 400(2), 404(1), 405(2)",
    apply=_apply_send,
    reactions=(_register_on_appeal,),
    title="Send the case up to the appeal court",
)
def send_up(ctx: Context) -> dict[str, Any]:
    """Records that the court which delivered the verdict sends the case, with the appeals
    against it, to the appeal court of its region once the appeal term has run — not before,
    while the case may not be taken from it (CPC 400(2), 405(2)); the parties are told (404(1),
    405(2)). The appeal court registers it and draws its panel of three in the same transaction
    (`courts.appeal.register`, CPC 29(4), 410(1)). The worker sends it as soon as it is due;
    a clerk may do so by hand."""
    case = case_in(ctx)
    verdict = current_verdict(case)
    if verdict is None or verdict.state != "delivered":
        raise Conflict(say("There is no verdict under appeal in this case."))
    pending = sorted(
        Appeal.objects.filter(verdict=verdict, state="pending").values_list("id", flat=True)
    )
    if not pending:
        raise Conflict(
            say(
                "No appeal against verdict %(verdict)s awaits the appeal court.", verdict=verdict.id
            )
        )
    refusal = term_still_runs(verdict, ctx.now)
    if refusal is not None:
        raise Conflict(refusal)
    court = court_of(verdict)
    appeal_court = appeal_court_for(court)
    if appeal_court is None:
        raise Conflict(say("No appeal court covers the region of %(court)s.", court=court.code))
    bench = appeal_bench(case, appeal_court)
    if bench is not None:
        raise Conflict(
            say(
                "The case is already before %(court)s as %(court_case)s.",
                court=appeal_court.code,
                court_case=bench.pk,
            )
        )
    return {"verdict": verdict.id, "court": appeal_court.code, "appeals": pending}


@periodic("courts.appeal.send")
def send_due_appeals() -> int:
    """Send up every case whose appeal term has run with an appeal pending (CPC 405(2)), as
    the system, so that no appeal waits on a clerk."""
    now = clock.now()
    done = 0
    courts = appeal_courts()
    before_appeal_court = CourtCase.objects.filter(
        case=OuterRef("case_id"), instance="appeal", decided_at__isnull=True
    )
    waiting = (
        Verdict.objects.filter(
            state="delivered", appeals__state="pending", delivered_at__lt=now - timedelta(days=29)
        )
        .exclude(Exists(before_appeal_court))
        .select_related("case", "court__territory")
        .distinct()
        .order_by("delivered_at", "id")
    )
    for verdict in waiting.iterator(500):
        if appeal_court_for(verdict.court, courts) is None:
            continue
        if term_still_runs(verdict, now) is not None:
            continue
        try:
            acts.perform(SYSTEM_USER, "courts.appeal.send", {}, case=verdict.case_id)
        except Refusal as exc:
            log.info("sending %s up refused: %s", verdict.case_id, exc.message)
            continue
        done += 1
    return done


# --- courts.appeal.decide -------------------------------------------------------------------


def already_decided(appeal: Appeal) -> Said:
    """Why a decided appeal is not decided again, with the outcome it had (an act's choice: a
    page says it by its label)."""
    return say(
        "Appeal %(appeal)s has already been decided (%(outcome)s).",
        appeal=appeal.id,
        outcome=appeal.outcome,
    )


class Replaced(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    article: str = pydantic.Field(min_length=1, max_length=16)
    part: int | None = pydantic.Field(default=None, ge=1, le=20)


class ChangeIn(DefendantIn):
    replaces: Replaced | None = pydantic.Field(
        default=None, description="the article of the verdict this changes, if requalified"
    )


class DecideIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    appeal: str = pydantic.Field(pattern=APPEAL_ID, max_length=60)
    outcome: Literal["upheld", "modified", "quashed"]
    changes: list[ChangeIn] | None = pydantic.Field(
        default=None, max_length=200, description="modified: the defendants' new outcome"
    )


def _row_for(verdict: Verdict, change: dict[str, Any]) -> VerdictDefendant:
    target = change.get("replaces") or change
    return VerdictDefendant.objects.get(
        verdict=verdict,
        person_id=change["person"],
        article=target["article"],
        part=target.get("part"),
    )


def _apply_decide(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    verdict = Verdict.objects.get(pk=data["verdict"])
    Appeal.objects.filter(pk__in=[data["appeal"], *data["closes"]]).update(
        state="decided",
        outcome=data["outcome"],
        decided_at=event.recorded_at,
        decided_by=event.actor,
    )
    stage = case.stage
    if data["outcome"] == "modified":
        for change in data["changes"]:
            row = _row_for(verdict, change)
            new = defendant_row(verdict, change, row.custody_credit_days or 0)
            new.pk = row.pk
            new.save()
        Verdict.objects.filter(pk=verdict.pk).update(modified_by=data["appeal"])
    elif data["outcome"] == "quashed":
        Verdict.objects.filter(pk=verdict.pk).update(state="quashed")
        # Back to the court of first instance for a new trial, by another judge (CPC 64(2)):
        # the court case is open again and its judge is drawn anew (the reaction below).
        CourtCase.objects.filter(pk=verdict.court_case_id).update(state="retrial", decided_at=None)
        stage = "trial"
    CourtCase.objects.filter(case=case, instance="appeal", decided_at__isnull=True).update(
        state="decided", decided_at=event.recorded_at
    )
    details = dict(case.details)
    if data["outcome"] == "quashed":
        details.pop("verdict", None)
    Case.objects.filter(pk=case.pk).update(
        stage=stage, details=details, last_movement_at=event.recorded_at
    )
    return {"appeal": data["appeal"], "verdict": verdict.id, "outcome": data["outcome"]}


def _worse(old: VerdictDefendant, new: dict[str, Any]) -> bool:
    """Whether a change worsens the defendant's position (CPC 420(3), 422(2)-(3))."""
    if new["outcome"] == "convicted" and old.outcome == "acquitted":
        return True
    s = new.get("sentence")
    if new["outcome"] == "acquitted" or s is None:
        return False
    if not old.sentence_kind:
        return True
    was, now = SENTENCE_KINDS.index(old.sentence_kind), SENTENCE_KINDS.index(s["kind"])
    if now != was:
        return now > was
    size = s.get("hours") if s["kind"] == "community_work" else s.get("amount")
    return (
        (s.get("months") or 0) > (old.months or 0)
        or (size or 0) > (old.amount or 0)
        or (s.get("probation_months") or 0) > (old.probation_months or 0)
        or REGIME_ORDER.get(s.get("regime", ""), 0) > REGIME_ORDER.get(old.regime, 0)
    )


def _changes(ctx: Context, verdict: Verdict, prosecution_appealed: bool) -> list[dict[str, Any]]:
    case = case_in(ctx)  # refused when the act names no case
    changes = []
    for given in ctx.input.changes or []:
        change = check_defendant(case, given)
        if given.replaces is not None:
            change["replaces"] = given.replaces.model_dump()
        try:
            old = _row_for(verdict, change)
        except VerdictDefendant.DoesNotExist:
            raise Invalid(
                say(
                    "Verdict %(verdict)s has no row for %(person)s under that article; name the "
                    "article it changes in replaces.",
                    verdict=verdict.id,
                    person=given.person,
                ),
                fields={"changes.replaces": gettext_noop("no such row")},
            ) from None
        if not prosecution_appealed and _worse(old, change):
            raise Conflict(
                say(
                    "The change worsens the position of %(person)s; the appeal court may do so "
                    "only on the prosecution's appeal on that ground (CPC 420(3), 422(2)-(3)).",
                    person=given.person,
                )
            )
        changes.append(change)
    return changes


def _after_decision(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    """Upheld or modified, the verdict enters into force on the day of the decision (CPC 426(2))
    — once no other appeal against it awaits the court. Quashed, the court of first instance
    draws another judge for the new trial (CPC 64(2)). With co-defendants, the appellants enter
    into force with the decision (and any other whose term has run, CPC 426(3)), while an appeal
    still pending holds back the defendant it is filed for."""
    if data["outcome"] == "quashed":
        court_case = Verdict.objects.get(pk=data["verdict"]).court_case_id
        yield redraw(court_case, "reassignment", [data["excluded_judge"]])
    elif due_for_entry(Verdict.objects.get(pk=data["verdict"]), event.recorded_at)[0]:
        yield Reaction("courts.verdict.enter_into_force", {})


@act_kind(
    "courts.appeal.decide",
    schema=DecideIn,
    roles=("appeal_judge",),
    legal_basis="CPC 405(2), 410, 416, 417(1), 420, 422, 426(2)",
    apply=_apply_decide,
    reactions=(_after_decision,),
    title="Decide on an appeal against the verdict",
)
def decide_appeal(ctx: Context) -> dict[str, Any]:
    """Records the appeal court's decision on an appeal against a verdict: upheld (CPC
    417(1)(1)), modified — the defendants' outcome or sentence changed (417(1)(2)-(4)), worsening
    a defendant's position only on the prosecution's appeal (420(3), 422(2)-(3)) — or quashed and
    the case sent back to the court of first instance for a new trial (417(1)(9)), by another
    judge (64(2)). The case reaches the appeal court only after the appeal term has run (400(2),
    405(2)); the court covering the region of the court of first instance decides, within 2
    months (410(2)). Upheld or modified, the verdict enters into force with the decision (416(1),
    426(2)); quashed, the case is at trial again."""
    case, given = case_in(ctx), ctx.input
    appeal = Appeal.objects.filter(pk=given.appeal, case=case).select_related("verdict").first()
    if appeal is None:
        raise NotFound(say("There is no appeal %(appeal)s in this case.", appeal=given.appeal))
    if appeal.state != "pending":
        decided = already_decided(appeal)
        raise Conflict(decided)
    verdict = appeal.verdict
    court = court_of(verdict)
    appeal_court = appeal_court_for(court)
    if appeal_court is None or ctx.user.unit_id != appeal_court.code:
        if appeal_court is None:
            elsewhere = say(
                "Appeals against verdicts of %(court)s are decided by the appeal court of its "
                "region (CPC 410(1)).",
                court=court.code,
            )
        else:
            elsewhere = say(
                "Appeals against verdicts of %(court)s are decided by the appeal court of its "
                "region, %(appeal_court)s (CPC 410(1)).",
                court=court.code,
                appeal_court=appeal_court.code,
            )
        raise Forbidden(elsewhere)
    bench = appeal_bench(case, appeal_court)
    if bench is None:
        not_yet = term_still_runs(verdict, ctx.now) or say(
            "The case has not been sent up to %(court)s yet; the court that delivered the "
            "verdict sends it once the appeal term has run (CPC 405(2)).",
            court=appeal_court.code,
        )
        raise Conflict(not_yet)
    if ctx.user.username not in {bench.judge, *bench.panel}:
        raise Forbidden(
            say(
                "The panel of %(court_case)s decides on this appeal (CPC 410(1)).",
                court_case=bench.pk,
            )
        )
    pending = Appeal.objects.filter(verdict=verdict, state="pending").exclude(pk=appeal.pk)
    in_force = dict(
        verdict.defendants.filter(in_force_at__isnull=False).values_list("person_id", "in_force_at")
    )
    if given.outcome == "quashed" and in_force:
        person, at = sorted(in_force.items())[0]
        raise Conflict(
            say(
                "The verdict entered into force for %(person)s on %(day)s, who did not appeal "
                "(CPC 426(3)); it cannot be quashed as a whole. Quashing it for the appellant "
                "alone, with a separate new trial, is not supported here yet: record it with the "
                "court's registry.",
                person=person,
                day=local_date(at).isoformat(),
            )
        )
    for change in given.changes or []:
        if change.person in in_force:
            raise Conflict(
                say(
                    "The verdict entered into force for %(person)s on %(day)s, who did not appeal "
                    "(CPC 426(3)); the appeal court changes it only for those it hears (409(1)).",
                    person=change.person,
                    day=local_date(in_force[change.person]).isoformat(),
                )
            )
    if given.outcome == "modified":
        if not given.changes:
            raise Invalid(
                say("A modified verdict needs the changes."),
                fields={"changes": gettext_noop("required")},
            )
        appellants = case.details.get("appeals", {})
        prosecution = any(
            appellants.get(a, {}).get("appellant") == "prosecutor"
            for a in [appeal.id, *pending.values_list("id", flat=True)]
        )
        changes = _changes(ctx, verdict, prosecution)
    elif given.changes is not None:
        nothing = (
            say("An appeal upheld changes nothing; leave out changes.")
            if given.outcome == "upheld"
            else say("An appeal quashed changes nothing; leave out changes.")
        )
        raise Invalid(
            nothing,
            fields={"changes": gettext_noop("only when modified")},
        )
    else:
        changes = []
    recorded: dict[str, Any] = {
        "appeal": appeal.id,
        "verdict": verdict.id,
        "outcome": given.outcome,
        "court": appeal_court.code,
        "changes": changes,
        # Quashed, the whole verdict falls: every appeal against it is disposed of with it.
        "closes": sorted(pending.values_list("id", flat=True))
        if given.outcome == "quashed"
        else [],
    }
    if given.outcome == "quashed":
        recorded["excluded_judge"] = verdict.judge
    return recorded
