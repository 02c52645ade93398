"""Pages of a field node (only where `ICJIS_FIELD_NODE` is set): the journal with what the
central system answered, a form for each act the officer may record, and a button that sends
the journal now (`icjis field send` does it from a timer)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from icjis.core.acts import KINDS
from icjis.core.refusals import Refusal
from icjis.field.journal import kinds_for, record, send, state, waiting
from icjis.field.models import JournalEntry
from icjis.web.labels import act_title, legal_basis
from icjis.web.refusals import localise_kept, localise_refusal
from icjis.web.schemaform import Field, attach_errors, fields_of, parse
from icjis.web.views import pick_places, prefill

SHOWN = 200  # the latest entries on the page (a slow link)
CASE_FIELD = "field_case"


def _node() -> None:
    if not settings.FIELD_NODE:
        raise Http404(_("This install is not a field node."))


def _refusal(receipt: dict[str, Any]) -> str:
    """Why the central system refused an entry's act (or the message), in the reader's words:
    by the sentence it kept (`exchange.field.said`), else as the API said it."""
    refused = (receipt.get("field") or {}).get("refused") or receipt
    message = str(refused.get("message", ""))
    if refused.get("template"):
        return localise_kept(message, refused, {})
    return localise_refusal(message)


@never_cache
@login_required
def journal(request: HttpRequest) -> HttpResponse:
    _node()
    rows = []
    for entry in JournalEntry.objects.order_by("-seq").prefetch_related("answers")[:SHOWN]:
        answer = state(entry)
        field = (answer.receipt.get("field") or {}) if answer else {}
        rows.append(
            {
                "entry": entry,
                "title": act_title(entry.kind),
                "status": answer.status if answer else "waiting",
                "case": field.get("case") or entry.case,
                "why": _refusal(answer.receipt) if answer and answer.status != "performed" else "",
            }
        )
    kinds = sorted((act_title(k.name), k.name) for k in kinds_for(request.user))
    context = {
        "node": settings.FIELD_NODE,
        "central": settings.CENTRAL_URL,
        "rows": rows,
        "waiting": waiting().count(),
        "kinds": kinds,
    }
    return render(request, "field/journal.html", context)


@never_cache
@login_required
def record_act(request: HttpRequest, kind: str) -> HttpResponse:
    """The act's own form (from its schema), with the case it concerns; kept in the journal."""
    _node()
    found = KINDS.get(kind)
    if found is None or found not in kinds_for(request.user):
        raise Http404(_("There is no such act, or your role does not allow it."))
    fields = fields_of(found.schema.model_json_schema())
    pick_places(fields)
    if found.target == "case":
        fields.insert(0, Field(CASE_FIELD, "Case", "text", True, max_length=64))
    refusal, key = "", uuid.uuid4().hex
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")[:128] or key
        data, errors = parse(fields, request.POST)
        case = data.pop(CASE_FIELD, None)
        if errors:
            attach_errors(fields, errors)
            refusal = _("Some values could not be read; see the fields marked below.")
        else:
            try:
                seq = record(request.user, found.name, case, data, key)
            except Refusal as exc:
                attach_errors(fields, exc.fields)
                refusal = localise_refusal(exc.message)
            else:
                messages.success(
                    request,
                    _("Kept in the journal as entry %(seq)s; it is sent when the link is up.")
                    % {"seq": seq},
                )
                return redirect("field:journal")
    else:
        prefill(request, fields)
    context = {
        "kind": found,
        "title": act_title(found.name),
        "basis": legal_basis(found.legal_basis),
        "case": None,
        "fields": fields,
        "refusal": refusal,
        "idempotency_key": key,
        "action": request.path,
    }
    return render(request, "web/act.html", context, status=400 if refusal else 200)


@require_POST
@login_required
def send_now(request: HttpRequest) -> HttpResponse:
    _node()
    sent = send()
    if sent.received:
        messages.success(
            request, _("Entries received there: %(count)s.") % {"count": len(sent.received)}
        )
    if sent.stopped_at is not None:
        why = {
            "rejected": _refusal(sent.answer) if sent.answer.get("message") else "",
            "bad_receipt": _("the answer was not signed by the central system."),
        }.get(sent.reason) or _("the central system did not answer.")
        messages.error(
            request,
            _("Entry %(seq)s was not received: %(why)s") % {"seq": sent.stopped_at, "why": why},
        )
    elif sent.reason == "busy":
        messages.error(request, _("Another sending is under way; try again in a minute."))
    elif sent.stopped:
        messages.error(request, _("This install is not set up to send its journal."))
    elif not sent.received:
        messages.info(request, _("Nothing is waiting to be sent."))
    return redirect("field:journal")
