"""API routes of the courts (mounted under /api/v1 by icjis.urls).

Investigating judge: petitions for preventive measures and the measures in force. Every list is
scoped by `restrict(user)`: the investigating judge sees the cases of their court's territory,
the prosecutor those of their area, the investigator those of their unit, counsel their own.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import access_case, in_visible_cases, log_read, person_ids
from icjis.core.canonical import iso
from icjis.core.models import User
from icjis.core.numbering import normalise
from icjis.core.refusals import Forbidden, NotFound, say
from icjis.core.visibility import matches, part_for, whole_file
from icjis.courts import measure_terms as terms
from icjis.courts import performance, register, verdicts
from icjis.courts.assignment import check_recorded
from icjis.courts.models import CONSENT_NEEDED, CourtCase, Hearing, Measure, Petition
from icjis.legal.counting import LOCAL_TZ, end_of_day, local_date, start_of_day

router = Router(tags=["courts"])


class Page(Schema):
    limit: int = Field(50, ge=1, le=500, description="rows per page, at most 500")
    offset: int = Field(0, ge=0, le=10_000_000)


class PetitionFilter(Page):
    state: Literal["submitted", "consented", "decided"] | None = None
    case: str | None = Field(None, max_length=32, description="case number")


class MeasureFilter(Page):
    case: str | None = Field(None, max_length=32, description="case number")


def _listed(
    request: HttpRequest, listed: str, case: str | None, page: dict[str, Any]
) -> dict[str, Any]:
    """`page` (of `_page`), its read logged as a list of `listed` naming the persons its rows
    show."""
    persons = [i["person"]["id"] for i in page["items"]]
    log_read(request.user, listed, case or "list", "court", "shown", persons=persons)
    return page


def _page(qs: QuerySet[Any], page: Page, row: Any) -> dict[str, Any]:
    """One query per page: a row more than the page tells whether there is a next one."""
    rows = list(qs[page.offset : page.offset + page.limit + 1])
    more = len(rows) > page.limit
    return {
        "items": [row(r) for r in rows[: page.limit]],
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": page.offset + page.limit if more else None,
    }


def _visible_case(request: HttpRequest, number: str) -> str:
    """The case number, if the caller may see the case (the read is logged); 404 otherwise."""
    found = normalise(number)
    if found is None:
        raise NotFound(say("No such case, or it is not visible to you."))
    return access_case(request.user, found, "court").number


def _petition_row(p: Petition) -> dict[str, Any]:
    appeal_due = terms.appeal_due(p.decided_at) if p.decided_at else None
    return {
        "id": p.id,
        "case": p.case_id,
        "person": {"id": p.person_id, "name": p.person.full_name},
        "measure": p.measure,
        "months": p.months,
        "kind": p.kind,
        "extends": p.extends or None,
        "grounds": p.grounds,
        "state": p.state,
        "needs_consent": p.measure in CONSENT_NEEDED or p.kind == "extension",
        "submitted_by": p.submitted_by,
        "submitted_at": iso(p.submitted_at),
        "consent_by": p.consent_by or None,
        "consent_at": iso(p.consent_at),
        "decided_by": p.decided_by or None,
        "decided_at": iso(p.decided_at),
        "court": p.court_id,
        "granted": p.granted,
        "ordered_measure": p.ordered_measure or None,
        "until": p.until.isoformat() if p.until else None,
        "appeal_until": iso(appeal_due),
    }


@router.get("/courts/petitions", tags=["courts"])
def list_petitions(request: HttpRequest, filters: Query[PetitionFilter]) -> dict[str, Any]:
    """Petitions for preventive measures in the cases the caller may see, oldest first (the
    judge's queue: `state=consented`; the prosecutor's: `state=submitted`), with the 5-day appeal
    term of a ruling (CPC 106(7), 115(8), 266(10)). Petitions carry the investigation's grounds:
    only those who read the whole case file see them — the bodies that execute sentences or hold
    detainees read their part of the file (`core.visibility`) and get 403."""
    if not whole_file(request.user):
        raise Forbidden(
            say(
                "Petitions for preventive measures carry the investigation's grounds and are read "
                "only by those who read the whole case file (investigator, prosecutor, judge, "
                "counsel); the custody credited against a sentence is in the register of decisions."
            )
        )
    qs = Petition.objects.filter(in_visible_cases(request.user))
    if filters.case:
        qs = qs.filter(case_id=_visible_case(request, filters.case))
    if filters.state:
        qs = qs.filter(state=filters.state)
    qs = qs.select_related("person").order_by("submitted_at", "id")
    return _listed(request, "petitions", filters.case, _page(qs, filters, _petition_row))


@router.get("/courts/measures", tags=["courts"])
def list_measures(request: HttpRequest, filters: Query[MeasureFilter]) -> dict[str, Any]:
    """Preventive measures in force in the cases the caller may see, those ending soonest first,
    with the days left (the last day counts: custody ordered until a day ends at 24:00, CPC 137).
    A measure whose term has passed with no extension shows as `expired`: the person must be
    released or the measure changed. A reader of part of the file sees the measures only where
    their part includes the judge's rulings on measures (detention and prison staff, for the
    custody they hold and credit); the measures carry no grounds."""
    part = part_for(request.user)
    if part is not None and not matches("courts.measure.decide", part.events):
        raise Forbidden(
            say(
                "Preventive measures are not part of what your role reads of a case file; the "
                "sentence to execute is in the register of decisions."
            )
        )
    today = local_date(clock.now())
    qs = Measure.objects.filter(in_visible_cases(request.user), state="active")
    if filters.case:
        qs = qs.filter(case_id=_visible_case(request, filters.case))
    qs = qs.select_related("person").order_by("until", "case_id", "ordered_from")

    def row(m: Measure) -> dict[str, Any]:
        days_left = (m.until - today).days if m.until else None
        return {
            "case": m.case_id,
            "person": {"id": m.person_id, "name": m.person.full_name},
            "measure": m.measure,
            "petition": m.petition_id,
            "last_petition": m.last_petition_id,
            "ordered_from": iso(m.ordered_from),
            "counted_from": iso(m.counted_from),
            "until": m.until.isoformat() if m.until else None,
            "ends_at": iso(terms.ends_at(m.until)) if m.until else None,
            "extensions": m.extensions,
            "days_left": days_left,
            "state": "expired" if days_left is not None and days_left < 0 else "active",
        }

    return _listed(request, "measures", filters.case, _page(qs, filters, row))


# --- Trial courts: court cases, judge draws, the hearings calendar (CPC 29, 277-283) ------------

COURT_STAFF = frozenset({"judge", "court_clerk", "court_president", "appeal_judge"})


class CourtCaseFilter(Page):
    court: str | None = Field(None, max_length=32, description="court unit code")
    state: str | None = Field(None, max_length=24)


def _court_case_row(c: CourtCase) -> dict[str, Any]:
    return {
        "court_case": c.pk,
        "case": c.case_id,
        "court": c.court_id,
        "instance": c.instance,
        "registered_at": iso(c.registered_at),
        "judge": c.judge or None,
        "panel": c.panel,
        "jury": c.jury,
        "state": c.state,
    }


def _hearing_row(h: Hearing, names: dict[str, str]) -> dict[str, Any]:
    return {
        "hearing": h.pk,
        "court_case": h.court_case_id,
        "case": h.court_case.case_id,
        "court": h.court_id,
        "starts_at": iso(h.starts_at),
        "local_time": h.starts_at.astimezone(LOCAL_TZ).strftime("%H:%M"),
        "room": h.room,
        "judge": h.judge,
        "judge_name": names.get(h.judge, h.judge),
        "state": h.state,
        "postponements": h.postponements,
        "last_reason": h.last_reason or None,
    }


def _names(usernames: set[str]) -> dict[str, str]:
    return dict(User.objects.filter(username__in=usernames).values_list("username", "full_name"))


@router.get("/courts/cases", tags=["courts"])
def list_court_cases(request: HttpRequest, filters: Query[CourtCaseFilter]) -> dict[str, Any]:
    """Court cases of the cases the caller may see, newest first: court number, national case
    number, judge (or panel) and state (CPC 277)."""
    qs = CourtCase.objects.filter(in_visible_cases(request.user))
    if filters.court:
        qs = qs.filter(court_id=filters.court)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return _page(qs.order_by("-registered_at", "-pk"), filters, _court_case_row)


@router.get("/courts/cases/{court_case}", tags=["courts"])
def get_court_case(request: HttpRequest, court_case: str) -> dict[str, Any]:
    """A court case with its hearings, recusals and every judge draw re-run from its record
    (CPC 29(1), 62-67); 404 when it, or its case, is not visible to the caller."""
    found = CourtCase.objects.filter(pk=court_case).first()
    if found is None:
        raise NotFound(say("No such court case, or it is not visible to you."))
    access_case(request.user, found.case_id, "court")
    hearings = list(found.hearings.select_related("court_case").order_by("starts_at", "pk"))
    names = _names({h.judge for h in hearings})
    return {
        **_court_case_row(found),
        "hearings": [_hearing_row(h, names) for h in hearings],
        "recusals": [
            {"judge": r.judge, "reason": r.reason, "at": iso(r.at)}
            for r in found.recusals.order_by("at", "pk")
        ],
        "draws": [
            {
                "draw": check.draw,
                "seq": check.seq,
                "verified": check.ok,
                "verification": check.message,
                "record": check.record,
            }
            for check in check_recorded(found)
        ],
    }


@router.get("/courts/calendar", tags=["courts"])
def court_calendar(
    request: HttpRequest, court: str | None = None, day: date | None = None
) -> list[dict[str, Any]]:
    """The hearings of a court on a day — by default the caller's court, today in Bishkek —
    for court staff: time, room, court case, case number, judge, postponements (CPC 280,
    301). Only hearings of cases the caller may see are listed."""
    user = request.user
    if not COURT_STAFF & set(user.roles):
        raise Forbidden(
            say("The court calendar is for court staff; the public list is /public/hearings.")
        )
    day = day or local_date(clock.now())
    hearings = list(
        Hearing.objects.filter(
            in_visible_cases(user, "court_case__case_id"),
            court_id=court or user.unit_id,
            starts_at__gte=start_of_day(day),
            starts_at__lt=end_of_day(day),
        )
        .select_related("court_case")
        .order_by("starts_at", "room", "pk")
    )
    names = _names({h.judge for h in hearings})
    return [_hearing_row(h, names) for h in hearings]


# --- the register of court decisions (CPC 426, 429) and court performance ------------------------


class DecisionFilter(Page):
    court: str | None = Field(None, max_length=32, description="court unit code, e.g. GB-SUD")
    year: int | None = Field(None, ge=1990, le=2999, description="year of the decision")
    state: Literal["delivered", "in_force", "quashed"] | None = None


@router.get("/courts/decisions", tags=["courts"])
def list_decisions(request: HttpRequest, filters: Query[DecisionFilter]) -> dict[str, Any]:
    """The register of court decisions in criminal matters, newest first: per decision its ECLI,
    court, state (delivered, in force, quashed) and, per defendant and article, the outcome and
    sentence with the days in custody to credit (CPC 354; CC 80). Courts, prosecutors and
    counsel read the decisions of the cases they may see; prisons, probation and enforcement —
    who execute sentences (CPC 429(2)) — read, nationwide, the verdicts in force with a sentence
    they execute (prisons: imprisonment; probation: probation, restriction of liberty, community
    work; enforcement: fines), without PINs, and nothing of the case file."""
    qs = register.visible_verdicts(request.user)
    if filters.court:
        qs = qs.filter(court_id=filters.court)
    if filters.year:
        qs = verdicts.in_year(qs, filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
    qs = qs.select_related("case").order_by("-delivered_at", "-pk")
    rows = list(qs[filters.offset : filters.offset + filters.limit + 1])
    items = register.entries(request.user, rows[: filters.limit])
    persons = register.defendants_shown(items)
    log_read(request.user, "verdicts", "register", "court", "shown", persons=persons)
    return {
        "items": items,
        "limit": filters.limit,
        "offset": filters.offset,
        "next_offset": filters.offset + filters.limit if len(rows) > filters.limit else None,
    }


@router.get("/courts/decisions/{ecli}", tags=["courts"])
def get_decision(request: HttpRequest, ecli: str) -> dict[str, Any]:
    """One entry of the register of court decisions, by its ECLI (the read is logged); 404 when
    it does not exist or is not visible to the caller. The verdict document:
    /courts/verdicts/{ecli}."""
    found, entry = register.access_verdict(request.user, ecli)
    return {**entry, "document": f"/courts/verdicts/{found.id}"}


@router.get("/courts/performance/overdue", tags=["courts"])
def performance_overdue(request: HttpRequest) -> list[dict[str, Any]]:
    """For the court president: the terms of the court's cases now past due and not met — the
    intake decision (CPC 277(3)), the trial's start and length (283), custody during the trial
    (303), turning the verdict to execution (426(4)) — oldest first."""
    court = performance.court_of(request.user)
    now = clock.now()
    rows = list(performance.overdue(court)[:500])
    if persons := person_ids(d.subject for d in rows):  # a term of one defendant names them
        log_read(request.user, "deadlines", f"overdue:{court}", "court", "shown", persons)
    return [
        {
            "case": d.case_id,
            "stage": d.case.stage,
            "rule": d.rule,
            "title": d.title,
            "article": d.article,
            "subject": d.subject or None,
            "due_at": iso(d.due_at),
            "days_overdue": (now - d.due_at).days,
        }
        for d in rows
    ]


class PostponedFilter(Schema):
    min: int = Field(2, ge=1, le=100, description="at least this many postponements")


@router.get("/courts/performance/postponed", tags=["courts"])
def performance_postponed(
    request: HttpRequest, filters: Query[PostponedFilter]
) -> list[dict[str, Any]]:
    """For the court president: the court's cases whose hearings were postponed at least `min`
    times in all (CPC 301(1)), most postponed first."""
    court = performance.court_of(request.user)
    return [
        {
            "court_case": c.pk,
            "case": c.case_id,
            "judge": c.judge or None,
            "state": c.state,
            "postponements": c.postponed,
            "hearings": c.hearing_count,
            "last_hearing_at": iso(c.last_hearing),
        }
        for c in performance.postponed(court, filters.min)[:500]
    ]


@router.get("/courts/performance/caseload", tags=["courts"])
def performance_caseload(request: HttpRequest) -> dict[str, Any]:
    """For the court president: per judge of the court, the court cases awaiting a verdict,
    the verdicts delivered (this year and in all) and the terms of their cases now overdue."""
    return performance.caseload(performance.court_of(request.user))
