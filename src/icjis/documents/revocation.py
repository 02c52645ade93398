"""Revoking a document issued in error (module M): `documents.document.revoke`.

A signed document is never deleted or changed: the official who issued it revokes it, with the
reason, by an act recorded on the same stream as its issue (the reason stays in the ledger). It
stays readable and checkable, and says it was revoked — on the staff pages and on the public
check, the day only (the reason may name people). A document revoked may be issued again for
the same act and language, under a new code. The document of a decision annulled since
(`core.documents.annulments`) is not revoked: it stays true of what was decided, and says the
decision was annulled.
"""

from __future__ import annotations

from typing import Any

import pydantic
from django.utils import timezone

from icjis.core.acts import Context, act_kind
from icjis.core.documents import DOCUMENT_KINDS, annulments
from icjis.core.models import Case, Event
from icjis.core.refusals import Conflict, NotFound, say
from icjis.documents.acts import ISSUERS, RecordStream
from icjis.documents.codes import display, normalise
from icjis.documents.models import Document


class RevokeInput(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    stream: RecordStream
    code: str = pydantic.Field(min_length=4, max_length=32, title="Verification code")
    reason: str = pydantic.Field(
        min_length=3, max_length=2000, description="the error the document was issued in"
    )


def _apply_revoke(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    Document.objects.filter(pk=data["document"]).update(
        revoked_at=event.recorded_at, revoked_by=event.actor
    )
    # The record the document is of, as the issue's answer names it (the page goes back to it).
    record = {"record": event.stream}
    if event.stream.startswith("case/"):
        record["case"] = event.stream.split("/", 1)[1]
    return {
        "document": data["document"],
        "code": display(data["document"]),
        "revoked": True,
        **record,
    }


@act_kind(
    "documents.document.revoke",
    schema=RevokeInput,
    roles=ISSUERS,
    legal_basis="CPC 5(67); CPC 89(3)",
    target="stream",
    stream_for=lambda inp: inp.stream,
    apply=_apply_revoke,
    title="Revoke a document issued in error",
)
def revoke(ctx: Context) -> dict[str, Any]:
    """Revokes a document the official issued (`code`, on the record `stream`) as issued in
    error, with the reason: it is kept and still checkable by its code, marked revoked; the act's
    document may then be issued again. Only its issuer revokes it, once."""
    inp: RevokeInput = ctx.input
    code = normalise(inp.code)
    doc = (
        Document.objects.select_for_update().filter(pk=code, stream=ctx.stream).first()
        if code
        else None
    )
    if doc is None or doc.issued_by != ctx.user.username:
        raise NotFound(
            say(
                "There is no document of yours with the code %(code)s on %(stream)s: a document "
                "is revoked by the official who issued it.",
                code=inp.code,
                stream=ctx.stream,
            )
        )
    if doc.revoked_at is not None:
        raise Conflict(
            say(
                "Document %(code)s was already revoked on %(day)s.",
                code=display(doc.code),
                day=timezone.localdate(doc.revoked_at).isoformat(),
            )
        )
    kind = DOCUMENT_KINDS.get(doc.kind)
    if kind is None:
        raise Conflict(say("Documents of this kind are no longer made; it is not revoked."))
    kind.authorise(ctx.user, Event.objects.get(stream=doc.stream, seq=doc.seq), "caseload")
    annulled = annulments(doc.stream, [(doc.seq, doc.source_kind)]).get(doc.seq)
    if annulled is not None:
        raise Conflict(
            say(
                "The decision document %(code)s records was annulled on %(day)s: the document "
                "stays, marked so, and is not revoked.",
                code=display(doc.code),
                day=timezone.localdate(annulled.recorded_at).isoformat(),
            )
        )
    if ctx.stream.startswith("case/"):
        ctx.case = Case.objects.get(pk=ctx.stream.split("/", 1)[1])
    return {"document": doc.code, "reason": inp.reason}
