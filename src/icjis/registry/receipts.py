"""The applicant's receipt and the public status page of a crime report (modules A and O).

CPC 147(1): whoever accepts a crime report gives the applicant a document confirming its
registration, with the registration number and time. Here that document is the receipt: a
printable page and a PDF, each with a QR code of the report's public status URL.

The URL carries a receipt token: 144 random bits (`secrets`), unrelated to the case number, kept
only as its SHA-256 (`Receipt.token_hash`); the token in clear is told once, in the result of the
act that makes it. The registrar can revoke a token (a lost receipt) or issue a new one; the old
one stops working at once. Anyone holding a valid token may see, without logging in, the stage of
the report in plain words, the date of its last movement and the unit responsible for it — and
nothing personal: no names, PINs, addresses, summary or officers (SPEC principle 11).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

import pydantic
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from icjis.core.acts import Context, act_kind
from icjis.core.canonical import sha256_hex
from icjis.core.localised import localised
from icjis.core.models import Case, CaseUnit, Event, Unit
from icjis.core.pdf import PdfUnavailable, qr_svg, render_pdf
from icjis.core.public import public_headers
from icjis.core.refusals import Conflict, say
from icjis.core.roles import ROLES
from icjis.registry.acts import case_of
from icjis.registry.models import Receipt

TOKEN_BYTES = 18  # 144 bits; URL-safe base64 makes 24 characters
TOKEN_FORMAT = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
APPEAL_BASIS = "CPC 154(3)"

# The stage of a report in words an applicant understands (the API's codes stay in JSON).
PUBLIC_STAGES = {
    "registered": gettext_lazy("Registered; waiting to be given to an investigator"),
    "pre_investigation": gettext_lazy("Being checked (pre-investigation check)"),
    "investigation": gettext_lazy("A criminal case has been opened and is being investigated"),
    "prosecution": gettext_lazy("With the prosecutor"),
    "trial": gettext_lazy("In court"),
    "appeal": gettext_lazy("In the court of appeal"),
    "execution": gettext_lazy("The sentence is being executed"),
    "closed": gettext_lazy("Closed: a final decision has been taken"),
}


def new_token() -> str:
    """A fresh receipt token: random, URL-safe, unrelated to anything in the case."""
    return secrets.token_urlsafe(TOKEN_BYTES)


# --- Acts -------------------------------------------------------------------------------------


class NoInput(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


def _revoke_current(case: Case, at: datetime) -> int:
    """Revoke every valid receipt of `case` (there is at most one); replay gives the same rows
    because events of a case are projected in stream order."""
    return Receipt.objects.filter(case=case, revoked_at__isnull=True).update(revoked_at=at)


def _note_receipt(case: Case, token_hash: str | None) -> None:
    details = dict(case.details)
    details["receipt"] = token_hash
    Case.objects.filter(pk=case.pk).update(details=details)


def _apply_revoke(event: Event, data: dict[str, Any]) -> None:
    case = case_of(event)
    _revoke_current(case, event.recorded_at)
    _note_receipt(case, None)


def _apply_reissue(event: Event, data: dict[str, Any]) -> None:
    case = case_of(event)
    _revoke_current(case, event.recorded_at)
    Receipt.objects.create(token_hash=data["receipt_hash"], case=case, issued_at=event.recorded_at)
    _note_receipt(case, data["receipt_hash"])


@act_kind(
    "registry.receipt.revoke",
    schema=NoInput,
    roles=("registrar", "unit_head"),
    legal_basis="CPC 147(1)",
    apply=_apply_revoke,
    title="Revoke the receipt token of a report",
)
def revoke_receipt(ctx: Context) -> dict[str, Any]:
    """Revokes the token of the receipt given to the applicant (CPC 147(1): the applicant gets a
    document confirming acceptance of the report), e.g. when the receipt was lost or shown to
    someone it should not have been: its public status page stops working at once. The case and
    its number are untouched; a new receipt is given by `registry.receipt.reissue`."""
    assert ctx.case is not None
    if not Receipt.objects.filter(case=ctx.case, revoked_at__isnull=True).exists():
        raise Conflict(
            say(
                "This report has no valid receipt to revoke; issue a new one if the applicant "
                "needs it."
            )
        )
    return {}


@act_kind(
    "registry.receipt.reissue",
    schema=NoInput,
    roles=("registrar", "unit_head"),
    legal_basis="CPC 147(1)",
    apply=_apply_reissue,
    title="Issue a new receipt for a report",
)
def reissue_receipt(ctx: Context) -> dict[str, Any]:
    """Gives the applicant a new receipt (CPC 147(1): the applicant gets a document confirming
    acceptance of the report) with a new token; the current token, if any, is revoked in the same
    act. The ledger keeps only the new token's SHA-256; the token in clear is in the act's result,
    from which the receipt is printed (`/public/reports/<token>/receipt`)."""
    token = new_token()
    ctx.extra_result = {"receipt_token": token}
    return {"receipt_hash": sha256_hex(token)}


# --- Public pages (no login) ------------------------------------------------------------------


def valid_receipt(token: str) -> Receipt | None:
    """The valid receipt a token belongs to, with its case and units; None when the token is
    malformed, unknown or revoked (the three look the same to the public)."""
    if not TOKEN_FORMAT.match(token):
        return None
    return (
        Receipt.objects.select_related("case__unit__agency", "case__court__agency")
        .filter(token_hash=sha256_hex(token), revoked_at__isnull=True)
        .first()
    )


def responsible_unit(case: Case) -> Unit:
    """The unit an applicant should turn to: the court while the case is before one, otherwise
    the unit that holds the case."""
    if case.stage in ("trial", "appeal") and case.court is not None:
        return case.court
    return case.unit


def public_status(case: Case) -> dict[str, Any]:
    """Everything the public status page shows — and nothing else: no person, no summary, no
    place, no officer."""
    unit = responsible_unit(case)
    return {
        "case": case.number,
        "stage": case.stage,
        "stage_label": str(PUBLIC_STAGES.get(case.stage, case.stage)),
        "registered_on": timezone.localdate(case.registered_at).isoformat(),
        "last_movement_on": timezone.localdate(case.last_movement_at).isoformat(),
        "unit": localised(unit),
        "agency": localised(unit.agency),
    }


def status_url(request: HttpRequest, token: str) -> str:
    """The absolute public status URL printed on the receipt and encoded in its QR code.
    `PUBLIC_BASE_URL` (if the settings define it) wins over the request's host, for deployments
    behind a proxy whose public name the server does not see."""
    path = reverse("registry:report_status", args=[token])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def _wants_json(request: HttpRequest) -> bool:
    if request.GET.get("format") == "json":
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _unknown(request: HttpRequest) -> HttpResponse:
    message = _(
        "This receipt code is unknown or was replaced by a new receipt. Check the code, or ask "
        "the unit that registered your report."
    )
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": "not_found", "message": message}, status=404
        )
    else:
        response = render(request, "registry/unknown_token.html", {"message": message}, status=404)
    return public_headers(response)


@require_safe
def report_status(request: HttpRequest, token: str) -> HttpResponse:
    """`GET /public/reports/<token>`: the stage of a report, the date of its last movement and
    the responsible unit; HTML, or JSON for `Accept: application/json` or `?format=json`."""
    receipt = valid_receipt(token)
    if receipt is None:
        return _unknown(request)
    status = public_status(receipt.case)
    if _wants_json(request):
        return public_headers(JsonResponse(status, json_dumps_params={"ensure_ascii": False}))
    context = {
        "status": status,
        "receipt_url": reverse("registry:receipt", args=[token]),
    }
    return public_headers(render(request, "registry/status.html", context))


def receipt_facts(request: HttpRequest, token: str, receipt: Receipt) -> dict[str, Any]:
    """What the receipt says (CPC 147(1)): number, date and time of registration, the unit and
    the position of the official who accepted it, and where to follow the report."""
    case = receipt.case
    registering = (
        CaseUnit.objects.select_related("unit")
        .filter(case=case, capacity="registering")
        .order_by("pk")
        .first()
    )
    first = (
        Event.objects.filter(stream=f"case/{case.number}", seq=1)
        .values_list("actor_role", flat=True)
        .first()
    )
    role = ROLES.get(first or "")
    url = status_url(request, token)
    return {
        "case": case,
        "registered_at": timezone.localtime(case.registered_at),
        "unit_name": localised(registering.unit if registering else case.unit),
        "accepted_by": localised(role, "title") if role else "",
        "issued_at": timezone.localtime(receipt.issued_at),
        "reissued": receipt.issued_at > case.registered_at,
        "status_url": url,
        "qr": qr_svg(url),
        "appeal_basis": APPEAL_BASIS,
        "pdf_url": reverse("registry:receipt_pdf", args=[token]),
    }


@require_safe
def receipt_page(request: HttpRequest, token: str) -> HttpResponse:
    """`GET /public/reports/<token>/receipt`: the printable receipt, reachable right after
    registration from the token in the act's result."""
    receipt = valid_receipt(token)
    if receipt is None:
        return _unknown(request)
    context = receipt_facts(request, token, receipt)
    return public_headers(render(request, "registry/receipt.html", context))


@require_safe
def receipt_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """`GET /public/reports/<token>/receipt.pdf`: the same receipt as a PDF."""
    receipt = valid_receipt(token)
    if receipt is None:
        return _unknown(request)
    context = receipt_facts(request, token, receipt)
    context["language"] = get_language() or settings.LANGUAGE_CODE
    html = render_to_string("registry/receipt_pdf.html", context)
    try:
        pdf = render_pdf(html)
    except PdfUnavailable:
        response = HttpResponse(
            _("The PDF cannot be made on this server now; print the receipt page instead."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "3600"
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{receipt.case.number}.pdf"'
    return public_headers(response)
