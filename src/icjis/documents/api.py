"""API routes of issued documents (mounted under /api/v1 by icjis.urls). A document is issued
by the act `documents.document.issue` (POST /api/v1/acts)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from icjis.core.canonical import iso
from icjis.core.documents import DOCUMENT_KINDS
from icjis.core.refusals import Damaged, say
from icjis.documents.access import access_document
from icjis.documents.acts import file_of
from icjis.documents.codes import display
from icjis.documents.files import FileAltered
from icjis.documents.models import Document

router = Router(tags=["documents"])


def document_json(doc: Document) -> dict[str, Any]:
    return {
        "code": display(doc.code),
        "kind": doc.kind,
        "title": DOCUMENT_KINDS[doc.kind].title,
        "version": doc.version,
        "language": doc.language,
        "source": {"stream": doc.stream, "seq": doc.seq, "kind": doc.source_kind},
        "case": doc.case_id,
        "unit": doc.unit_id,
        "issued_by": doc.issued_by,
        "issued_at": iso(doc.issued_at),
        "sha256": doc.sha256,
        "size": doc.size,
        "certificate": doc.certificate,
        "revoked_at": iso(doc.revoked_at),
        "revoked_by": doc.revoked_by or None,
        "pdf": reverse("api:document_pdf", args=[display(doc.code)]),
        "verify": reverse("documents:verify", args=[display(doc.code)]),
    }


@router.get("/documents/{code}", url_name="document")
def document_detail(request: HttpRequest, code: str, purpose: str = "caseload") -> dict[str, Any]:
    """An issued document: its kind, the act it documents, who signed it and when, the SHA-256
    of the signed file and the signing certificate's fingerprint."""
    return document_json(access_document(request.user, code, purpose))


@router.get("/documents/{code}/pdf", url_name="document_pdf")
def document_pdf(request: HttpRequest, code: str, purpose: str = "caseload") -> HttpResponse:
    """The signed PDF, exactly as issued (checked against the SHA-256 its event recorded)."""
    doc = access_document(request.user, code, purpose)
    try:
        content = file_of(doc)
    except FileAltered as exc:
        raise Damaged(
            say(
                "The stored file of this document does not match the ledger: %(problem)s.",
                problem=str(exc),
            )
        ) from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{display(doc.code)}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
