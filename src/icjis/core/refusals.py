"""Typed refusals: every act or request that cannot be done says why, in a sentence a clerk can
act on, and writes nothing.

A refusal's sentence is made by `say`: an English template marked for translation (the catalogue
extracts `say` as it does `gettext_noop`) and the values put into it. The API answers with the
English sentence unless the caller asks for Kyrgyz or Russian (`core.api_errors`); a page
says it again in the reader's language (`Said.localised`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class Said(str):
    """A refusal's sentence in English, remembering the template it was made from and the values
    put into it, so that a page can say it again in the reader's language."""

    template: str
    values: dict[str, object]

    def localised(self, word: Callable[[str], str] | None = None) -> str:
        """The sentence in the active language; in English when the catalogue has no entry for
        it (gettext gives the template back) or its entry does not fit the values. A value made
        by `say` is said in that language by its own template; any other text value is passed
        through `word` (by default gettext: a value that is itself an entry of the catalogue, a
        word marked where it is defined, is said in that language too; any other, a number, a
        date, a case's number, stays as it is)."""
        from django.utils.translation import gettext

        translated = gettext(self.template)
        if not self.values:
            return translated
        word = word or gettext
        values = {k: self._localised_value(v, word) for k, v in self.values.items()}
        try:
            return translated % values
        except (KeyError, ValueError, TypeError):
            return str(self)

    @staticmethod
    def _localised_value(value: object, word: Callable[[str], str]) -> object:
        if isinstance(value, Said):  # a part said by its own template ("3 months and 2 days")
            return value.localised(word)
        return word(value) if isinstance(value, str) and value else value

    def as_json(self) -> dict[str, object]:
        """The template and its values, for a projection that keeps a sentence to say again (an
        alert): a value made by `say` is kept the same way, inside."""
        values = {k: v.as_json() if isinstance(v, Said) else v for k, v in self.values.items()}
        return {"template": self.template, "values": values}


def said_from_json(kept: dict[str, object]) -> Said:
    """The sentence `Said.as_json` kept, made again as `say` makes it (so its English is the
    same)."""
    values = {
        k: said_from_json(v) if isinstance(v, dict) else v
        for k, v in dict(kept["values"]).items()  # type: ignore[call-overload]
    }
    return _made(str(kept["template"]), values)


def kept_values(kept: dict[str, Any]) -> list[Any]:
    """The values of a kept sentence (`Said.as_json`), those of its parts included."""
    values = kept.get("values") or {}
    return [w for v in values.values() for w in (kept_values(v) if isinstance(v, dict) else [v])]


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def unsay(text: str, templates: Iterable[str]) -> Said | str:
    """`text` as a `Said` of the first of `templates` that makes exactly it, else `text` itself.

    For a sentence that was kept only as English (an event records a calculation's reason as
    text): the templates are the few that can have made it, so that a page can say it in the
    reader's language. Each value is what its placeholder matched, shortest first; the result is
    made as `say` makes it, and kept only if its English is `text` byte for byte."""
    for template in templates:
        parts = _PLACEHOLDER.split(template)
        if len(parts) == 1:
            if text == template:
                return _made(template, {})
            continue
        pattern, named = "", set()
        for i, part in enumerate(parts):
            if i % 2 == 0:
                pattern += re.escape(part.replace("%%", "%"))
            else:
                pattern += f"(?P={part})" if part in named else f"(?P<{part}>.+?)"
                named.add(part)
        found = re.fullmatch(pattern, text, re.DOTALL)
        if found:
            said = _made(template, found.groupdict())
            if said == text:
                return said
    return text


class FieldName(str):
    """A field's name among a sentence's values ("document_date"): the API's English names the
    field as its schema does; a page names it by the label its form shows."""


def joined(parts: Sequence[object], pair: Callable[[object, object], Said]) -> object:
    """A list said part by part: 'A', else `pair(A, <the rest, joined>)` ('A or B or C'), so
    that a page says each part and each joint in the reader's language."""
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return pair(parts[0], joined(parts[1:], pair))


def say(template: str, **values: object) -> Said:
    """The refusal's sentence: `template` (a literal, so the catalogue finds it) filled with
    `values` by `%(name)s` placeholders. Without values the template is the sentence as it
    stands (a literal `%` needs no doubling). tests/web/test_refusals.py holds every call's
    placeholders to its values, and every template to its Kyrgyz and Russian entries."""
    return _made(template, values)


def _made(template: str, values: dict[str, object]) -> Said:
    said = Said(template % values if values else template)
    said.template = template
    said.values = values
    return said


class Refusal(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(Refusal):
    """The input is malformed or incomplete (HTTP 400)."""


class Unauthenticated(Refusal):
    """No valid credentials (HTTP 401)."""

    code = "unauthenticated"
    status = 401


class Forbidden(Refusal):
    """The user may see the object but may not do this (HTTP 403)."""

    code = "forbidden"
    status = 403


class NotFound(Refusal):
    """Unknown, or not visible to this user — the two look the same (HTTP 404)."""

    code = "not_found"
    status = 404


class Conflict(Refusal):
    """The procedure does not allow this act in the current state (HTTP 409)."""

    code = "conflict"
    status = 409


class Unavailable(Refusal):
    """A part the server needs for this is missing or down now (HTTP 503, with Retry-After)."""

    code = "unavailable"
    status = 503


class Damaged(Refusal):
    """What the ledger names is missing or altered in storage (HTTP 500): an integrity fault to
    report, never retried into success."""

    code = "damaged"
    status = 500
