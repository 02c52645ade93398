"""Staff pages of forensic expertise: an expertise with its questions, objects, experts, term and
opinion, and the acts its reader may perform on it now; the expertises section of the case page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from icjis.core import clock
from icjis.core.acts import KINDS
from icjis.core.localised import localised
from icjis.core.models import Case, Event, Person
from icjis.core.refusals import Conflict, NotFound
from icjis.evidence.models import Item
from icjis.forensics import media
from icjis.forensics.access import access_expertise, visible_expertises
from icjis.forensics.api import with_term
from icjis.forensics.documents import FORM_TITLES, KIND_TITLES
from icjis.forensics.models import OPEN, Expertise
from icjis.web.documents import documents_of
from icjis.web.labels import act_title, choice_label
from icjis.web.queues import time_left
from icjis.web.refusals import localise_refusal

STATE_LABELS = {
    "assigned": gettext_lazy("with the experts"),
    "signing": gettext_lazy("opinion awaiting signatures"),
    "done": gettext_lazy("opinion given"),
    "declined": gettext_lazy("returned unexecuted"),
}


def term_left(expertise: Expertise, now: datetime) -> tuple[str, str]:
    """The time left to the opinion, or by how much it is overdue, with its CSS class."""
    due = getattr(expertise, "due_at", None)
    if expertise.state not in OPEN or due is None:
        return "", ""
    return time_left(due, now)


def said(expertise: Expertise, now: datetime) -> dict[str, Any]:
    left, css = term_left(expertise, now)
    kinds = ", ".join(_(KIND_TITLES[k]) for k in expertise.kinds)
    form = FORM_TITLES[expertise.form]
    return {
        "expertise": expertise,
        "kinds": f"{kinds} ({_(form)})" if form else kinds,
        "state": STATE_LABELS[expertise.state],
        "left": left,
        "css": css,
        "url": reverse("forensics:expertise", args=[expertise.id]),
        "experts": [a.expert for a in expertise.assignments.all()],
    }


def offered_acts(user: Any, expertise: Expertise) -> list[str]:
    """The acts on `expertise` that `user` may perform now (each still decides for itself)."""
    roles = set(user.roles)
    mine = {a.expert: a for a in expertise.assignments.all()}.get(user.username)
    kinds = []
    if expertise.state == "assigned" and mine is not None:
        kinds += ["forensics.opinion.submit", "forensics.expertise.decline"]
    if expertise.state == "signing" and mine is not None and mine.signed_at is None:
        kinds.append("forensics.opinion.sign")
    if expertise.state in ("assigned", "signing"):
        kinds.append("forensics.expertise.extend")
    return [k for k in kinds if roles & KINDS[k].roles]


def case_expertises(user: Any, case: Case) -> list[dict[str, Any]]:
    """The expertises section of the case page: those of the case the reader may see."""
    now = clock.now()
    found = with_term(visible_expertises(user).filter(case=case), now).order_by("number")
    return [said(e, now) for e in found]


@never_cache
@login_required
def expertise_page(request: HttpRequest, expertise_id: str) -> HttpResponse:
    """One expertise: the order, the objects sent and where they are, the experts, the term, the
    opinion (or the notice that none can be given), and the acts the reader may perform."""
    now = clock.now()
    try:
        found = access_expertise(request.user, expertise_id[:48])
    except NotFound:
        raise Http404(_("No such expertise, or it is not visible to you.")) from None
    expertise = with_term(Expertise.objects.filter(pk=found.pk), now).get()
    items = {i.id: i for i in Item.objects.filter(pk__in=expertise.items)}
    answers = {a["question"]: a["answer"] for a in expertise.conclusions}
    # The opinion becomes a document once every member has signed it (`forensics.documents`).
    opinion = expertise.opinion_seq if expertise.state != "signing" else None
    seqs = [s for s in (expertise.ordered_seq, opinion) if s is not None]
    acts = Event.objects.filter(stream=f"case/{expertise.case_id}", seq__in=seqs).order_by("seq")
    context = {
        **said(expertise, now),
        "documents": documents_of(request.user, f"case/{expertise.case_id}", acts, of_events=True),
        "questions": [
            (n, q, answers.get(n, "")) for n, q in enumerate(expertise.questions, start=1)
        ],
        "items": [items[i] for i in expertise.items if i in items],
        "assignments": [
            {"a": a, "specialisation": _(KIND_TITLES[a.specialisation])}
            for a in expertise.assignments.all()
        ],
        "lab": localised(expertise.lab),
        "person": Person.objects.filter(pk=expertise.person).first() if expertise.person else None,
        "declined": choice_label(expertise.declined_reason) if expertise.declined_reason else "",
        "photos": [
            reverse("forensics:photo", args=[expertise.id, n])
            for n in range(1, len(expertise.photos) + 1)
        ],
        "offered": [
            {
                "title": act_title(k),
                "url": reverse("web:act", args=[expertise.case_id, k])
                + "?"
                + urlencode({"expertise": expertise.id}),
            }
            for k in offered_acts(request.user, expertise)
        ],
    }
    return render(request, "forensics/expertise.html", context)


@never_cache
@login_required
def photo(request: HttpRequest, expertise_id: str, n: int) -> HttpResponse:
    """Photograph `n` of an examination (CPC 179(11)), to the expertise's readers (the read
    logged); a photograph not as recorded is refused with the reason, never served."""
    try:
        return media.photo_response(access_expertise(request.user, expertise_id[:48]), n)
    except NotFound:
        raise Http404(_("No such expertise, or it is not visible to you.")) from None
    except Conflict as refused:
        return HttpResponse(
            localise_refusal(refused.message),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
