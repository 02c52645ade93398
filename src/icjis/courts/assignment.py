"""Automatic assignment of judges: the recorded draw anyone can re-run (CPC 29(1), 62-67).

CPC 29(1): the bench for a case is formed "with account of the judges' specialisation, in a way
that excludes influence by persons interested in the outcome, including by an automated system".
First instance: one judge (29(2)); appeal: a panel of three (29(4)).

The draw is two events of the case stream, recorded in one transaction:
1. `courts.judge.draw_commit {commitment}` — SHA-256 of a fresh random seed, recorded (and
   chained into the ledger) before the draw;
2. `courts.judge.draw` — the seed itself, the candidates with everything their weights come from,
   the judges left out and why, the algorithm version and the judge(s) chosen.

The algorithm, `weighted-sha256-v1`, is in `icjis.courts.draw` (pure, standard library only).

Changing any recorded value — one weight, the seed, a candidate — makes `verify_draw` name the
difference. Recusal (62-67) and reassignment are acts with reasons that lead to a new draw; leave
and the assignment settings (`icjis.courts.availability`) change who may be drawn and how.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, Reaction, act_kind
from icjis.core.models import Case, CaseOfficer, Event, Unit, User
from icjis.core.refusals import Conflict, Forbidden, Invalid, NotFound, Said, say
from icjis.courts.context import case_in
from icjis.courts.draw import (
    ALGORITHM,
    FULL_SHARE,
    NoCandidate,
    choose,
    commitment_of,
    verify_draw,
    weight_of,
)
from icjis.courts.models import (
    AssignmentSettings,
    CourtCase,
    Hearing,
    JudgeAvailability,
    JudgeDraw,
    Recusal,
)
from icjis.legal.counting import local_date

DEFAULT_SPECIALIST_FACTOR = 2
SEATS = {"first": 1, "appeal": 3}  # CPC 29(2), (4)
JUDGE_ROLE = {"court": "judge", "appeal_court": "appeal_judge"}
OFFICER_ROLE = {"first": "judge", "appeal": "appeal_judge"}
# A court case no longer adds to its judges' caseload once decided or sent away.
CLOSED_STATES = ("decided", "returned", "transferred", "closed", "in_force")
WHY = {
    "leave": gettext_noop("on leave that day"),
    "recused": gettext_noop("recused in this case (CPC 62-67)"),
    "reassigned": gettext_noop("relieved of this case by the court president"),
    "on_panel": gettext_noop("already on the panel"),
    "took_part": gettext_noop("took part in the case earlier (CPC 64)"),
    "no_share": gettext_noop("takes no new cases under the settings in force"),
}

Username = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
]
CourtCaseId = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=3, max_length=40)
]
Specialisation = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=1, max_length=24)
]
Reason = Annotated[
    str, pydantic.StringConstraints(strip_whitespace=True, min_length=10, max_length=2000)
]


# --- checking recorded draws against the ledger and the projection ------------------------------


@dataclass(frozen=True)
class DrawCheck:
    """The outcome of re-running one recorded draw: which, where in the ledger, and why not."""

    draw: str
    seq: int
    ok: bool
    message: str
    record: dict[str, Any]


def record_from_row(row: JudgeDraw) -> dict[str, Any]:
    """The draw as the projection keeps it, in the shape `verify_draw` reads."""
    seated = sorted((c["seat"], c["judge"]) for c in row.candidates if c.get("seat"))
    return {
        "algorithm": row.algorithm,
        "court_case": row.court_case_id,
        "seed": row.seed,
        "commitment": row.commitment,
        "candidates": [{k: v for k, v in c.items() if k != "seat"} for c in row.candidates],
        "chosen": [judge for _, judge in seated],
    }


def draw_events(court_case: CourtCase) -> list[Event]:
    events = Event.objects.filter(
        stream=f"case/{court_case.case_id}", kind="courts.judge.draw"
    ).order_by("seq")
    return [e for e in events if e.payload.get("court_case") == court_case.pk]


def check_recorded(court_case: CourtCase) -> list[DrawCheck]:
    """Every draw of a court case re-run from the ledger: the record itself (`verify_draw`), the
    commitment event before it in the same stream, and the projection row agreeing with it."""
    rows = {d.pk: d for d in JudgeDraw.objects.filter(court_case=court_case)}
    checks = []
    for event in draw_events(court_case):
        record = event.payload
        ok, message = verify_draw(record)
        if ok:
            commit = Event.objects.filter(
                stream=event.stream, seq=record.get("commit_seq"), kind="courts.judge.draw_commit"
            ).first()
            if commit is None or commit.seq >= event.seq:
                ok, message = False, "no commitment event precedes the draw in the ledger"
            elif commit.payload.get("commitment") != record["commitment"]:
                ok, message = (
                    False,
                    (
                        f"the commitment recorded at seq {commit.seq} "
                        f"({commit.payload.get('commitment')}) is not the one the draw reveals"
                    ),
                )
        row = rows.get(record.get("draw", ""))
        if ok and (row is None or record_from_row(row) != _comparable(record)):
            ok, message = False, "the projection's copy of the draw differs from the ledger"
        checks.append(DrawCheck(record.get("draw", "?"), event.seq, ok, message, record))
    return checks


def _comparable(record: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("algorithm", "court_case", "seed", "commitment", "candidates", "chosen")
    return {k: record[k] for k in keys}


# --- who may sit: the candidates, their weights, the exclusions ---------------------------------


def court_judges(court: Unit) -> list[User]:
    """Active users holding the court's judge role in the court, in username order."""
    role = JUDGE_ROLE.get(court.kind, "judge")
    users = User.objects.filter(unit=court, is_active=True).order_by("username")
    return [u for u in users if role in u.roles]


