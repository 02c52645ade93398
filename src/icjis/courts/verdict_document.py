"""The verdict document, generated from the record (CPC 351-357): HTML now; the PDF with
signatures comes with the documents module."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from icjis.core import clock
from icjis.core.refusals import NotFound
from icjis.courts.register import access_verdict

KIND_TEXT = {
    "imprisonment": _lazy("imprisonment for {months} months in a colony of {regime}"),
    "probation": _lazy(
        "imprisonment for {months} months, released from serving it under probation "
        "supervision for {probation_months} months (CC 82)"
    ),
    "fine": _lazy("a fine of {amount} calculation indices (CC 65)"),
    "community_work": _lazy("community work of {hours} hours (CC 61)"),
    "restriction_of_liberty": _lazy("restriction of liberty for {months} months (CC 62)"),
}
REGIME_TEXT = {
    "general": _lazy("general regime"),
    "strict": _lazy("strict regime"),
    "special": _lazy("special regime"),
    "educational_general": _lazy("general regime (educational colony)"),
    "educational_reinforced": _lazy("reinforced regime (educational colony)"),
}


def sentence_text(sentence: dict[str, Any] | None) -> str:
    """The sentence in words, as the operative part states it (CPC 354(1)(4)-(6))."""
    if not sentence:
        return str(_lazy("no sentence imposed (CPC 348(2)(4))"))
    values = {k: v for k, v in sentence.items() if v is not None}
    values["regime"] = str(REGIME_TEXT.get(sentence.get("regime") or "", ""))
    return str(KIND_TEXT[sentence["kind"]]).format_map(_Blank(values))


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


@never_cache
@login_required
def verdict_page(request: HttpRequest, ecli: str) -> HttpResponse:
    """The verdict document, generated from the record (CPC 351-357): the introductory part,
    and the operative part per defendant and article. The PDF with signatures comes with the
    documents module. Opening it is logged."""
    try:
        verdict, entry = access_verdict(request.user, ecli)
    except NotFound:
        raise Http404("No such decision, or it is not visible to you.") from None
    language = (get_language() or "ru")[:2]
    persons: dict[str, dict[str, Any]] = {}
    for d in entry["defendants"]:
        row = {**d, "sentence_text": sentence_text(d["sentence"])}
        persons.setdefault(d["person"]["id"], {"person": d["person"], "rows": []})["rows"].append(
            row
        )
    context = {
        "entry": entry,
        "verdict": verdict,
        "court_name": getattr(verdict.court, f"name_{language}", "") or verdict.court.name_ru,
        "defendants": list(persons.values()),
        "full": verdict.full,  # type: ignore[attr-defined]
        "simulated": clock.simulated(),
    }
    return render(request, "courts/verdict.html", context)
