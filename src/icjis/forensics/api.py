"""API routes of forensic expertise (mounted under /api/v1 by icjis.urls).

`/forensics/expertises` lists the expertises the caller may see — a case's, or an expert's own
open ones with their terms — in ONE query; `/forensics/expertises/{id}` gives one with its
questions, experts, the record of their assignment and the opinion. Every read is logged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import log_read
from icjis.core.canonical import iso
from icjis.core.numbering import normalise
from icjis.forensics import media
from icjis.forensics.access import access_expertise, visible_expertises
from icjis.forensics.models import Assignment, Expertise
from icjis.legal.models import Deadline

router = Router(tags=["forensics"])
RULE = "forensics.opinion"


class ExpertiseFilter(Schema):
    case: str | None = Field(None, max_length=24, description="a case number")
    mine: bool = Field(False, description="only those the caller is an expert of")
    state: Literal["assigned", "signing", "done", "declined"] | None = None
    limit: int = Field(200, ge=1, le=1000, description="rows per page, at most 1000")
    offset: int = Field(0, ge=0, le=10_000_000)


def _term(expertise: Expertise, now: datetime) -> dict[str, Any] | None:
    due = getattr(expertise, "due_at", None)
    if due is None:
        return None
    return {
        "due_at": iso(due),
        "state": getattr(expertise, "due_state", None),
        "seconds_left": int((due - now).total_seconds()),
    }


def expertise_row(e: Expertise, now: datetime) -> dict[str, Any]:
    return {
        "expertise": e.id,
        "case": e.case_id,
        "number": e.number,
        "kind": e.kind,
        "form": e.form,
        "kinds": e.kinds,
        "lab": e.lab_id,
        "ordered_at": iso(e.ordered_at),
        "ordered_by": e.ordered_by,
        "days": e.days,
        "state": e.state,
        "term": _term(e, now),
        "experts": [
            {
                "expert": a.expert,
                "specialisation": a.specialisation,
                "signed_at": iso(a.signed_at),
                "separate": bool(a.separate),
            }
            for a in e.assignments.all()
        ],
        "finished_at": iso(e.finished_at),
    }


def with_term(qs: Any, now: datetime) -> Any:
    """Each expertise with the due time and state of its term (one correlated subquery each)."""
    terms = (
        Deadline.objects.with_state(now)
        .filter(rule=RULE, case=OuterRef("case_id"), subject=OuterRef("pk"))
        .order_by("-start_seq")
    )
    return qs.annotate(
        due_at=Subquery(terms.values("due_at")[:1]),
        due_state=Subquery(terms.values("current_state")[:1]),
    ).prefetch_related(Prefetch("assignments", queryset=Assignment.objects.order_by("expert")))


@router.get("/forensics/expertises")
def expertises(request: HttpRequest, filters: Query[ExpertiseFilter]) -> dict[str, Any]:
    """The expertises the caller may see, the soonest term first: a case's (`case`), or the
    caller's own as an expert (`mine`), by state. The read is logged, with the persons
    examined."""
    user = request.user
    now = clock.now()
    qs = visible_expertises(user)
    if filters.case:
        qs = qs.filter(case_id=normalise(filters.case) or "-")
    if filters.mine:
        qs = qs.filter(assignments__expert=user.username)
    if filters.state:
        qs = qs.filter(state=filters.state)
    qs = with_term(qs, now).select_related("case").order_by("due_at", "id")
    rows = list(qs[filters.offset : filters.offset + filters.limit + 1])
    shown = rows[: filters.limit]
    scope = filters.case or ("mine" if filters.mine else "visible")
    persons = [e.person for e in shown if e.person]
    log_read(user, "expertise", f"list:{scope}"[:64], "caseload", "shown", persons=persons)
    return {
        "items": [expertise_row(e, now) for e in shown],
        "limit": filters.limit,
        "offset": filters.offset,
        "next_offset": filters.offset + filters.limit if len(rows) > filters.limit else None,
        "now": iso(now),
    }


@router.get("/forensics/expertises/{expertise_id}")
def expertise_detail(request: HttpRequest, expertise_id: str) -> dict[str, Any]:
    """One expertise: the order (grounds, questions, items, the person examined, laboratory,
    term), its experts with the loads they were chosen by, and the opinion — the research, the
    answer to each question, each member's signature and separate opinion — or the notice that
    none can be given. The read is logged, whatever its outcome."""
    now = clock.now()
    found = access_expertise(request.user, expertise_id)
    e = with_term(Expertise.objects.filter(pk=found.pk), now).get()
    return {
        **expertise_row(e, now),
        "grounds": e.grounds,
        "questions": [{"question": n, "text": q} for n, q in enumerate(e.questions, start=1)],
        "items": e.items,
        "person": e.person or None,
        "motion": e.motion or None,  # the party's motion granted that it carries out (182(6))
        "assignment": [
            {"expert": a.expert, "specialisation": a.specialisation, "load": a.load}
            for a in e.assignments.all()
        ],
        "opinion": {
            "seq": e.opinion_seq,
            "research": e.research,
            "conclusions": e.conclusions,
            "separate": {a.expert: a.separate for a in e.assignments.all() if a.separate},
            # The examination's photographs (SHA-256 of each, served to the expertise's readers
            # by the staff page) and its video as recorded (CPC 179(11)).
            "photos": e.photos,
            "video": e.video,
        }
        if e.opinion_seq is not None
        else None,
        "declined": {"reason": e.declined_reason, "explanation": e.declined_note}
        if e.state == "declined"
        else None,
    }


@router.get(
    "/forensics/expertises/{expertise_id}/photos/{n}", response={200: None}, url_name="photo"
)
def expertise_photo(request: HttpRequest, expertise_id: str, n: str) -> HttpResponse:
    """Photograph `n` (from 1) of the examination of a person who stated torture or cruel
    treatment (CPC 179(11)), as a JPEG or PNG, checked against the SHA-256 the opinion's event
    recorded (409 when the stored bytes are not those). The read is logged; a photograph that is
    not there, by any number, is 404 like a missing expertise."""
    found = access_expertise(request.user, expertise_id)
    return media.photo_response(found, int(n) if n.isdigit() and len(n) < 4 else 0)
