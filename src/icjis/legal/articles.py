"""The refusal of an article (or a part) of a criminal code that the code's catalogue does not
hold, in words a clerk can act on: the catalogue's own messages (`legal.catalogues`) are written
for whoever loads a catalogue."""

from __future__ import annotations

from typing import NoReturn

from django.utils.translation import gettext_noop

from icjis.core.refusals import Invalid, Said, say
from icjis.legal.catalogues import (
    CatalogueError,
    PartNotFoundError,
    UnknownCodeError,
    lookup,
)


def refuse_unknown(code: str, article: str, part: int | None, exc: CatalogueError) -> NoReturn:
    """Refuse `article` (and `part`) of `code`, which the catalogue could not find (`exc`)."""
    sentence = _sentence(code, article, part, exc)
    raise Invalid(sentence, fields={"article": gettext_noop("not in the code")}) from None


def _sentence(code: str, article: str, part: int | None, exc: CatalogueError) -> Said:
    if isinstance(exc, UnknownCodeError):
        return say(
            "The criminal code %(code)s of this case is not loaded on this server; tell the "
            "administrator.",
            code=code,
        )
    if isinstance(exc, PartNotFoundError):
        parts = [p for p in _parts(code, article) if p]
        if parts:
            return say(
                "Article %(article)s of %(code)s has no part %(part)s; its parts are %(parts)s.",
                article=article,
                code=code,
                part=str(part),
                parts=", ".join(parts),
            )
        return say(
            "Article %(article)s of %(code)s has no numbered parts; leave out the part.",
            article=article,
            code=code,
        )
    return say(
        "There is no article %(article)s in the criminal code %(code)s; check the number.",
        article=article,
        code=code,
    )


def _parts(code: str, article: str) -> tuple[str | None, ...]:
    try:
        return lookup(code, article).parts
    except CatalogueError:
        return ()
