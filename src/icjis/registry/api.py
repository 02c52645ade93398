"""API routes of the register of crimes (mounted under /api/v1 by icjis.urls)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import log_read
from icjis.core.canonical import iso
from icjis.core.models import Case
from icjis.core.numbering import normalise
from icjis.registry import oversight
from icjis.registry.filings import visible_filings, with_term
from icjis.registry.models import Filing

router = Router(tags=["registry"])


# --- oversight (heads of unit, prosecutors, auditors) ----------------------------------------


class Page(Schema):
    limit: int = Field(50, ge=1, le=500, description="rows per page, at most 500")
    offset: int = Field(0, ge=0, le=10_000_000)


class DaysPage(Page):
    days: int = Field(ge=oversight.DAYS_MIN, le=oversight.DAYS_MAX)


class RefusalsPage(Page):
    days: int = Field(30, ge=oversight.DAYS_MIN, le=oversight.DAYS_MAX)


class DeadlinesPage(Page):
    state: Literal["missed", "running"] = "missed"
    rule: str | None = Field(None, pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$", max_length=64)
    unit: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]+$", max_length=32)


def _page(qs: QuerySet[Any], page: Page, row: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """One query: a row more than the page tells whether there is a next page, without a
    COUNT over the whole list."""
    rows = list(qs[page.offset : page.offset + page.limit + 1])
    more = len(rows) > page.limit
    return {
        "items": [row(r) for r in rows[: page.limit]],
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": page.offset + page.limit if more else None,
    }


def _case_row(case: Case) -> dict[str, Any]:
    return {
        "case": case.number,
        "stage": case.stage,
        "unit": case.unit_id,
        "article": case.article or None,
        "part": case.article_part,
        "category": case.category or None,
    }


def _seconds(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return max(0, int((later - earlier).total_seconds()))


@router.get("/oversight/undecided", tags=["oversight"])
def oversight_undecided(request: HttpRequest, page: Query[Page]) -> dict[str, Any]:
    """Registered reports still awaiting the decision to open a case or refuse, oldest first,
    with the decision term (CPC 153(3))."""
    now = clock.now()

    def row(c: Case) -> dict[str, Any]:
        state = getattr(c, "decision_state", None)
        due = getattr(c, "decision_due_at", None)
        return {
            **_case_row(c),
            "registered_at": iso(c.registered_at),
            "due_at": iso(due),
            "state": state,
            "seconds_overdue": _seconds(now, due) if state == "missed" else None,
        }

    return _page(oversight.undecided_reports(request.user, now), page, row)


@router.get("/oversight/deadlines", tags=["oversight"])
def oversight_deadlines(request: HttpRequest, page: Query[DeadlinesPage]) -> dict[str, Any]:
    """Running or missed legal terms (state computed now), soonest due first; `rule` is a dotted
    prefix (`investigation.term` takes `investigation.term.minor` too), `unit` a unit code."""
    now = clock.now()

    def row(d: Any) -> dict[str, Any]:
        state = d.current_state
        still_open = d.closed_at is None
        overdue = _seconds(now if still_open else d.closed_at, d.due_at)
        return {
            **_case_row(d.case),
            "unit": d.unit_id,
            "rule": d.rule,
            "basis": d.article,
            "due_at": iso(d.due_at),
            "state": state,
            "open": still_open,
            "seconds_overdue": overdue if state == "missed" else None,
            "seconds_left": _seconds(d.due_at, now) if state == "running" else None,
        }

    qs = oversight.deadlines(request.user, now, page.state, rule=page.rule, unit=page.unit)
    return _page(qs, page, row)


@router.get("/oversight/refusals", tags=["oversight"])
def oversight_refusals(request: HttpRequest, page: Query[RefusalsPage]) -> dict[str, Any]:
    """Refusals to open a case in the last `days` days (default 30), newest first, with the
    applicant's appeal term (CPC 154(3))."""
    now = clock.now()

    def row(c: Case) -> dict[str, Any]:
        refused = getattr(c, "refused_at", None)
        return {
            **_case_row(c),
            "refused_at": iso(refused),
            "days_since_refusal": (now - refused).days if refused else None,
            "due_at": iso(getattr(c, "appeal_due_at", None)),
            "state": getattr(c, "appeal_state", None),
        }

    return _page(oversight.refusals_to_review(request.user, now, page.days), page, row)


@router.get("/oversight/stale", tags=["oversight"])
def oversight_stale(request: HttpRequest, page: Query[DaysPage]) -> dict[str, Any]:
    """Cases not closed with no movement for more than `days` days, longest first."""
    now = clock.now()

    def row(c: Case) -> dict[str, Any]:
        return {
            **_case_row(c),
            "last_movement_at": iso(c.last_movement_at),
            "days_without_movement": (now - c.last_movement_at).days,
        }

    return _page(oversight.stale_cases(request.user, now, page.days), page, row)


# --- motions and complaints ---------------------------------------------------------------------


class FilingsFilter(Schema):
    case: str = Field(max_length=24, description="a case number")
    kind: Literal["motion", "complaint"] | None = None
    state: Literal["pending", "decided", "withdrawn"] | None = None


def filing_row(f: Filing) -> dict[str, Any]:
    due = getattr(f, "due_at", None)
    return {
        "id": f.id,
        "kind": f.kind,
        "number": f.number,
        "case": f.case_id,
        "person": f.person_id,
        "to": f.addressee,
        "subject": f.subject,
        "text": f.text,
        "motion": (f.motion or None) if f.kind == "complaint" else None,
        "renews": (f.motion or None) if f.kind == "motion" else None,  # CPC 182
        "contests": f.contests or None,
        "filed_at": iso(f.filed_at),
        "filed_by": f.filed_by,
        "extended_at": iso(f.extended_at),
        "state": f.state,
        "outcome": f.outcome or None,
        "grounds": f.grounds or None,
        "decided_at": iso(f.decided_at),
        "decided_by": f.decided_by or None,
        "term": {"rule": f.term_rule, "due_at": iso(due), "state": f.due_state}
        if due is not None
        else None,
    }


@router.get("/registry/filings", url_name="registry_filings")
def filings(request: HttpRequest, filters: Query[FilingsFilter]) -> dict[str, Any]:
    """A case's motions (CPC 123-124) and complaints (CPC 125-129) in the order filed, each with
    its decision and the term for it, for the readers of the whole file. The read is logged,
    naming the applicants shown."""
    user = request.user
    number = normalise(filters.case) or "-"
    qs = visible_filings(user).filter(case_id=number)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        qs = qs.filter(state=filters.state)
    rows = list(with_term(qs, clock.now()).order_by("filed_seq"))
    persons = sorted({f.person_id for f in rows})
    log_read(user, "filings", number, "caseload", "shown", persons=persons)
    return {"items": [filing_row(f) for f in rows]}
