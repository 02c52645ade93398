"""Who may be drawn, and how: judges' leave and the court's assignment settings (CPC 29(1)).

Both are acts of the court president on the court's own stream (`court/<code>`). Leave takes a
judge out of the draws on its days and cannot be recorded for past days. The settings — each
judge's specialisations and share of a full caseload, and the specialist factor — take effect on
the next working day after they are set, never the same day, so that no one can tune them to a
case arriving today. Both are read by the draw (`icjis.courts.assignment`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pydantic
from django.utils.translation import gettext_noop

from icjis.core.acts import Context, act_kind
from icjis.core.models import Event, Unit
from icjis.core.refusals import Forbidden, Invalid, say
from icjis.courts.assignment import (
    DEFAULT_SPECIALIST_FACTOR,
    JUDGE_ROLE,
    Specialisation,
    Username,
    court_judges,
)
from icjis.courts.draw import FULL_SHARE
from icjis.courts.models import AssignmentSettings, JudgeAvailability
from icjis.legal.calendar import default_calendar
from icjis.legal.counting import local_date

MAX_LEAVE_DAYS = 366


def _court_stream(parsed: Any) -> str:
    return f"court/{parsed.court}"


def _president_court(ctx: Context, code: str) -> Unit:
    court = Unit.objects.filter(code=code, kind__in=tuple(JUDGE_ROLE)).first()
    if court is None:
        raise Invalid(
            say("%(court)s is not a court.", court=code),
            fields={"court": gettext_noop("not a court")},
        )
    if ctx.user.unit_id != court.code:
        raise Forbidden(say("Only the president of %(court)s may do this.", court=court.code))
    return court


class LeaveIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court: str = pydantic.Field(min_length=1, max_length=32)
    judge: Username
    starts_on: date
    ends_on: date
    reason: str = pydantic.Field(min_length=3, max_length=200)


def _apply_leave(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    JudgeAvailability.objects.create(
        judge=data["judge"],
        court_id=data["court"],
        starts_on=date.fromisoformat(data["starts_on"]),
        ends_on=date.fromisoformat(data["ends_on"]),
        reason=data["reason"],
    )
    return {"judge": data["judge"], "starts_on": data["starts_on"], "ends_on": data["ends_on"]}


@act_kind(
    "courts.judge.leave",
    schema=LeaveIn,
    roles=("court_president",),
    legal_basis="CPC 29(1)",
    target="stream",
    stream_for=_court_stream,
    apply=_apply_leave,
    title="Record a judge's leave (no draws on those days)",
)
def record_leave(ctx: Context) -> dict[str, Any]:
    """Records, by order of the court president, that a judge of the court is on leave or
    otherwise absent from `starts_on` to `ends_on` (inclusive): no case is drawn to the judge on
    those days (CPC 29(1)). Leave cannot start in the past."""
    data = ctx.input
    court = _president_court(ctx, data.court)
    if data.judge not in {u.username for u in court_judges(court)}:
        raise Invalid(
            say("%(judge)s is not a judge of %(court)s.", judge=data.judge, court=court.code),
            fields={"judge": gettext_noop("unknown")},
        )
    today = local_date(ctx.now)
    if data.starts_on < today:
        raise Invalid(
            say("Leave cannot be recorded for past days."),
            fields={"starts_on": gettext_noop("past")},
        )
    if not data.starts_on <= data.ends_on <= data.starts_on + timedelta(days=MAX_LEAVE_DAYS):
        raise Invalid(
            say(
                "The leave must end on or after its first day and last at most %(days)s days.",
                days=MAX_LEAVE_DAYS,
            ),
            fields={"ends_on": gettext_noop("out of range")},
        )
    return {
        "court": court.code,
        "judge": data.judge,
        "starts_on": data.starts_on.isoformat(),
        "ends_on": data.ends_on.isoformat(),
        "reason": data.reason,
    }


class JudgeSettings(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    specialisations: list[Specialisation] = pydantic.Field(
        default_factory=list,
        max_length=20,
        description="crime categories (minor_gravity, less_grave, grave, especially_grave) or "
        "article numbers of the criminal code",
    )
    share: int = pydantic.Field(
        default=FULL_SHARE, ge=0, le=FULL_SHARE, description="percent of a full caseload"
    )


class SettingsIn(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    court: str = pydantic.Field(min_length=1, max_length=32)
    judges: dict[Username, JudgeSettings] = pydantic.Field(max_length=200)
    specialist_factor: int = pydantic.Field(default=DEFAULT_SPECIALIST_FACTOR, ge=1, le=10)


def _apply_settings(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    AssignmentSettings.objects.create(
        court_id=data["court"],
        effective_from=date.fromisoformat(data["effective_from"]),
        settings=data["settings"],
        set_at=event.recorded_at,
        set_seq=event.seq,
    )
    return {"court": data["court"], "effective_from": data["effective_from"]}


@act_kind(
    "courts.assignment.settings",
    schema=SettingsIn,
    roles=("court_president",),
    legal_basis="CPC 29(1)",
    target="stream",
    stream_for=_court_stream,
    apply=_apply_settings,
    title="Set the judges' specialisations and shares for the draw",
)
def set_assignment_settings(ctx: Context) -> dict[str, Any]:
    """Records the court's assignment settings — each judge's specialisations and share of a
    full caseload, and the specialist factor — taking effect on the next working day, never on
    the day they are set, so that no one can tune them to a case arriving today (CPC 29(1))."""
    data = ctx.input
    court = _president_court(ctx, data.court)
    known = {u.username for u in court_judges(court)}
    unknown = sorted(set(data.judges) - known)
    if unknown:
        raise Invalid(
            say(
                "Not judges of %(court)s: %(judges)s.", court=court.code, judges=", ".join(unknown)
            ),
            fields={"judges": gettext_noop("unknown")},
        )
    effective = default_calendar().add_working_days(local_date(ctx.now), 1)
    return {
        "court": court.code,
        "effective_from": effective.isoformat(),
        "settings": {
            "judges": {name: conf.model_dump() for name, conf in sorted(data.judges.items())},
            "specialist_factor": data.specialist_factor,
        },
    }
