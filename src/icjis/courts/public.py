"""Public pages of the courts (no login): today's hearings, each court's screen, and every judge
draw re-run on the server (SPEC principle 11; CPC 29(1), 291(1)).

What they show is what courts publicly list — the court number of the case, the time, the room
and the judge — and nothing about the parties: no names, PINs, addresses or birth dates, not
even the reasons of a postponement or a recusal (free text may name people). The pages carry no
forms and set no cookie, so shared caches may keep them for a short while; the screen refreshes
itself every minute without JavaScript and weighs a few kilobytes, for a hallway display on a
slow link.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from icjis.core import clock
from icjis.core.models import Unit, User
from icjis.courts import draw
from icjis.courts.assignment import JUDGE_ROLE, WHY, check_recorded
from icjis.courts.models import CourtCase, Hearing
from icjis.legal.counting import LOCAL_TZ, end_of_day, local_date, start_of_day

SCREEN_MAX_AGE = 30
SCREEN_REFRESH = 60
DRAW_MAX_AGE = 60
SHOWN_STATES = ("scheduled", "held")
REASONS = {
    "intake": gettext_noop("registration"),
    "recusal": gettext_noop("recusal"),
    "reassignment": gettext_noop("reassignment"),
}


def _public(response: HttpResponse, max_age: int) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Accept", "Accept-Language", "Cookie"])
    return response


def _wants_json(request: HttpRequest) -> bool:
    if request.GET.get("format") == "json":
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _unit_name(unit: Unit) -> str:
    language = (get_language() or "ru")[:2]
    return {"ky": unit.name_ky, "ru": unit.name_ru}.get(language, unit.name_en)


def hearings_on(day: date, court: Unit | None = None) -> list[dict[str, Any]]:
    """The hearings of a day (Bishkek time) in one court or all: time, room, court number,
    judge's name, court — nothing about the parties. Two queries."""
    qs = Hearing.objects.filter(
        starts_at__gte=start_of_day(day), starts_at__lt=end_of_day(day), state__in=SHOWN_STATES
    ).select_related("court")
    if court is not None:
        qs = qs.filter(court=court)
    hearings = list(qs.order_by("court_id", "starts_at", "room", "pk"))
    names = dict(
        User.objects.filter(username__in={h.judge for h in hearings}).values_list(
            "username", "full_name"
        )
    )
    return [
        {
            "time": h.starts_at.astimezone(LOCAL_TZ).strftime("%H:%M"),
            "room": h.room,
            "court_case": h.court_case_id,
            "judge": names.get(h.judge, h.judge),
            "court": h.court_id,
            "court_name": _unit_name(h.court),
            "state": h.state,
        }
        for h in hearings
    ]


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    if _wants_json(request):
        response: HttpResponse = _json({"error": "not_found", "message": message}, status=404)
    else:
        response = render(request, "courts/not_found.html", {"message": message}, status=404)
    return _public(response, SCREEN_MAX_AGE)


@require_safe
def court_screen(request: HttpRequest, court: str) -> HttpResponse:
    """`GET /public/courts/<court>/screen`: today's hearings of one court for the screen in its
    hallway; refreshes itself every minute, no JavaScript, cached 30 seconds."""
    unit = Unit.objects.filter(code=court, kind__in=tuple(JUDGE_ROLE)).first()
    if unit is None:
        return _not_found(request, _("There is no such court."))
    now = clock.now()
    today = local_date(now)
    rows = hearings_on(today, unit)
    if _wants_json(request):
        body = {"court": unit.code, "day": today.isoformat(), "hearings": rows}
        return _public(_json(body), SCREEN_MAX_AGE)
    context = {
        "court": _unit_name(unit),
        "today": today,
        "updated": now.astimezone(LOCAL_TZ).strftime("%H:%M"),
        "rows": rows,
        "refresh": SCREEN_REFRESH,
    }
    return _public(render(request, "courts/screen.html", context), SCREEN_MAX_AGE)


