"""The procedural documents each module can make from its own acts (module M).

A module declares a document kind (`@document_kind`): the act it is made from, its template,
how to read it (`authorise`, which refuses and logs like the module's own reads) and the facts it
states (`facts`, from the act's event and the module's projections). The documents app renders,
signs, stores and verifies them without knowing any module by name, as the deadline engine reads
rule packs; `core` only keeps the declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from icjis.core.models import Event

Facts = Callable[[Event], dict[str, Any]]
Authorise = Callable[[Any, Event, str], None]


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
) -> Callable[[Facts], Facts]:
    """Declare a document kind; the decorated function gives the facts its template states."""

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
