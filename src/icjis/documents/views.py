"""The public check of a document by its verification code (modules M and O; no login).

The page says what the code belongs to — the kind of document, when and by which unit it was
issued, its language, the SHA-256 of the signed file and the certificate's fingerprint — and
nothing personal: no names, no case number, no content. Whoever holds the file can send it to
be compared: the answer says whether it is, byte for byte, the file that was issued, and what
its signature says.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from icjis.core.documents import DOCUMENT_KINDS, annulments, title_of
from icjis.core.localised import localised
from icjis.core.models import Event
from icjis.core.public import public_headers
from icjis.documents import signing
from icjis.documents.codes import display, normalise
from icjis.documents.models import Document
from icjis.web.labels import choice_label, legal_basis

# Our documents weigh tens of kilobytes; a larger file is not one, and is not parsed.
MAX_UPLOAD = 2 * 1024 * 1024


class FileForm(forms.Form):
    file = forms.FileField(allow_empty_file=False)


def public_facts(doc: Document) -> dict[str, Any]:
    kind = DOCUMENT_KINDS.get(doc.kind)
    return {
        "code": display(doc.code),
        "title": title_of(doc.kind),
        "legal_basis": legal_basis(kind.legal_basis) if kind else "",
        "issued_on": timezone.localdate(doc.issued_at).isoformat(),
        "unit": localised(doc.unit),
        "agency": localised(doc.unit.agency),
        "language": choice_label(doc.language),
        "sha256": doc.sha256,
        "certificate": doc.certificate,
        # The act it records annulled since (a decision cancelled or quashed): the day is said,
        # not how (which would tell of the case's course).
        "annulled_on": _day(annulments(doc.stream, [(doc.seq, doc.source_kind)]).get(doc.seq)),
        # Revoked by its issuer as issued in error: the day, not the reason.
        "revoked_on": timezone.localdate(doc.revoked_at).isoformat() if doc.revoked_at else "",
    }


def _day(event: Event | None) -> str:
    return timezone.localdate(event.recorded_at).isoformat() if event is not None else ""


def compare(doc: Document, content: bytes) -> dict[str, Any]:
    """Whether `content` is the issued file, and what its signature says."""
    check = signing.check(content)
    return {
        "identical": hashlib.sha256(content).hexdigest() == doc.sha256,
        "signature_valid": check.valid,
        "signed_by_issuer": check.valid and check.fingerprint == doc.certificate,
        "signed_at": check.signed_at,
        "signed": check.signed,
    }


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """`/public/documents/<code>/`: the facts of an issued document; POST a file to compare."""
    normal = normalise(code)
    doc = (
        Document.objects.select_related("unit__agency").filter(pk=normal).first()
        if normal
        else None
    )
    if doc is None:
        response = render(request, "documents/unknown.html", {"code": code[:32]}, status=404)
        return public_headers(response)
    if display(doc.code) != code:
        return redirect("documents:verify", code=display(doc.code))
    form = FileForm()
    result = None
    if request.method == "POST" and _declared_length(request) > MAX_UPLOAD + 64 * 1024:
        # Refused before the body is read: nothing of it is spooled or parsed.
        form.add_error("file", gettext("The file is larger than any document we issue."))
    elif request.method == "POST":
        form = FileForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                form.add_error("file", gettext("The file is larger than any document we issue."))
            else:
                result = compare(doc, upload.read())
    context = {"doc": public_facts(doc), "form": form, "result": result}
    return public_headers(render(request, "documents/verify.html", context), "same-origin")