def settings_in_force(court: Unit, day: date) -> AssignmentSettings | None:
    return (
        AssignmentSettings.objects.filter(court=court, effective_from__lte=day)
        .order_by("-effective_from", "-set_seq")
        .first()
    )


def caseloads(court: Unit, exclude: str = "") -> Counter[str]:
    """Open court cases per judge of the court (presiding or on a panel)."""
    loads: Counter[str] = Counter()
    rows = (
        CourtCase.objects.filter(court=court, decided_at__isnull=True)
        .exclude(state__in=CLOSED_STATES)
        .exclude(pk=exclude)
        .values_list("judge", "panel")
    )
    for judge, panel in rows:
        for name in set(panel or []) | ({judge} if judge else set()):
            loads[name] += 1
    return loads


def _specialist(conf: Mapping[str, Any], case: Case) -> bool:
    wanted = {case.category, case.article} - {""}
    return bool(wanted & {str(s) for s in conf.get("specialisations", [])})


def candidates_for(
    court_case: CourtCase, case: Case, day: date, keep: Sequence[str], leaving: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, str]], AssignmentSettings | None]:
    """The candidates with their weights and the judges left out (and why), on `day`."""
    court = court_case.court
    settings = settings_in_force(court, day)
    conf = settings.settings if settings else {}
    judges_conf = conf.get("judges", {})
    factor_if_specialist = int(conf.get("specialist_factor", DEFAULT_SPECIALIST_FACTOR))
    on_leave = set(
        JudgeAvailability.objects.filter(
            court=court, starts_on__lte=day, ends_on__gte=day
        ).values_list("judge", flat=True)
    )
    recused = set(Recusal.objects.filter(court_case=court_case).values_list("judge", flat=True))
    own_role = OFFICER_ROLE[court_case.instance]
    earlier = set(
        CaseOfficer.objects.filter(
            case=case, role__in=[r for r in ("investigating_judge", "judge") if r != own_role]
        ).values_list("username", flat=True)
    )
    # Why a judge of the court is not a candidate, the first that applies.
    reasons = {
        "on_panel": set(keep),
        "recused": recused,
        "reassigned": set(leaving),
        "took_part": earlier,
        "leave": on_leave,
    }
    loads = caseloads(court, exclude=court_case.pk)
    candidates: list[dict[str, Any]] = []
    excluded: list[dict[str, str]] = []
    for user in court_judges(court):
        name = user.username
        mine = judges_conf.get(name, {})
        share = int(mine.get("share", FULL_SHARE))
        why = next((w for w, out in reasons.items() if name in out), "")
        if not why and share <= 0:
            why = "no_share"
        if why:
            excluded.append({"judge": name, "why": why})
            continue
        factor = factor_if_specialist if _specialist(mine, case) else 1
        load = loads[name]
        candidates.append(
            {
                "judge": name,
                "load": load,
                "factor": factor,
                "share": share,
                "weight": weight_of(load, factor, share),
            }
        )
    return candidates, excluded, settings


# --- acts: commit, draw -------------------------------------------------------------------------

