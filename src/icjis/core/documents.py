"""The procedural documents each module can make from its own acts (module M).

A module declares a document kind (`@document_kind`): the act it is made from, its template,
how to read it (`authorise`, which refuses and logs like the module's own reads) and the facts it
states (`facts`, from the act's event and the module's projections). The documents app renders,
signs, stores and verifies them without knowing any module by name, as the deadline engine reads
rule packs; `core` only keeps the declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from icjis.core.models import Event

Facts = Callable[[Event], dict[str, Any]]
Authorise = Callable[[Any, Event, str], None]
# A later act on the same record that annuls the act a document is made of (a decision
# cancelled, quashed): its kind, and what its event must say to be one (None: any such event).
Annuls = Callable[[dict[str, Any]], bool] | None


@dataclass(frozen=True)
class DocumentKind:
    name: str
    title: str  # English, marked for translation; pages say it in the reader's language
    source: str  # the act kind whose event the document is made from
    template: str  # a template extending "documents/document.html"
    version: int  # raised when the template or the facts change what a document says
    legal_basis: str
    facts: Facts
    authorise: Authorise  # (user, source event, purpose): NotFound unless the user may read it
    annulled_by: Mapping[str, Annuls] = field(default_factory=dict)


DOCUMENT_KINDS: dict[str, DocumentKind] = {}


def document_kind(
    name: str,
    *,
    source: str,
    template: str,
    title: str,
    legal_basis: str,
    authorise: Authorise,
    version: int = 1,
    annulled_by: Mapping[str, Annuls] | None = None,
) -> Callable[[Facts], Facts]:
    """Declare a document kind; the decorated function gives the facts its template states.
    `annulled_by` names the later acts on the same record that annul its source act (with what
    their event must say): no document is made of an annulled act, and an issued one is shown
    as annulled (`annulments`)."""

    def register(facts: Facts) -> Facts:
        if name in DOCUMENT_KINDS:
            raise RuntimeError(f"document kind {name} declared twice")
        DOCUMENT_KINDS[name] = DocumentKind(
            name=name,
            title=title,
            source=source,
            template=template,
            version=version,
            legal_basis=legal_basis,
            facts=facts,
            authorise=authorise,
            annulled_by=dict(annulled_by or {}),
        )
        return facts

    return register


def title_of(name: str) -> str:
    """A document kind's title in the current language (its name, for a kind no longer
    declared)."""
    kind = DOCUMENT_KINDS.get(name)
    return gettext(kind.title) if kind else name


def made_from(event_kind: str) -> list[DocumentKind]:
    """The document kinds an event of `event_kind` can be made into."""
    return [k for k in DOCUMENT_KINDS.values() if k.source == event_kind]


def annulments(stream: str, sources: Iterable[tuple[int, str]]) -> dict[int, Event]:
    """The act that annulled each of `sources` (the seq and kind of acts on one record's
    stream), by the source's seq: the first later event on the stream of a kind that annuls it,
    as its document kinds declare. One query for the whole record, whatever the number of
    sources."""
    wanted = {seq: _annulling(kind) for seq, kind in sources}
    wanted = {seq: by for seq, by in wanted.items() if by}
    if not wanted:
        return {}
    kinds = {kind for by in wanted.values() for kind in by}
    later = list(
        Event.objects.filter(stream=stream, kind__in=kinds, seq__gt=min(wanted))
        .only("stream", "seq", "kind", "data", "recorded_at")
        .order_by("seq")
    )
    found: dict[int, Event] = {}
    for seq, by in wanted.items():
        for event in later:
            if event.seq > seq and event.kind in by:
                test = by[event.kind]
                if test is None or test(event.payload):
                    found[seq] = event
                    break
    return found


def _annulling(event_kind: str) -> dict[str, Annuls]:
    by: dict[str, Annuls] = {}
    for kind in made_from(event_kind):
        by.update(kind.annulled_by)
    return by
