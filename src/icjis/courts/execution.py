"""Turning a verdict in force to execution (CPC 426(4)-(5)).

The court of first instance turns its verdict to execution no later than 3 days after it enters
into force (426(4)) by sending each sentence to the body that executes it — imprisonment to the
penitentiary service, probation, community work and restriction of liberty to the probation
body, a fine to the enforcement service — and keeps watch over the execution (426(5)).
`courts.verdict.execute` records which body of the court's region was sent which sentence of
which convict; it meets the rule `verdict.execution`. The bodies read the sentence in the
register of court decisions; their own acts (admission, registration, the fine's record) follow.
"""

from __future__ import annotations

from typing import Any

import pydantic

from icjis.core.acts import Context, act_kind
from icjis.core.models import Case, Event, Unit
from icjis.core.refusals import Conflict, Forbidden, Said, say
from icjis.courts.context import case_in
from icjis.courts.models import Verdict
from icjis.courts.verdicts import case_of, current_verdict

BODY_OF_SENTENCE = {
    "imprisonment": "prison",
    "probation": "probation_office",
    "community_work": "probation_office",
    "restriction_of_liberty": "probation_office",
    "fine": "enforcement_office",
}
"""The kind of unit that executes each kind of sentence (Criminal Executive Code 2017; Law on
Probation of 24.02.2017 No. 34; Law on Enforcement Proceedings)."""


def executing_unit(court: Unit, kind: str) -> Unit | None:
    """The unit of `kind` nearest the court in the territory tree (the longest shared path;
    the code breaks ties), e.g. the colony of the court's region."""
    path = court.territory.path
    best: tuple[int, str] | None = None
    found: Unit | None = None
    for unit in Unit.objects.filter(kind=kind).select_related("territory").order_by("code"):
        other = unit.territory.path
        shared = 0
        for a, b in zip(path, other, strict=False):
            if a != b:
                break
            shared += 1
        key = (shared, unit.code)
        if best is None or shared > best[0]:
            best, found = key, unit
    return found if best is not None and best[0] > 0 else None


def _no_body(court: str, kind: str) -> Said:
    """The refusal when no unit near the court executes a kind of sentence: said whole for each
    kind of `BODY_OF_SENTENCE`; any other kind is put in as it is named."""
    if kind == "imprisonment":
        return say(
            "No body in the region of %(court)s executes imprisonment; the directory of units "
            "must name one before the verdict can be sent.",
            court=court,
        )
    if kind == "probation":
        return say(
            "No body in the region of %(court)s executes probation; the directory of units "
            "must name one before the verdict can be sent.",
            court=court,
        )
    if kind == "community_work":
        return say(
            "No body in the region of %(court)s executes community work; the directory of units "
            "must name one before the verdict can be sent.",
            court=court,
        )
    if kind == "restriction_of_liberty":
        return say(
            "No body in the region of %(court)s executes restriction of liberty; the directory "
            "of units must name one before the verdict can be sent.",
            court=court,
        )
    if kind == "fine":
        return say(
            "No body in the region of %(court)s executes fine; the directory of units "
            "must name one before the verdict can be sent.",
            court=court,
        )
    return say(
        "No body in the region of %(court)s executes %(what)s; the directory of units "
        "must name one before the verdict can be sent.",
        court=court,
        what=kind.replace("_", " "),
    )


class ExecuteIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


