"""Court performance, for the president of the court: cases past their legal terms, hearings
postponed again and again, and the caseload of each judge. All read from the projections (the
deadlines the rule pack keeps, the court cases and hearings), scoped to the president's court.

The president organises the court's work (in the appeal court, CPC 410(1): the president forms
the panels); the terms watched are those a court of first instance answers for: the intake
decision and the start and length of the trial (CPC 277(3), 283), custody during the trial
(303) and turning the verdict to execution (426(4)). Postponements are those of CPC 301(1),
each recorded with its reasons.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from icjis.core import clock
from icjis.core.models import User
from icjis.core.refusals import Forbidden, say
from icjis.courts.assignment import CLOSED_STATES
from icjis.courts.models import CourtCase, Verdict
from icjis.legal.counting import local_date, start_of_day
from icjis.legal.models import Deadline

PRESIDENT_ROLE = "court_president"
COURT_RULES = ("court.", "verdict.", "custody.term")
"""Terms the court of first instance answers for once the case is before it (rule id prefixes
of the pack); the appeal court's own term (`appeal.decision`) is its president's to watch."""


def court_of(user: Any) -> str:
    """The court the user presides over; 403 for anyone who is not a court's president."""
    if PRESIDENT_ROLE not in getattr(user, "roles", ()):
        raise Forbidden(say("Court performance is for the president of the court."))
    return str(user.unit_id)


def _court_rule() -> Q:
    rules = Q()
    for prefix in COURT_RULES:
        rules |= Q(rule__startswith=prefix)
    return rules


def overdue(court: str) -> QuerySet[Deadline]:
    """The court's cases' terms now past due and not met (a window that lapsed is no breach),
    oldest first."""
    now = clock.now()
    return (
        Deadline.objects.filter(_court_rule(), case__court_id=court)
        .in_state("missed", now)
        .filter(case__stage__in=("trial", "appeal", "execution"))
        .select_related("case")
        .order_by("due_at", "case_id", "rule")
    )


def postponed(court: str, at_least: int) -> QuerySet[CourtCase]:
    """The court's cases whose hearings were postponed at least `at_least` times in all."""
    return (
        CourtCase.objects.filter(court_id=court)
        .annotate(
            postponed=Sum("hearings__postponements"),
            hearing_count=Count("hearings"),
            last_hearing=Max("hearings__starts_at"),
        )
        .filter(postponed__gte=at_least)
        .order_by("-postponed", "id")
    )


def caseload(court: str) -> dict[str, Any]:
    """Per judge of the court: court cases awaiting a verdict, verdicts delivered this year and
    overall, and terms of their cases now overdue — a few grouped queries, whatever the size."""
    now = clock.now()
    judges = {
        u.username
        for u in User.objects.filter(unit_id=court, is_active=True)
        if u.has_role("judge")
    }
    cases = CourtCase.objects.filter(court_id=court, instance="first")
    awaiting = cases.filter(decided_at__isnull=True).exclude(state__in=CLOSED_STATES)
    open_by = _count_by(awaiting, "judge")
    verdicts = Verdict.objects.filter(court_id=court)
    year_start = start_of_day(date(local_date(now).year, 1, 1))
    delivered_by = _count_by(verdicts, "judge")
    this_year_by = _count_by(verdicts.filter(delivered_at__gte=year_start), "judge")
    late = Deadline.objects.filter(_court_rule(), case__court_cases__court_id=court)
    overdue_by = _count_by(late.in_state("missed", now), "case__court_cases__judge")
    rows = [
        {
            "judge": judge,
            "open_cases": open_by.get(judge, 0),
            "verdicts": delivered_by.get(judge, 0),
            "verdicts_this_year": this_year_by.get(judge, 0),
            "overdue_terms": overdue_by.get(judge, 0),
        }
        for judge in sorted(judges | {j for j in open_by if j})
    ]
    return {"court": court, "judges": rows, "awaiting_draw": open_by.get("", 0)}


def _count_by(qs: QuerySet[Any], field: str) -> dict[str, int]:
    grouped = qs.order_by().values_list(field).annotate(n=Count("pk", distinct=True))
    return {key or "": n for key, n in grouped}
