"""Issuing a signed procedural document (module M): `documents.document.issue`.

The official who performed an act asks for its document (a decision, an order …) in the
language of the proceedings. In one act the document is rendered from the act's event and the
module's records, signed with the official's certificate (PAdES), stored under its SHA-256 and
recorded on the act's own stream — so the file's hash, its verification code and the
certificate stand in the ledger beside the act they document, and the case's history shows them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import pydantic
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from icjis.core import projections
from icjis.core.acts import Context, act_kind
from icjis.core.documents import DOCUMENT_KINDS, DocumentKind, annulments
from icjis.core.localised import localised
from icjis.core.models import Case, Event, Unit
from icjis.core.pdf import PdfUnavailable, qr_svg, render_pdf
from icjis.core.refusals import Conflict, Damaged, Invalid, NotFound, say
from icjis.core.roles import ROLES
from icjis.documents import files, signing
from icjis.documents.codes import display, new_code
from icjis.documents.models import Document

# Whoever acts may sign what they did; the read-only roles never act.
# Every role that acts, and the auditor, who signs the reports of access it gives to persons
# (core.transparency); each kind's `authorise` says whose documents they are.
ISSUERS = tuple(name for name, role in ROLES.items() if not role.read_only or name == "auditor")


RecordStream = Annotated[
    str,
    pydantic.Field(
        max_length=80,
        pattern=r"^[a-z]+(-[a-z]+)?/[A-Za-z0-9-]{1,64}$",
        title="Case or register entry",
    ),
]
"""The stream of the record (a case, an order …) whose act a document is made of."""


class IssueInput(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    stream: RecordStream
    seq: int = pydantic.Field(ge=1, le=2**53, title="Act number")
    document: str = pydantic.Field(max_length=64, title="Document")
    language: Literal["ky", "ru"] = pydantic.Field(title="Language of the document")


def cannot_make(problem: str) -> Damaged:
    """The refusal when this server cannot make documents (keys, PDF engine, address)."""
    return Damaged(say("Documents cannot be made on this server now: %(problem)s", problem=problem))


def verification_url(code: str) -> str:
    """The address printed on the document and in its QR code. Without ICJIS_PUBLIC_BASE_URL
    a demo or test server prints its own default address; production makes no document that
    would send the public to a wrong one."""
    base = settings.PUBLIC_BASE_URL
    if not base and settings.PRODUCTION:
        raise cannot_make("ICJIS_PUBLIC_BASE_URL, the address printed on them, is not set")
    return (base or "http://127.0.0.1:8000") + reverse("documents:verify", args=[display(code)])


def _position(user: Any, source: Event) -> str:
    role = ROLES.get(source.actor_role)
    return localised(role, "title") if role else ""


def render(
    kind: DocumentKind, source: Event, code: str, language: str, user: Any, now: datetime
) -> str:
    """The document's HTML, in `language`: the kind's facts and the frame every document has
    (verification code and QR, the official, the unit, the time of the act)."""
    # The unit the official acted for, as the act recorded it, whatever it is today.
    unit = Unit.objects.select_related("agency").get(pk=source.actor_unit)
    with translation.override(language):
        url = verification_url(code)
        context = {
            **kind.facts(source),
            "language": language,
            "doc": {
                "title": translation.gettext(kind.title),
                "code": display(code),
                "url": url,
                "qr": qr_svg(url),
                "legal_basis": kind.legal_basis,
                "acted_at": timezone.localtime(source.recorded_at),
                "signed_at": timezone.localtime(now),
                "official": user.full_name,
                "position": _position(user, source),
                "unit": localised(unit),
                "agency": localised(unit.agency),
            },
        }
        return render_to_string(kind.template, context)


def _source(ctx: Context, inp: IssueInput) -> tuple[DocumentKind, Event]:
    kind = DOCUMENT_KINDS.get(inp.document)
    if kind is None:
        raise Invalid(
            say("There is no document called %(document)s.", document=repr(inp.document)),
            fields={"document": gettext_noop("unknown")},
        )
    source = Event.objects.filter(stream=ctx.stream, seq=inp.seq).first()
    if source is None or source.actor != ctx.user.username:
        raise NotFound(
            say(
                "There is no act of yours at %(stream)s, number %(seq)s: a document is signed "
                "by the official who performed the act.",
                stream=ctx.stream,
                seq=inp.seq,
            )
        )
    if source.kind != kind.source:
        raise Conflict(
            say(
                "A %(document)s is made from the act %(expected)s; the act at %(stream)s, "
                "number %(seq)s, is %(kind)s.",
                document=kind.name,
                expected=kind.source,
                stream=ctx.stream,
                seq=inp.seq,
                kind=source.kind,
            )
        )
    annulled = annulments(ctx.stream, [(source.seq, source.kind)]).get(source.seq)
    if annulled is not None:
        raise Conflict(
            say(
                "The act at %(stream)s, number %(seq)s, was annulled by act number %(by)s "
                "(%(kind)s) on %(day)s: no document is made of it.",
                stream=ctx.stream,
                seq=inp.seq,
                by=annulled.seq,
                kind=annulled.kind,
                day=timezone.localdate(annulled.recorded_at).isoformat(),
            )
        )
    return kind, source


def _apply_issue(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    source = data["source"]
    Document.objects.create(
        code=data["document"],
        kind=data["kind"],
        version=data["version"],
        language=data["language"],
        stream=event.stream,
        seq=source["seq"],
        source_kind=source["kind"],
        case_id=event.stream.split("/", 1)[1] if event.stream.startswith("case/") else None,
        unit_id=event.actor_unit,
        issued_by=event.actor,
        issued_at=event.recorded_at,
        sha256=data["sha256"],
        size=data["size"],
        certificate=data["certificate"],
    )
    return {
        "document": data["document"],
        "record": event.stream,
        **({"case": event.stream.split("/", 1)[1]} if event.stream.startswith("case/") else {}),
        "code": display(data["document"]),
        "sha256": data["sha256"],
        "pdf": reverse("api:document_pdf", args=[display(data["document"])]),
        "verify": reverse("documents:verify", args=[display(data["document"])]),
    }


@act_kind(
    "documents.document.issue",
    schema=IssueInput,
    roles=ISSUERS,
    legal_basis="CPC 5(67); CPC 21; CPC 89(3)",
    target="stream",
    stream_for=lambda inp: inp.stream,
    apply=_apply_issue,
    title="Issue and sign the document of an act",
)
def issue(ctx: Context) -> dict[str, Any]:
    """Makes the procedural document of an act the official performed (`stream`, `seq`): the
    document kind (`document`) is one its module declares for that act; it is written in the
    language of the proceedings (`language`: ky or ru; CPC 21(1)), signed with the official's
    electronic signature (PAdES) and given a verification code that anyone may check on the
    public portal. One document in force of a kind per act and language; a second is refused,
    naming the first (one revoked as issued in error may be made again)."""
    inp: IssueInput = ctx.input
    kind, source = _source(ctx, inp)
    kind.authorise(ctx.user, source, "caseload")  # still the official's record to read
    earlier = Document.objects.filter(
        stream=ctx.stream, seq=inp.seq, kind=kind.name, language=inp.language, revoked_at=None
    ).first()
    if earlier is not None:
        raise Conflict(
            say(
                "This document was already issued in this language; its verification code is "
                "%(code)s.",
                code=display(earlier.code),
            )
        )
    if ctx.stream.startswith("case/"):
        ctx.case = Case.objects.get(pk=ctx.stream.split("/", 1)[1])
    code = new_code()
    html = render(kind, source, code, inp.language, ctx.user, ctx.now)
    with translation.override(inp.language):
        reason = translation.gettext(kind.title)
        location = localised(Unit.objects.get(pk=source.actor_unit))
    try:
        cert = signing.certificate_for(ctx.user, ctx.now)
        signed = signing.sign(render_pdf(html), cert, reason=reason, location=location)
    except (signing.SigningUnavailable, PdfUnavailable) as exc:
        raise cannot_make(str(exc)) from exc
    digest = files.store(signed, ctx.now)
    return {
        "document": code,
        "kind": kind.name,
        "version": kind.version,
        "language": inp.language,
        "source": {"seq": source.seq, "kind": source.kind, "hash": source.hash},
        "sha256": digest,
        "size": len(signed),
        "certificate": cert.fingerprint,
        "authority": cert.authority.fingerprint,
    }


def file_of(document: Document) -> bytes:
    """The signed PDF of `document`, checked against the hash its event recorded."""
    return files.read(document.sha256)


projections.tables(Document)