def _apply_execute(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    case = case_of(event)
    # With co-defendants entering into force apart (CPC 426(3)), each turn adds its orders.
    earlier = Verdict.objects.filter(pk=data["verdict"]).values_list("execution_orders", flat=True)
    orders = [*(earlier.first() or []), *data["orders"]]
    Verdict.objects.filter(pk=data["verdict"]).update(
        executed_at=event.recorded_at, execution_orders=orders
    )
    details = dict(case.details)
    verdicts = dict(details.get("verdicts", {}))
    facts = dict(verdicts.get(data["verdict"], {}))
    facts["execution"] = orders
    verdicts[data["verdict"]] = facts
    details["verdicts"] = verdicts
    Case.objects.filter(pk=case.pk).update(details=details, last_movement_at=event.recorded_at)
    return {"verdict": data["verdict"], "orders": data["orders"]}


@act_kind(
    "courts.verdict.execute",
    schema=ExecuteIn,
    roles=("court_clerk", "judge"),
    legal_basis="CPC 426(4)-(5)",
    apply=_apply_execute,
    title="Turn the verdict to execution",
)
def execute_verdict(ctx: Context) -> dict[str, Any]:
    """Records that the court turned its verdict in force to execution (CPC 426(4)): for each
    convict with a sentence to serve, the sentence and the body of the court's region it was
    sent to — the colony for imprisonment, the probation office for probation, community work
    and restriction of liberty, the enforcement office for a fine. By the clerk of the court
    that delivered the verdict or its presiding judge; once per convict, for those for whom the
    verdict is in force — with co-defendants, each as it enters into force for them (426(3)).
    Due within 3 days of entry into force (rule `verdict.execution`); recorded late, it still
    counts, and the term shows it was late."""
    case = case_in(ctx)
    verdict = current_verdict(case)
    if verdict is None:
        raise Conflict(say("There is no verdict in this case to turn to execution."))
    if not verdict.defendants.filter(in_force_at__isnull=False).exists():
        raise Conflict(
            say(
                "Verdict %(verdict)s has not entered into force; it is turned to execution only "
                "once in force (CPC 426(1)-(4)).",
                verdict=verdict.id,
            )
        )
    if ctx.user.unit_id != verdict.court_id:
        raise Forbidden(
            say(
                "Verdict %(verdict)s is turned to execution by %(court)s.",
                verdict=verdict.id,
                court=verdict.court_id,
            )
        )
    if ctx.actor.role == "judge" and ctx.user.username != verdict.judge:
        raise Forbidden(
            say(
                "The presiding judge of verdict %(verdict)s or a clerk of %(court)s turns "
                "it to execution.",
                verdict=verdict.id,
                court=verdict.court_id,
            )
        )
    sent = {o["person"] for o in verdict.execution_orders or []}
    court = verdict.court  # the court of the verdict (a protected key: it exists)
    orders = []
    rows = verdict.defendants.exclude(sentence_kind="").filter(in_force_at__isnull=False)
    for row in rows.exclude(person_id__in=sent).order_by("person_id", "article"):
        kind = BODY_OF_SENTENCE.get(row.sentence_kind)
        unit = executing_unit(court, kind) if kind else None
        if unit is None:
            message = _no_body(court.code, row.sentence_kind)
            raise Conflict(message)
        sentence: dict[str, Any] = {"kind": row.sentence_kind}
        for key in ("months", "regime", "probation_months"):
            value = getattr(row, key)
            if value not in (None, ""):
                sentence[key] = value
        if row.amount is not None:
            key = "hours" if row.sentence_kind == "community_work" else "amount"
            sentence[key] = str(row.amount) if key == "amount" else int(row.amount)
        orders.append(
            {
                "person": row.person_id,
                "article": row.article,
                "sentence": sentence,
                "body": kind,
                "unit": unit.code,
                "custody_credit_days": row.custody_credit_days,
            }
        )
    if not orders and sent:
        raise Conflict(
            say(
                "Verdict %(verdict)s was already turned to execution for every convict for whom "
                "it is in force (CPC 426(3)-(4)).",
                verdict=verdict.id,
            )
        )
    if not orders and verdict.defendants.exclude(sentence_kind="").exists():
        raise Conflict(
            say(
                "Verdict %(verdict)s is not yet in force for any convict with a sentence to serve "
                "(an appeal of theirs awaits the appeal court, CPC 405(1), 426(2)-(3)).",
                verdict=verdict.id,
            )
        )
    if not orders:
        raise Conflict(
            say(
                "Verdict %(verdict)s imposes no sentence to serve (an acquittal or a conviction "
                "without punishment); there is nothing to turn to execution.",
                verdict=verdict.id,
            )
        )
    return {"verdict": verdict.id, "court": court.code, "orders": orders}
