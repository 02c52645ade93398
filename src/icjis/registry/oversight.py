"""Oversight lists of the register of crimes (module A: the prosecutor's oversight dashboards):
reports awaiting a decision, running and missed legal terms, refusals to open a case, and cases
without movement — for heads of unit, prosecutors and auditors.

Each function returns ONE queryset, i.e. one SQL statement whatever the caseload, never a Python
loop over rows. Its rows are those of the units the user oversees (their unit; every unit of a
prosecutor's supervision area) that `restrict(user)` also lets through, so a list is never wider
than what the user may read. The unit leads the index each list starts from (case_unit_stage_idx,
deadline_unit_due_idx), so the database reads the user's own area, not the whole country; the
legal terms and the refusal come as correlated subqueries on unique indexes. Missed terms come
from the partial indexes on overdue candidates (`Deadline.in_state`): a unit's from
deadline_unit_overdue_idx, a wider area's or the country's from deadline_overdue_due_idx, both
already in due order, so a page is read without sorting every missed term of the area.

The lists show no personal data (no summary, no participants, no grounds), so they are not
written to the access log row by row; opening a case from a list goes through `access_case`,
which is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_noop

from icjis.core.access import in_visible_cases, listed_cases, scope_of
from icjis.core.models import Case, Event, Unit
from icjis.core.refusals import Forbidden, Invalid, say
from icjis.legal.models import Deadline

OVERSEERS = ("unit_head", "prosecutor", "auditor")
UNDECIDED_STAGES = ("registered", "pre_investigation")
LISTED_STATES = ("running", "missed")
DAYS_MIN, DAYS_MAX = 1, 3650
REFUSE = "registry.case.refuse"
DECISION_RULE = "report.decision"  # CPC 153(3): open or refuse within 10 days (20 if extended)
APPEAL_RULE = "refusal.appeal"  # CPC 154(3): the applicant's 10 days to appeal a refusal

# What a row needs of a case; the summary and details (which may name people) stay unread.
CASE_FIELDS = (
    "number",
    "stage",
    "unit_id",
    "article",
    "article_part",
    "category",
    "registered_at",
    "last_movement_at",
)


def require_overseer(user: Any) -> None:
    """Heads of unit, prosecutors and auditors (read-only) may read the oversight lists."""
    if getattr(user, "is_system", False):
        return
    if not any(role in OVERSEERS for role in user.roles):
        raise Forbidden(
            say(
                "The oversight lists are for heads of unit, prosecutors and auditors; "
                "your role does not include them."
            )
        )


def overseen_units(user: Any) -> QuerySet[Unit] | None:
    """The units whose work `user` oversees, by their read scope: their own unit (unit scope),
    every unit in their territory subtree (region: a prosecutor's supervision area), every unit
    of their agency; None for national scope (every unit)."""
    scope = scope_of(user)
    if scope == "national":
        return None
    if scope == "region":
        return Unit.objects.filter(territory__path__startswith=user.unit.territory.path)
    if scope == "agency":
        return Unit.objects.filter(agency_id=user.agency_id)
    return Unit.objects.filter(code=user.unit_id)


def _cases(user: Any) -> QuerySet[Case]:
    require_overseer(user)
    units = overseen_units(user)
    visible = listed_cases(user)
    return visible if units is None else visible.filter(unit__in=units)


def _period(days: int) -> timedelta:
    if isinstance(days, bool) or not isinstance(days, int) or not DAYS_MIN <= days <= DAYS_MAX:
        raise Invalid(
            say(
                "days must be a whole number from %(low)s to %(high)s.", low=DAYS_MIN, high=DAYS_MAX
            ),
            fields={"days": gettext_noop("out of range")},
        )
    return timedelta(days=days)


def _term(rule: str, field: str, now: datetime | None = None) -> Subquery:
    """One field of the case's latest term under `rule` (the deadline_unique_start index on
    case, rule, subject, start_seq finds it); with `now`, `current_state` is computed at query
    time, so a running term past its due time reads `missed` without any worker."""
    terms = Deadline.objects.filter(case=OuterRef("pk"), rule=rule)
    if now is not None:
        terms = terms.with_state(now)
    return Subquery(terms.order_by("-start_seq").values(field)[:1])


def undecided_reports(user: Any, now: datetime) -> QuerySet[Case]:
    """Registered reports on which neither a case has been opened nor opening refused (stages
    `registered` and `pre_investigation`), oldest first, with the due time and current state of
    the term for the decision (`report.decision`, CPC 153(3)) — null where the case's rule pack
    has no such term."""
    return (
        _cases(user)
        .filter(stage__in=UNDECIDED_STAGES)
        .only(*CASE_FIELDS)
        .annotate(
            decision_due_at=_term(DECISION_RULE, "due_at"),
            decision_state=_term(DECISION_RULE, "current_state", now),
        )
        .order_by("registered_at", "number")
    )


def deadlines(
    user: Any,
    now: datetime,
    state: str = "missed",
    *,
    rule: str | None = None,
    unit: str | None = None,
) -> QuerySet[Deadline]:
    """Legal terms running in the units the user oversees, of cases they may read, that are
    `running` (due time still ahead) or `missed` (past due and not met, or met late) at `now`
    — the state computed at query time — soonest due first.

    `rule` is a dotted prefix: `investigation.term` also takes `investigation.term.minor`, but
    not `investigation.terms`. `unit` is the unit the term runs in."""
    if state not in LISTED_STATES:
        raise Invalid(
            say("state must be running or missed."),
            fields={"state": gettext_noop("running or missed")},
        )
    require_overseer(user)
    qs = Deadline.objects.in_state(state, now)
    qs = qs.filter(in_visible_cases(user))
    units = overseen_units(user)
    if units is not None:
        qs = qs.filter(unit__in=units)
    if rule:
        qs = qs.filter(Q(rule=rule) | Q(rule__startswith=f"{rule}."))
    if unit:
        qs = qs.filter(unit_id=unit)
    return (
        qs.with_state(now)
        .select_related("case")
        .only(
            "case_id",
            "unit_id",
            "rule",
            "article",
            "due_at",
            "state",
            "closed_at",
            *(f"case__{name}" for name in CASE_FIELDS),
        )
        .order_by("due_at", "pk")
    )


def refusals_to_review(user: Any, now: datetime, days: int = 30) -> QuerySet[Case]:
    """Cases closed by a refusal to open a case (CPC 154) in the last `days` days, newest first,
    for the prosecutor to check the refusal's lawfulness; with the time of the refusal (from the
    ledger) and the applicant's appeal term (`refusal.appeal`, CPC 154(3)) where it runs."""
    since = now - _period(days)
    refused_at = Subquery(
        Event.objects.filter(
            stream=Concat(Value("case/"), OuterRef("number"), output_field=CharField()),
            kind=REFUSE,
        )
        .order_by("-seq")
        .values("recorded_at")[:1]
    )
    return (
        _cases(user)
        # A refusal moves the case, so a case refused since `since` has moved since then: the
        # indexed last_movement_at bound keeps the ledger lookups to recent cases.
        .filter(stage="closed", details__decision="refused", last_movement_at__gte=since)
        .only(*CASE_FIELDS)
        .annotate(
            refused_at=refused_at,
            appeal_due_at=_term(APPEAL_RULE, "due_at"),
            appeal_state=_term(APPEAL_RULE, "current_state", now),
        )
        .filter(refused_at__gte=since)
        .order_by("-refused_at", "number")
    )


def stale_cases(user: Any, now: datetime, days: int) -> QuerySet[Case]:
    """Cases not closed on which nothing has happened for more than `days` days, longest
    without movement first."""
    return (
        _cases(user)
        .exclude(stage="closed")
        .filter(last_movement_at__lt=now - _period(days))
        .only(*CASE_FIELDS)
        .order_by("last_movement_at", "number")
    )