DrawReason = Literal["intake", "recusal", "reassignment"]
# The seed travels from the commitment's decide to the draw reaction in `ctx.carry`: in memory
# only, for the few milliseconds between the two events of one transaction.


def _court_case_in(ctx: Context, court_case: str) -> CourtCase:
    case_in(ctx)  # refused when the act names no case
    found = CourtCase.objects.filter(pk=court_case, case=ctx.case).select_related("court").first()
    if found is None:
        raise NotFound(
            say("There is no court case %(court_case)s in this case.", court_case=court_case)
        )
    return found


def is_closed(court_case: CourtCase) -> bool:
    return court_case.decided_at is not None or court_case.state in CLOSED_STATES


def _closed(court_case: CourtCase) -> Said:
    """The refusal to act in a closed court case, its state named: said whole for the states a
    verdict leaves it in; any other state is put in as it is recorded."""
    if court_case.state == "decided":
        return say("The court case %(court_case)s is closed (decided).", court_case=court_case.pk)
    if court_case.state == "in_force":
        return say("The court case %(court_case)s is closed (in_force).", court_case=court_case.pk)
    return say(
        "The court case %(court_case)s is closed (%(state)s).",
        court_case=court_case.pk,
        state=court_case.state,
    )


class CommitIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court_case: CourtCaseId
    reason: DrawReason
    leaving: list[Username] = pydantic.Field(default_factory=list, max_length=3)


