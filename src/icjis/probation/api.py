"""API routes of the probation module (mounted under /api/v1 by icjis.urls).

Who sees which file: a probation officer the files of their office; national scope (auditors)
every file; anybody else the files of cases they may read (`core.access.restrict`). Every list
names supervised persons, so every read is logged (`core.access.log_read`)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import in_visible_cases, log_read, scope_of
from icjis.core.canonical import iso
from icjis.core.refusals import NotFound, say
from icjis.legal.counting import end_of_day, local_date, start_of_day
from icjis.probation.acts import OFFICER, missed_after
from icjis.probation.models import (
    RUNNING,
    Meeting,
    ProbationFile,
    Referral,
    ReportRequest,
    Violation,
)

router = Router(tags=["probation"])


def _office_filter(user: Any, prefix: str = "") -> Q | None:
    """The rows a user may read, as a Q on the office (`prefix` reaches it); None for all."""
    if scope_of(user) == "national":
        return None
    if user.has_role(OFFICER):
        return Q(**{f"{prefix}office_id": user.unit_id})
    return in_visible_cases(user, f"{prefix}case_id")


def visible_files(user: Any) -> QuerySet[ProbationFile]:
    q = _office_filter(user)
    qs = ProbationFile.objects.all()
    return qs if q is None else qs.filter(q)


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    q = _office_filter(user, "file__")
    qs = Meeting.objects.all()
    return qs if q is None else qs.filter(q)


def visible_requests(user: Any) -> QuerySet[ReportRequest]:
    q = _office_filter(user)
    qs = ReportRequest.objects.all()
    return qs if q is None else qs.filter(q)


def file_json(f: ProbationFile) -> dict[str, Any]:
    return {
        "id": f.id,
        "case": f.case_id,
        "person": f.person_id,
        "person_name": f.person.full_name,
        "type": f.type,
        "source": f.source,
        "source_ref": f.source_ref or None,
        "sentence_kind": f.sentence_kind or None,
        "hours": f.hours,
        "office": f.office_id,
        "officer": f.officer or None,
        "state": f.state,
        "registered_at": iso(f.registered_at),
        "starts_on": f.starts_on.isoformat() if f.starts_on else None,
        "ends_on": f.ends_on.isoformat() if f.ends_on else None,
        "months": f.months,
        "appear_by": f.appear_by.isoformat() if f.appear_by else None,
        "appeared_at": iso(f.appeared_at),
        "plan": f.plan,
        "violations": f.violations,
        "completed_at": iso(f.completed_at),
        "completion_grounds": f.completion_grounds or None,
    }


def meeting_json(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.id,
        "file": m.file_id,
        "case": m.file.case_id,
        "person": m.file.person_id,
        "person_name": m.file.person.full_name,
        "officer": m.file.officer or None,
        "at": iso(m.at),
        "state": m.state,
        "recorded_at": iso(m.recorded_at),
        "recorded_by": m.recorded_by or None,
    }


class FilesQuery(Schema):
    state: Literal["running", "active", "awaiting_appearance", "completed", "all"] = "running"
    type: Literal["pretrial", "executive", "penitentiary", "postpenitentiary"] | None = None
    officer: str | None = Field(None, max_length=64)
    case: str | None = Field(None, max_length=16)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/probation/files")
def files(request: HttpRequest, q: Query[FilesQuery]) -> dict[str, Any]:
    """Probation files: an officer's office's, newest first. By default the running ones:
    active, and those awaiting the convict's appearance (CC 82(4))."""
    qs = visible_files(request.user).select_related("person")
    if q.state == "running":
        qs = qs.filter(state__in=RUNNING)
    elif q.state != "all":
        qs = qs.filter(state=q.state)
    if q.type:
        qs = qs.filter(type=q.type)
    if q.officer:
        qs = qs.filter(officer=q.officer)
    if q.case:
        qs = qs.filter(case_id=q.case)
    rows = list(qs.order_by("-registered_at", "-id")[q.offset : q.offset + q.limit + 1])
    persons = [f.person_id for f in rows[: q.limit]]
    subject = f"files:{q.case or 'list'}"
    log_read(request.user, "probation", subject, "supervision", "shown", persons=persons)
    return {
        "items": [file_json(f) for f in rows[: q.limit]],
        "next_offset": q.offset + q.limit if len(rows) > q.limit else None,
    }


