"""The signed documents on the staff pages (module M): those issued for a record, and the acts of
the reader's own that a document can still be made of, each a link to the issuing form with the
act already named."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from icjis.core.documents import DOCUMENT_KINDS, annulments, made_from, title_of
from icjis.core.models import Event
from icjis.core.visibility import part_for
from icjis.documents.codes import display
from icjis.documents.models import Document
from icjis.web.labels import act_title, choice_label
from icjis.web.schemaform import fix

ISSUE = "documents.document.issue"
LANGUAGES = ("ky", "ru")  # the languages of proceedings (Constitution 13; CPC 21(1))


def revoke_url(stream: str, code: str) -> str:
    query = urlencode({"stream": stream, "code": display(code)})
    return reverse("web:act_new", args=["documents.document.revoke"]) + "?" + query


def issue_url(stream: str, seq: int, document: str) -> str:
    query = urlencode({"stream": stream, "seq": seq, "document": document})
    return reverse("web:act_new", args=[ISSUE]) + "?" + query


def documents_of(
    user: Any, stream: str, events: Iterable[Event], *, of_events: bool = False
) -> dict[str, list[Any]]:
    """`issued`: the documents of the record's stream; `to_sign`: the reader's own acts among
    `events` (as the page shows them) with a document not yet issued in every language. With
    `of_events`, only the documents of `events`, which the page has let the reader read (an
    expertise's, shown to its expert)."""
    events = list(events)
    issued = list(Document.objects.filter(stream=stream).order_by("issued_at", "code"))
    if of_events:
        issued = [d for d in issued if d.seq in {e.seq for e in events}]
    elif stream.startswith("case/") and part_for(user) is not None:
        issued = []  # a role reading its part of the file reads no case document (registry)
    done = {(d.seq, d.kind, d.language) for d in issued if d.revoked_at is None}
    own = [e for e in events if e.actor == user.username and made_from(e.kind)]
    annulled = annulments(
        stream, [(e.seq, e.kind) for e in own] + [(d.seq, d.source_kind) for d in issued]
    )
    to_sign = []
    for event in own:
        if event.seq in annulled:
            continue  # no document is made of a cancelled or quashed decision
        for kind in made_from(event.kind):
            missing = [lang for lang in LANGUAGES if (event.seq, kind.name, lang) not in done]
            if missing:
                to_sign.append(
                    {
                        "seq": event.seq,
                        "act": act_title(event.kind),
                        "title": gettext(kind.title),
                        "languages": missing,
                        "url": issue_url(stream, event.seq, kind.name),
                    }
                )
    return {
        "issued": [
            {
                "doc": d,
                "title": title_of(d.kind),
                "code": display(d.code),
                "language": choice_label(d.language),
                "pdf": reverse("api:document_pdf", args=[display(d.code)]),
                "verify": reverse("documents:verify", args=[display(d.code)]),
                "annulled": annulment(annulled.get(d.seq)),
                "revoke": (
                    revoke_url(stream, d.code)
                    if d.revoked_at is None
                    and d.issued_by == user.username
                    and d.seq not in annulled
                    else ""
                ),
            }
            for d in issued
        ],
        "to_sign": to_sign,
    }


def annulment(event: Event | None) -> dict[str, Any] | None:
    """How a page says that the act a document records was annulled since: by which act, when."""
    if event is None:
        return None
    return {"act": act_title(event.kind), "on": timezone.localdate(event.recorded_at)}


def name_the_document(user: Any, by_name: dict[str, Any], given: Any) -> None:
    """The issuing form opened for one act (`?stream=&seq=&document=`): the act and the document
    shown by their names, when the act is the user's own and of the document's kind."""
    found = [by_name.get(name) for name in ("stream", "seq", "document")]
    fields = [f for f in found if f is not None and f.widget in ("text", "number")]
    if len(fields) != 3:
        return
    stream, seq, document = given("stream"), given("seq"), given("document")
    kind = DOCUMENT_KINDS.get(document)
    if kind is None or not seq.isdigit():
        return
    event = Event.objects.filter(stream=stream, seq=int(seq), actor=user.username).first()
    if event is None or event.kind != kind.source:
        return
    fix(fields[0], stream, stream.split("/", 1)[-1])
    fix(fields[1], seq, f"{seq}: {act_title(event.kind)}")
    fix(fields[2], document, gettext(kind.title))
