"""API routes of the fines module (mounted under /api/v1 by icjis.urls).

An enforcement officer reads the files of their office; national scope (auditors) every file;
anybody else the files of cases they may read. Every read names persons and is logged."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import F, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from icjis.core import clock
from icjis.core.access import in_visible_cases, log_read, scope_of
from icjis.core.canonical import iso
from icjis.core.refusals import NotFound, say
from icjis.fines.acts import OFFICER, money, owed_now
from icjis.fines.models import FineFile, Instalment, Payment
from icjis.legal.counting import local_date

router = Router(tags=["fines"])


def visible_fines(user: Any) -> QuerySet[FineFile]:
    qs = FineFile.objects.all()
    if scope_of(user) == "national":
        return qs
    if user.has_role(OFFICER):
        return qs.filter(office_id=user.unit_id)
    return qs.filter(in_visible_cases(user))


def arrears_of(qs: QuerySet[FineFile]) -> QuerySet[Instalment]:
    """Instalments whose day has passed with the file paid below what was due by then. A fine
    of the register of offences whose reduced sum is still owed (CoO 563(5)) is not in arrears
    before that sum's last day."""
    today = local_date(clock.now())
    return Instalment.objects.filter(
        file__in=qs.values("pk"),
        file__state="open",
        due_on__lt=today,
        cumulative__gt=F("file__paid"),
    ).exclude(file__reduced_until__gte=today)


def fine_json(f: FineFile, overdue: set[str]) -> dict[str, Any]:
    return {
        "id": f.id,
        "source": f.source,
        "source_ref": f.source_ref,
        "case": f.case_id,
        "person": f.person_id,
        "person_name": f.person.full_name,
        "office": f.office_id,
        "indices": f.indices,
        "index_value": money(f.index_value) if f.index_value is not None else None,
        "amount": money(f.amount),
        "reduced_amount": money(f.reduced_amount) if f.reduced_amount is not None else None,
        "reduced_until": f.reduced_until.isoformat() if f.reduced_until else None,
        "paid": money(f.paid),
        # What remains owed today: nothing once closed; the reduced sum while its days last.
        "balance": money(owed_now(f, local_date(clock.now())) - f.paid if f.state == "open" else 0),
        # A fine quashed on appeal is returned (CoO 553(1)).
        "to_refund": money(f.paid) if f.state == "cancelled" else None,
        "state": f.state,
        "due_on": f.due_on.isoformat(),
        "in_arrears": f.id in overdue,
        "opened_at": iso(f.opened_at),
        "closed_at": iso(f.closed_at),
    }


class FinesQuery(Schema):
    state: Literal["open", "paid", "suspended", "cancelled", "all"] = "open"
    case: str | None = Field(None, max_length=16)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.get("/fines")
def fines(request: HttpRequest, q: Query[FinesQuery]) -> dict[str, Any]:
    """Enforcement files with what is paid, the balance and whether any instalment is in
    arrears, newest first (`state=open` by default)."""
    qs = visible_fines(request.user)
    if q.state != "all":
        qs = qs.filter(state=q.state)
    if q.case:
        qs = qs.filter(case_id=q.case)
    rows = list(
        qs.select_related("person").order_by("-opened_at", "-id")[q.offset : q.offset + q.limit + 1]
    )
    shown = rows[: q.limit]
    overdue = set(
        arrears_of(FineFile.objects.filter(pk__in=[f.id for f in shown])).values_list(
            "file_id", flat=True
        )
    )
    persons = [f.person_id for f in shown]
    log_read(request.user, "fines", q.case or "list", "caseload", "shown", persons=persons)
    return {
        "items": [fine_json(f, overdue) for f in shown],
        "next_offset": q.offset + q.limit if len(rows) > q.limit else None,
    }


@router.get("/fines/arrears")
def arrears(request: HttpRequest) -> list[dict[str, Any]]:
    """Instalments in arrears today, oldest first: the date, what was due by it in total, what
    is paid and the shortfall."""
    rows = list(
        arrears_of(visible_fines(request.user))
        .select_related("file__person")
        .order_by("due_on", "file_id", "n")[:1000]
    )
    persons = [i.file.person_id for i in rows]
    log_read(request.user, "fines", "arrears", "caseload", "shown", persons=persons)
    return [
        {
            "fine": i.file_id,
            "case": i.file.case_id,
            "person": i.file.person_id,
            "person_name": i.file.person.full_name,
            "office": i.file.office_id,
            "instalment": i.n,
            "due_on": i.due_on.isoformat(),
            "amount": money(i.amount),
            "due_in_total": money(i.cumulative),
            "paid": money(i.file.paid),
            "shortfall": money(min(i.amount, i.cumulative - i.file.paid)),
        }
        for i in rows
    ]


@router.get("/fines/{fine_id}")
def fine_detail(request: HttpRequest, fine_id: str) -> dict[str, Any]:
    """One file with its schedule and payments."""
    f = visible_fines(request.user).select_related("person").filter(pk=fine_id).first()
    if f is None:
        log_read(request.user, "fine", fine_id, "caseload", "not_found")
        raise NotFound(say("No such fine, or it is not visible to you."))
    log_read(request.user, "person", f.person_id, "caseload", "shown")
    overdue = set(arrears_of(FineFile.objects.filter(pk=f.pk)).values_list("n", flat=True))
    return {
        **fine_json(f, {f.id} if overdue else set()),
        "instalments": [
            {
                "n": i.n,
                "due_on": i.due_on.isoformat(),
                "amount": money(i.amount),
                "in_arrears": i.n in overdue,
            }
            for i in Instalment.objects.filter(file=f).order_by("n")
        ],
        "payments": [
            {
                "id": p.id,
                "amount": money(p.amount),
                "reference": p.reference or None,
                "recorded_at": iso(p.recorded_at),
                "recorded_by": p.recorded_by,
            }
            for p in Payment.objects.filter(file=f).order_by("recorded_at", "id")
        ],
    }
