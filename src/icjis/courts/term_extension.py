"""Extending the court's own terms: the trial term (CPC 283(3)-(5)) and the appeal court's term
to decide (CPC 410(4)).

The trial must be finished within 1 month (crimes of minor gravity), 2 months (others) or 3
months (with jurors) of the case's arrival in court (283(2)); when it cannot be, the presiding
judge extends the term, each time by up to 2 months, in a hearing with the parties before the
term runs out (283(3)-(4), 304(3)). The appeal court decides within 2 months (3 with new
evidence) of receiving the case, a term it may extend by one month for good reason (410(4)).

`courts.term.extend` records the months added; the rule pack adds them to the running term
(rules `court.trial_term*` and `appeal.decision`, `extended_by … add = true`), so the Deadline
projection shows the new end without anyone typing a date.
"""

from __future__ import annotations

from typing import Any

import pydantic

from icjis.core.acts import Context, act_kind
from icjis.core.canonical import iso
from icjis.core.models import Case, Event
from icjis.core.refusals import Conflict, Forbidden, Invalid, say
from icjis.courts.assignment import CourtCaseId, Reason, staff_court_case
from icjis.courts.context import case_in
from icjis.legal.models import Deadline

TRIAL_RULES: tuple[str, ...] = (
    "court.trial_term.minor",
    "court.trial_term",
    "court.trial_term.jury",
)
APPEAL_RULES: tuple[str, ...] = ("appeal.decision",)
TRIAL_MONTHS_AT_A_TIME = 2  # CPC 283(3)
APPEAL_EXTENSION_MONTHS = 1  # CPC 410(4)


class ExtendIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court_case: CourtCaseId | None = pydantic.Field(
        default=None, description="default: the case's open court case in your court"
    )
    months: int = pydantic.Field(
        ge=1, le=2, description="trial: 1 or 2 (CPC 283(3)); appeal: 1 (CPC 410(4))"
    )
    reason: Reason


def _apply_extend(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Case.objects.filter(pk=event.stream.removeprefix("case/")).update(
        last_movement_at=event.recorded_at
    )
    return {"court_case": data["court_case"], "term": data["term"], "months": data["months"]}


@act_kind(
    "courts.term.extend",
    schema=ExtendIn,
    roles=("judge", "appeal_judge"),
    legal_basis="CPC 283(3)-(5), 304(3), 410(4)",
    apply=_apply_extend,
    title="Extend the trial term or the appeal court's term",
)
def extend_term(ctx: Context) -> dict[str, Any]:
    """Records the court's ruling extending its own term, with reasons: the trial term by up to
    2 months at a time, in a hearing before the term runs out (CPC 283(3)-(4), 304(3)); the
    appeal court's term to decide by one month, once, for good reason (410(4)). Refused after
    the term has run out and for a case whose term is not running (suspended proceedings are
    not extended, 283(5)). The months are added to the running term (rule pack)."""
    case = case_in(ctx)
    court_case = staff_court_case(ctx, ctx.input.court_case)
    months = ctx.input.months
    if court_case.instance == "first":
        term, rules = "trial", TRIAL_RULES
        if ctx.user.username != court_case.judge:
            raise Forbidden(
                say(
                    "Only the presiding judge of %(court_case)s extends the trial term "
                    "(CPC 283(3)).",
                    court_case=court_case.pk,
                )
            )
    else:
        term, rules = "appeal", APPEAL_RULES
        if ctx.user.username not in {court_case.judge, *court_case.panel}:
            raise Forbidden(
                say(
                    "Only the panel of %(court_case)s extends the appeal court's term "
                    "(CPC 410(4)).",
                    court_case=court_case.pk,
                )
            )
        if months != APPEAL_EXTENSION_MONTHS:
            raise Invalid(
                say("The appeal court's term may be extended by one month (CPC 410(4))."),
                fields={"months": "1"},
            )
    running = (
        Deadline.objects.filter(case=case, rule__in=rules, state__in=("running", "suspended"))
        .order_by("-start_seq")
        .first()
    )
    # Each refusal names the article of the term at hand: CPC 283(3) at trial, 410(4) on appeal.
    if running is None:
        nothing = (
            say("No trial term is running in this case; there is nothing to extend (CPC 283(3)).")
            if term == "trial"
            else say(
                "No appeal term is running in this case; there is nothing to extend (CPC 410(4))."
            )
        )
        raise Conflict(nothing)
    if running.state == "suspended":
        suspended = (
            say(
                "The trial term is suspended with the proceedings; a suspended term is not "
                "extended (CPC 283(5))."
            )
            if term == "trial"
            else say(
                "The appeal term is suspended with the proceedings; a suspended term is not "
                "extended (CPC 283(5))."
            )
        )
        raise Conflict(suspended)
    if ctx.now > running.due_at:
        ran_out = (
            say(
                "The trial term ran out at %(due)s; it is extended only before it runs out "
                "(CPC 283(4), CPC 283(3)).",
                due=iso(running.due_at),
            )
            if term == "trial"
            else say(
                "The appeal term ran out at %(due)s; it is extended only before it runs out "
                "(CPC 283(4), CPC 410(4)).",
                due=iso(running.due_at),
            )
        )
        raise Conflict(ran_out)
    if term == "appeal":
        earlier = Event.objects.filter(
            stream=ctx.stream, kind="courts.term.extend", seq__gt=running.start_seq
        )
        if any(e.payload.get("court_case") == court_case.pk for e in earlier):
            raise Conflict(
                say(
                    "The appeal court's term in %(court_case)s has already been extended by its "
                    "one month (CPC 410(4)).",
                    court_case=court_case.pk,
                )
            )
    return {
        "court_case": court_case.pk,
        "term": term,
        "rule": running.rule,
        "months": months,
        "reason": ctx.input.reason,
        "due_before": iso(running.due_at),
    }
