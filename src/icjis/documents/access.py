"""Who may read an issued document: whoever may read the record of the act it documents (the
case, the order …), as the module that declared the document says. Every read is logged, as the
document's and, by the module, as the record's."""

from __future__ import annotations

from typing import Any

from icjis.core.access import log_read
from icjis.core.documents import DOCUMENT_KINDS
from icjis.core.models import Event
from icjis.core.refusals import NotFound, say
from icjis.documents.codes import normalise
from icjis.documents.models import Document


def access_document(user: Any, typed: str, purpose: str = "caseload") -> Document:
    code = normalise(typed)
    found = Document.objects.filter(pk=code).first() if code else None
    if found is None:
        log_read(user, "document", (code or typed)[:64], purpose, "not_found")
        raise NotFound(say("No such document, or it is not visible to you."))
    source = Event.objects.get(stream=found.stream, seq=found.seq)
    try:
        DOCUMENT_KINDS[found.kind].authorise(user, source, purpose)
    except NotFound:
        log_read(user, "document", found.code, purpose, "denied")
        raise NotFound(say("No such document, or it is not visible to you.")) from None
    log_read(user, "document", found.code, purpose, "shown")
    return found
