"""Raising and reading alerts (see `core.models.Alert`).

`raise_alert` is called from projectors, so it may use only the event; `alerts_for` scopes the
open alerts to the reader: alerts on a case follow case visibility; alerts without a case (a roster
gap) follow the reader's unit territory; either way only the roles named on the alert see it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pydantic
from django.db.models import Q, QuerySet

from icjis.core import projections
from icjis.core.access import in_visible_cases, scope_of
from icjis.core.acts import Context, act_kind
from icjis.core.models import Alert, Case, Event, Unit
from icjis.core.refusals import Conflict, NotFound, Said, say


def raise_alert(
    event: Event,
    n: int,
    *,
    kind: str,
    unit: Unit | str,
    roles: list[str],
    message: str,
    case: Case | None = None,
    subject: str = "",
    levels: Sequence[str] = (),
) -> Alert:
    """Record alert number `n` of `event` (projector side; deterministic). A `message` made by
    `say` is kept with its template, so that a page says it in the reader's language. With
    `levels`, only readers whose unit is of one of those levels are told."""
    unit_obj = (
        unit if isinstance(unit, Unit) else Unit.objects.select_related("territory").get(code=unit)
    )
    return Alert.objects.create(
        id=f"{event.stream}#{event.seq}/{n}",
        kind=kind,
        case=case,
        unit=unit_obj,
        territory_path=case.territory_path if case else unit_obj.territory.path,
        roles="," + ",".join(sorted(roles)) + ",",
        levels="," + ",".join(sorted(levels)) + "," if levels else "",
        message=message[:500],
        said=message.as_json() if isinstance(message, Said) else None,
        subject=subject,
        raised_at=event.recorded_at,
    )


def answer(event: Event, kind: str, subject: str | None = None, **values: str) -> None:
    """Close the open alerts of `kind` in the case of `event` (on `subject`, and whose sentence
    names `values`, when given): the act `event` records deals with what they asked for, so it
    answers them, in the name of its actor (projector side; deterministic). On a register's own
    stream (an administrative detention …) the alerts belong to no case and name the record as
    their `subject`."""
    case = event.stream.removeprefix("case/") if event.stream.startswith("case/") else None
    alerts = Alert.objects.filter(kind=kind, case_id=case, state="open")
    if subject is not None:
        alerts = alerts.filter(subject=subject)
    for name, value in values.items():
        alerts = alerts.filter(**{f"said__values__{name}": value})
    alerts.update(state="acknowledged", closed_at=event.recorded_at, closed_by=event.actor)


def alerts_for(user: Any, state: str = "open") -> QuerySet[Alert]:
    role_q = Q(pk__in=[])
    for role in user.roles:
        role_q |= Q(roles__contains=f",{role},")
    qs = Alert.objects.filter(state=state).filter(role_q)
    level = user.unit.level if getattr(user, "unit", None) is not None else ""
    qs = qs.filter(Q(levels="") | Q(levels__contains=f",{level},"))
    if scope_of(user) == "national":
        return qs
    case_part = in_visible_cases(user)
    own_area = Q(case__isnull=True, territory_path__startswith=user.unit.territory.path)
    return qs.filter(case_part | own_area)


class Acknowledge(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    alert: str = pydantic.Field(min_length=1, max_length=240)
    note: str = pydantic.Field(default="", max_length=1000)


def _alert_stream(data: Any) -> str:
    return f"alert/{data.alert}"


def _apply_ack(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Alert.objects.filter(pk=data["alert"]).update(
        state="acknowledged", closed_at=event.recorded_at, closed_by=event.actor
    )
    return {"alert": data["alert"]}


@act_kind(
    "alerts.acknowledge",
    schema=Acknowledge,
    roles=(
        "unit_head",
        "prosecutor",
        "legal_aid_coordinator",
        "ivs_officer",
        "investigator",
        "probation_officer",
        "prison_officer",
        "judge",
        "investigating_judge",
        "court_clerk",
    ),
    legal_basis="Supervision of the procedure (CPC 35)",
    target="stream",
    stream_for=_alert_stream,
    apply=_apply_ack,
    title="Acknowledge an alert",
)
def acknowledge(ctx: Context) -> dict[str, Any]:
    """Records that the person told has looked at an alert and what they did about it."""
    alert = alerts_for(ctx.user).filter(pk=ctx.input.alert).first()
    if alert is None:
        if Alert.objects.filter(pk=ctx.input.alert, state="acknowledged").exists():
            raise Conflict(say("This alert was already acknowledged."))
        raise NotFound(say("No such open alert for you."))
    return ctx.input.model_dump()


projections.tables(Alert)