@require_safe
def hearings_today(request: HttpRequest) -> HttpResponse:
    """`GET /public/hearings`: today's hearings in every court (or `?court=`), grouped by court,
    with a link to each court's screen; JSON for `?format=json`."""
    court = None
    if request.GET.get("court"):
        court = Unit.objects.filter(code=request.GET["court"], kind__in=tuple(JUDGE_ROLE)).first()
        if court is None:
            return _not_found(request, _("There is no such court."))
    today = local_date(clock.now())
    rows = hearings_on(today, court)
    if _wants_json(request):
        body = {"day": today.isoformat(), "hearings": rows}
        return _public(_json(body), SCREEN_MAX_AGE)
    courts: dict[str, dict[str, Any]] = {}
    for row in rows:
        courts.setdefault(
            row["court"], {"code": row["court"], "name": row["court_name"], "rows": []}
        )
        courts[row["court"]]["rows"].append(row)
    context = {"today": today, "courts": list(courts.values()), "refresh": SCREEN_REFRESH}
    return _public(render(request, "courts/hearings.html", context), SCREEN_MAX_AGE)


@require_safe
def draw_record(request: HttpRequest, court_case: str) -> HttpResponse:
    """`GET /public/courts/draws/<court case>`: every judge draw of a court case with all its
    inputs, re-run on the server now (CPC 29(1)); JSON for `?format=json`, and the algorithm's
    source at `/public/courts/draw-algorithm.py` to re-run it elsewhere."""
    found = CourtCase.objects.filter(pk=court_case).select_related("court").first()
    if found is None:
        return _not_found(request, _("There is no such court case."))
    checks = check_recorded(found)
    if _wants_json(request):
        body = {
            "court_case": found.pk,
            "court": found.court_id,
            "algorithm": draw.ALGORITHM,
            "draws": [
                {"verified": c.ok, "verification": c.message, "record": _public_record(c.record)}
                for c in checks
            ],
        }
        return _public(_json(body), DRAW_MAX_AGE)
    names = dict(User.objects.filter(unit=found.court).values_list("username", "full_name"))
    draws = []
    for check in checks:
        record = check.record
        seats = {judge: n for n, judge in enumerate(record.get("chosen", []), start=1)}
        draws.append(
            {
                "check": check,
                "record": record,
                "reason": _(REASONS.get(record.get("reason", ""), record.get("reason", ""))),
                "candidates": [
                    {**c, "name": names.get(c["judge"], c["judge"]), "seat": seats.get(c["judge"])}
                    for c in record.get("candidates", [])
                ],
                "excluded": [
                    {
                        "name": names.get(e["judge"], e["judge"]),
                        "why": _(WHY.get(e["why"], e["why"])),
                    }
                    for e in record.get("excluded", [])
                ],
                "chosen": [names.get(j, j) for j in record.get("chosen", [])],
            }
        )
    context = {
        "court_case": found,
        "court": _unit_name(found.court),
        "draws": draws,
        "algorithm": draw.ALGORITHM,
        "scale": draw.SCALE,
    }
    return _public(render(request, "courts/draw.html", context), DRAW_MAX_AGE)


def _public_record(record: dict[str, Any]) -> dict[str, Any]:
    """The draw record as published: everything needed to re-run it."""
    keys = (
        "draw", "court_case", "reason", "algorithm", "commitment", "commit_seq", "seed", "day",
        "settings_from", "seats", "keep", "candidates", "excluded", "chosen", "panel",
    )  # fmt: skip
    return {k: record[k] for k in keys if k in record}


@require_safe
def draw_algorithm(request: HttpRequest) -> HttpResponse:
    """`GET /public/courts/draw-algorithm.py`: the exact code that re-runs a draw record."""
    source = Path(draw.__file__).read_text(encoding="utf-8")
    response = HttpResponse(source, content_type="text/plain; charset=utf-8")
    return _public(response, 3600)