@router.get("/probation/files/{file_id}")
def file_detail(request: HttpRequest, file_id: str) -> dict[str, Any]:
    """One file with its meetings, violations and referrals to court."""
    f = visible_files(request.user).select_related("person").filter(pk=file_id).first()
    if f is None:
        log_read(request.user, "probation", file_id, "supervision", "not_found")
        raise NotFound(say("No such probation file, or it is not visible to you."))
    log_read(request.user, "person", f.person_id, "supervision", "shown")
    meetings = Meeting.objects.filter(file=f).select_related("file__person").order_by("at", "id")
    return {
        **file_json(f),
        "meetings": [meeting_json(m) for m in meetings],
        "violations": [
            {
                "id": v.id,
                "kind": v.kind,
                "description": v.description,
                "meeting": v.meeting or None,
                "recorded_at": iso(v.recorded_at),
                "recorded_by": v.recorded_by,
            }
            for v in Violation.objects.filter(file=f).order_by("recorded_at", "id")
        ],
        "referrals": [
            {
                "id": r.id,
                "request": r.request,
                "grounds": r.grounds,
                "court": r.court_id,
                "referred_at": iso(r.referred_at),
            }
            for r in Referral.objects.filter(file=f).order_by("referred_at", "id")
        ],
    }


@router.get("/probation/meetings/today")
def meetings_today(request: HttpRequest) -> list[dict[str, Any]]:
    """Meetings set for today (local time), by hour, with their state."""
    today = local_date(clock.now())
    qs = visible_meetings(request.user).filter(
        at__gte=start_of_day(today), at__lt=end_of_day(today)
    )
    rows = list(qs.select_related("file__person").order_by("at", "id")[:1000])
    persons = [m.file.person_id for m in rows]
    subject = f"meetings:{today.isoformat()}"
    log_read(request.user, "probation", subject, "supervision", "shown", persons=persons)
    return [meeting_json(m) for m in rows]


class MissedQuery(Schema):
    days: int = Field(30, ge=1, le=366, description="how far back")


@router.get("/probation/meetings/missed")
def meetings_missed(request: HttpRequest, q: Query[MissedQuery]) -> list[dict[str, Any]]:
    """Meetings missed or not attended in the last `days` days, and those past their day not
    yet recorded by the job (`overdue`), newest first."""
    now = clock.now()
    since = now - timedelta(days=q.days)
    qs = visible_meetings(request.user).filter(at__gte=since, at__lt=now)
    qs = qs.filter(state__in=("missed", "absent", "scheduled")).select_related("file__person")
    rows = []
    for m in qs.order_by("-at", "id")[:1000]:
        if m.state == "scheduled" and now < missed_after(m):
            continue
        rows.append({**meeting_json(m), "overdue": m.state == "scheduled"})
    persons = [m["person"] for m in rows]
    log_read(request.user, "probation", "meetings:missed", "supervision", "shown", persons=persons)
    return rows


@router.get("/probation/caseload")
def caseload(request: HttpRequest) -> dict[str, Any]:
    """Active files per office and per officer (with their types), within the reader's reach."""
    rows = (
        visible_files(request.user)
        .filter(state="active")
        .values_list("office_id", "officer", "type")
    )
    offices: dict[str, Counter[str]] = {}
    officers: dict[tuple[str, str], Counter[str]] = {}
    for office, officer, kind in rows:
        offices.setdefault(office or "", Counter())[kind] += 1
        officers.setdefault((office or "", officer or ""), Counter())[kind] += 1
    log_read(request.user, "probation", "caseload", "supervision", "shown")
    return {
        "offices": [
            {"office": o or None, "active": sum(c.values()), "by_type": dict(sorted(c.items()))}
            for o, c in sorted(offices.items())
        ],
        "officers": [
            {
                "office": o or None,
                "officer": u or None,
                "active": sum(c.values()),
                "by_type": dict(sorted(c.items())),
            }
            for (o, u), c in sorted(officers.items())
        ],
    }


class ReportsQuery(Schema):
    state: Literal["open", "missed", "submitted", "all"] = "open"


@router.get("/probation/reports")
def reports(request: HttpRequest, q: Query[ReportsQuery]) -> list[dict[str, Any]]:
    """Pre-sentence report requests (CPC 280(4)) with their due time; `missed` lists the open
    ones past it (computed now)."""
    now = clock.now()
    qs = visible_requests(request.user)
    if q.state == "open":
        qs = qs.filter(state="open")
    elif q.state == "missed":
        qs = qs.filter(state="open", due_at__lt=now)
    elif q.state == "submitted":
        qs = qs.filter(state="submitted")
    rows = list(qs.order_by("due_at", "id")[:1000])
    persons = [str(p) for r in rows for p in r.persons]  # the persons' ids each request names
    log_read(
        request.user, "probation", f"reports:{q.state}", "supervision", "shown", persons=persons
    )
    return [
        {
            "id": r.id,
            "case": r.case_id,
            "office": r.office_id,
            "hearing": r.hearing or None,
            "persons": r.persons,
            "mandatory": r.mandatory,
            "requested_at": iso(r.requested_at),
            "due_at": iso(r.due_at),
            "state": r.state,
            "overdue": r.state == "open" and r.due_at < now,
            "submitted_at": iso(r.submitted_at),
            "late": r.late,
        }
        for r in rows
    ]