def _draws_after_commit(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    seed = ctx.carry.pop("seed")
    yield Reaction(
        "courts.judge.draw",
        {
            "court_case": data["court_case"],
            "draw": data["draw"],
            "reason": data["reason"],
            "leaving": data["leaving"],
            "seed": seed,
            "commit_seq": event.seq,
        },
    )


@act_kind(
    "courts.judge.draw_commit",
    schema=CommitIn,
    roles=("system",),
    legal_basis="CPC 29(1)",
    reactions=(_draws_after_commit,),
    title="Commit to the seed of a judge draw",
)
def commit_draw(ctx: Context) -> dict[str, Any]:
    """Records the commitment to the seed of the next draw of judges for a court case: SHA-256
    of a fresh random seed, recorded before the draw so that the seed cannot be chosen to suit
    a judge (CPC 29(1): the bench formed in a way that excludes influence). The draw that
    follows in the same transaction reveals the seed."""
    court_case = _court_case_in(ctx, ctx.input.court_case)
    seed = secrets.token_hex(32)
    commitment = commitment_of(seed)
    ctx.carry["seed"] = seed
    number = JudgeDraw.objects.filter(court_case=court_case).count() + 1
    return {
        "court_case": court_case.pk,
        "draw": f"{court_case.pk}#{number}",
        "reason": ctx.input.reason,
        "leaving": sorted(set(ctx.input.leaving)),
        "commitment": commitment,
    }


class DrawIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court_case: CourtCaseId
    draw: str = pydantic.Field(min_length=5, max_length=60)
    reason: DrawReason
    leaving: list[Username] = pydantic.Field(default_factory=list, max_length=3)
    seed: str = pydantic.Field(pattern=r"^[0-9a-f]{64}$")
    commit_seq: int = pydantic.Field(ge=1)


def _apply_draw(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    court_case = CourtCase.objects.get(pk=data["court_case"])
    seats = {judge: n for n, judge in enumerate(data["chosen"], start=1)}
    JudgeDraw.objects.create(
        id=data["draw"],
        court_case=court_case,
        drawn_at=event.recorded_at,
        algorithm=data["algorithm"],
        candidates=[{**c, "seat": seats.get(c["judge"])} for c in data["candidates"]],
        commitment=data["commitment"],
        seed=data["seed"],
        chosen=data["chosen"][0],
        reason=data["reason"],
    )
    panel = data["panel"]
    before = {court_case.judge, *court_case.panel} - {""}
    court_case.judge = panel[0]
    court_case.panel = panel if len(panel) > 1 else []
    if court_case.state == "registered":
        court_case.state = "assigned"
    court_case.save(update_fields=["judge", "panel", "state"])
    # Hearings still to come are before the new presiding judge.
    Hearing.objects.filter(court_case=court_case, state="scheduled").update(judge=panel[0])
    role = OFFICER_ROLE[court_case.instance]
    gone = before - set(panel)
    if gone:
        CaseOfficer.objects.filter(
            case_id=court_case.case_id, role=role, username__in=gone
        ).delete()
    for judge in panel:
        CaseOfficer.objects.get_or_create(
            case_id=court_case.case_id,
            role=role,
            username=judge,
            defaults={"since": event.recorded_at},
        )
    Case.objects.filter(pk=court_case.case_id).update(last_movement_at=event.recorded_at)
    return {"court_case": court_case.pk, "draw": data["draw"], "judge": panel[0], "panel": panel}


@act_kind(
    "courts.judge.draw",
    schema=DrawIn,
    roles=("system",),
    legal_basis="CPC 29(1), 66(1)",
    apply=_apply_draw,
    title="Draw the judge(s) for a court case",
)
def draw_judges(ctx: Context) -> dict[str, Any]:
    """Records the automatic draw of the judge — or of the panel's vacant seats — for a court
    case (CPC 29(1)-(2), (4)) and, after a recusal, of another judge of the same court
    (66(1)): the seed committed to just before, the candidates (active judges of the court
    minus those on leave that day, recused, relieved, on the panel already or who took part
    earlier, CPC 64) with their caseload, specialist factor, share and weight, and the judges
    chosen by `weighted-sha256-v1`. Anyone can re-run it from this record."""
    data = ctx.input
    court_case = _court_case_in(ctx, data.court_case)
    commitment = commitment_of(data.seed)
    commit = Event.objects.filter(
        stream=ctx.stream, seq=data.commit_seq, kind="courts.judge.draw_commit"
    ).first()
    if commit is None or commit.payload.get("commitment") != commitment:
        raise Conflict(say("The draw's seed does not match the commitment recorded before it."))
    number = JudgeDraw.objects.filter(court_case=court_case).count() + 1
    if data.draw != f"{court_case.pk}#{number}":
        raise Conflict(
            say(
                "The draw %(draw)s is out of sequence for %(court_case)s.",
                draw=data.draw,
                court_case=court_case.pk,
            )
        )
    case = case_in(ctx)  # refused when the act names no case
    day = local_date(ctx.now)
    gone = set(data.leaving) | set(
        Recusal.objects.filter(court_case=court_case).values_list("judge", flat=True)
    )
    keep = [j for j in ([court_case.judge, *court_case.panel]) if j and j not in gone]
    keep = list(dict.fromkeys(keep))  # the presiding judge first, each once
    seats = SEATS[court_case.instance] - len(keep)
    if seats <= 0:
        raise Conflict(
            say(
                "The bench of %(court_case)s is complete; there is no seat to draw.",
                court_case=court_case.pk,
            )
        )
    candidates, excluded, settings = candidates_for(court_case, case, day, keep, data.leaving)
    try:
        chosen = choose(candidates, data.seed, court_case.pk, seats)
    except NoCandidate:
        raise Conflict(
            say(
                "No other judge of %(court)s can take %(court_case)s today "
                "(%(candidates)s candidate(s) for %(seats)s seat(s)); the case must go to another "
                "court through the higher court (CPC 66(1)).",
                court=court_case.court_id,
                court_case=court_case.pk,
                candidates=len(candidates),
                seats=seats,
            )
        ) from None
    return {
        "draw": data.draw,
        "court_case": court_case.pk,
        "reason": data.reason,
        "algorithm": ALGORITHM,
        "commitment": commitment,
        "commit_seq": data.commit_seq,
        "seed": data.seed,
        "day": day.isoformat(),
        "settings_from": settings.effective_from.isoformat() if settings else None,
        "seats": seats,
        "keep": keep,
        "candidates": candidates,
        "excluded": excluded,
        "chosen": chosen,
        "panel": keep + chosen,
    }


def redraw(court_case: str, reason: DrawReason, leaving: Iterable[str]) -> Reaction:
    return Reaction(
        "courts.judge.draw_commit",
        {"court_case": court_case, "reason": reason, "leaving": sorted(set(leaving))},
    )


# --- recusal and reassignment -------------------------------------------------------------------

Ground = Literal["62(1)(1)", "62(1)(2)", "62(1)(3)", "62(2)", "64"]


class RecuseIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court_case: CourtCaseId | None = None
    judge: Username | None = pydantic.Field(
        default=None, description="the judge recused; yourself when left out"
    )
    ground: Ground = pydantic.Field(description="the paragraph of CPC 62 or 64 relied on")
    reason: Reason


def staff_court_case(ctx: Context, given: str | None) -> CourtCase:
    """The court case an official of the court acts on: the one named, or the open one of this
    case in the official's court. Officials of another court are told it is not theirs."""
    case_in(ctx)  # refused when the act names no case
    qs = CourtCase.objects.filter(case=ctx.case).select_related("court")
    if given:
        found = qs.filter(pk=given).first()
    else:
        found = next(
            (
                c
                for c in qs.filter(court_id=ctx.user.unit_id).order_by("-registered_at")
                if not is_closed(c)
            ),
            None,
        )
    if found is None:
        raise NotFound(say("This case has no court case in your court."))
    if found.court_id != ctx.user.unit_id:
        raise Forbidden(
            say("The court case %(court_case)s is heard by another court.", court_case=found.pk)
        )
    if is_closed(found):
        message = _closed(found)
        raise Conflict(message)
    return found


def _apply_recusal(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Recusal.objects.create(
        court_case_id=data["court_case"],
        judge=data["judge"],
        reason=f"CPC {data['ground']}: {data['reason']}",
        at=event.recorded_at,
    )
    return {"court_case": data["court_case"], "recused": data["judge"]}


def _redraw_after_recusal(ctx: Context, event: Event, data: dict[str, Any]) -> Iterator[Reaction]:
    yield redraw(data["court_case"], "recusal", [data["judge"]])


@act_kind(
    "courts.judge.recuse",
    schema=RecuseIn,
    roles=("judge", "appeal_judge"),
    legal_basis="CPC 62-67",
    apply=_apply_recusal,
    reactions=(_redraw_after_recusal,),
    title="Recuse a judge from a case",
)
def recuse_judge(ctx: Context) -> dict[str, Any]:
    """Records a judge's recusal from a court case with its ground and reasons: the judge's own
    withdrawal (CPC 65(1)) or the ruling on a party's challenge — by the judge sitting alone
    (67(4)) or by the other judges of the panel (67(2)). Grounds: CPC 62 (victim, witness,
    earlier role in the case, relative of a participant, interest in the outcome) and 64 (earlier
    participation). The case then goes to another judge of the same court, drawn again (66(1))."""
    court_case = staff_court_case(ctx, ctx.input.court_case)
    bench = [court_case.judge, *court_case.panel]
    me = ctx.user.username
    judge = ctx.input.judge or me
    if me not in bench:
        raise Forbidden(
            say(
                "Only a judge sitting in %(court_case)s records a recusal in it.",
                court_case=court_case.pk,
            )
        )
    if judge not in bench:
        raise Invalid(
            say("%(judge)s does not sit in %(court_case)s.", judge=judge, court_case=court_case.pk),
            fields={"judge": gettext_noop("not on it")},
        )
    if judge != me and len(set(bench)) < 2:
        raise Forbidden(
            say("A challenge to a judge sitting alone is decided by that judge (67(4)).")
        )
    return {
        "court_case": court_case.pk,
        "judge": judge,
        "ground": ctx.input.ground,
        "reason": ctx.input.reason,
    }


class ReassignIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court_case: CourtCaseId | None = None
    judge: Username | None = pydantic.Field(default=None, description="default: presiding")
    reason: Reason


def _redraw_after_reassignment(
    ctx: Context, event: Event, data: dict[str, Any]
) -> Iterator[Reaction]:
    yield redraw(data["court_case"], "reassignment", [data["judge"]])


@act_kind(
    "courts.judge.reassign",
    schema=ReassignIn,
    roles=("court_president",),
    legal_basis="CPC 29(1), 66(1)",
    reactions=(_redraw_after_reassignment,),
    title="Relieve a judge of a case and draw another",
)
def reassign_case(ctx: Context) -> dict[str, Any]:
    """Records the court president's decision, with reasons, to relieve a judge of a court case
    when the judge cannot hear it (long illness, end of office, …); the case then goes by a new
    draw to another judge of the same court (CPC 29(1), 66(1)) — never to a judge named by the
    president."""
    court_case = staff_court_case(ctx, ctx.input.court_case)
    judge = ctx.input.judge or court_case.judge
    if not judge:
        raise Invalid(say("No judge does not sit in %(court_case)s.", court_case=court_case.pk))
    if judge not in [court_case.judge, *court_case.panel]:
        raise Invalid(
            say("%(judge)s does not sit in %(court_case)s.", judge=judge, court_case=court_case.pk)
        )
    return {"court_case": court_case.pk, "judge": judge, "reason": ctx.input.reason}
