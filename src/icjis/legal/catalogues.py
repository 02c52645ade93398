"""Offence catalogues of the Kyrgyz codes: loading, validation and article look-up.

A catalogue is a JSON file listing the articles of one code (number, title, chapter and, for
offences, the parts with their sanction summary and category). The bundled catalogues live in
the ``catalogues/`` directory next to this module:

* ``kg-cc-2021``  - Criminal Code of 28.10.2021 No. 127 (complete, built from the official text
  by ``scripts/build_offence_catalogues.py``);
* ``kg-coo-2021`` - Code of Offences of 28.10.2021 No. 128 (complete, same script);
* ``kg-cc-2017``  - Criminal Code of 02.02.2017 No. 19 (structure only: ``complete: false``);
* ``kg-cc-1997``  - Criminal Code of 01.10.1997 No. 68 (a few verified articles only).

A full catalogue of an older code, in the same format, can be loaded with
:func:`load_catalogue_file` and installed with :func:`register_catalogue`; :func:`lookup` then
uses it instead of the bundled one.

Usage::

    >>> from icjis.legal.catalogues import lookup
    >>> ref = lookup("kg-cc-2021", "122", part="2")
    >>> ref.title, ref.category
    ('Убийство', 'especially_grave')
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "CATEGORIES",
    "CODE_IDS",
    "Catalogue",
    "CatalogueError",
    "CatalogueFormatError",
    "ArticleNotFoundError",
    "PartNotFoundError",
    "UnknownCodeError",
    "OffenceRef",
    "load_catalogue",
    "load_catalogue_file",
    "lookup",
    "most_serious",
    "normalize_article_number",
    "register_catalogue",
    "unregister_catalogue",
    "validate_catalogue",
]

#: Directory of the bundled catalogue files (``catalogues/`` next to this module).
DATA_DIR = Path(__file__).with_suffix("")

#: Codes with a bundled catalogue.
CODE_IDS: tuple[str, ...] = ("kg-cc-2021", "kg-coo-2021", "kg-cc-2017", "kg-cc-1997")

#: Crime categories of CC 2021 art. 19, from the least to the most serious.
CATEGORIES: tuple[str, ...] = ("minor_gravity", "less_grave", "grave", "especially_grave")

PARTS_OF_CODE = frozenset({"general", "special", "procedural"})
GUILT_VALUES = frozenset({"intentional", "negligent"})
FORMAT_VERSION = 1

_NUMBER_RE = re.compile(r"^\d+(?:-\d+)?$")
_SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


class CatalogueError(Exception):
    """Base class of the errors raised by this module."""


class UnknownCodeError(CatalogueError, KeyError):
    """The code identifier has no catalogue."""

    def __str__(self) -> str:
        """The message itself (``KeyError`` would show it quoted)."""
        return str(self.args[0]) if self.args else ""


class CatalogueFormatError(CatalogueError, ValueError):
    """A catalogue file is not valid; the message names the file and the problem."""


class ArticleNotFoundError(CatalogueError, LookupError):
    """The article is not in the catalogue of the code."""


class PartNotFoundError(ArticleNotFoundError):
    """The article exists but has no such part."""


def normalize_article_number(value: str | int) -> str:
    """Return the canonical form of an article or part number.

    Accepts ``122``, ``"122"``, ``" 152-1 "``, ``"152¹"`` and ``"152.1"`` (the last two meaning
    article 152-1); raises :class:`ValueError` for anything else.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"article number must be a string or an integer, not {value!r}")
    text = str(value).strip()
    if re.fullmatch(r"\d+[¹²³⁴⁵⁶⁷⁸⁹⁰]+", text):
        digits = re.match(r"\d+", text)
        assert digits is not None
        text = f"{digits.group(0)}-{text[digits.end() :].translate(_SUPERSCRIPTS)}"
    text = re.sub(r"\s*[-‑–.]\s*", "-", text)
    if not _NUMBER_RE.match(text):
        raise ValueError(f"not an article number: {value!r}")
    base, _, suffix = text.partition("-")
    return f"{int(base)}-{int(suffix)}" if suffix else str(int(base))


def _number_key(number: str) -> tuple[int, int]:
    """Sort key of a canonical article number."""
    base, _, suffix = number.partition("-")
    return int(base), int(suffix or 0)


def most_serious(categories: Iterable[str | None]) -> str | None:
    """Return the most serious of ``categories`` (None values ignored; None if empty)."""
    known = [c for c in categories if c is not None]
    return max(known, key=CATEGORIES.index) if known else None


@dataclass(frozen=True)
class OffenceRef:
    """Result of :func:`lookup`: an article, or one part of it, with its category and title."""

    code_id: str
    article: str
    part: str | None
    title: str
    category: str | None
    part_of_code: str | None
    chapter: Mapping[str, Any] | None
    repealed: bool
    guilt: str | None = None
    max_imprisonment_years: float | int | None = None
    life_imprisonment: bool = False
    sanction: Mapping[str, Any] | None = None
    penalties: Mapping[str, Any] | None = None
    parts: tuple[str | None, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def citation(self) -> str:
        """Short citation such as ``"kg-cc-2021 art. 122(2)"``."""
        part = f"({self.part})" if self.part else ""
        return f"{self.code_id} art. {self.article}{part}"


class Catalogue:
    """A validated catalogue of one code: header plus articles indexed by number."""

    def __init__(self, data: Mapping[str, Any], origin: str) -> None:
        """Build a catalogue from already validated ``data``; ``origin`` names its source."""
        self.origin = origin
        self.header: Mapping[str, Any] = MappingProxyType(dict(data["header"]))
        self.code_id: str = data["header"]["code_id"]
        self.articles: tuple[Mapping[str, Any], ...] = tuple(data["articles"])
        self._index = {a["number"]: a for a in self.articles}

    def __len__(self) -> int:
        """Number of articles."""
        return len(self.articles)

    def __contains__(self, number: object) -> bool:
        """Whether the article ``number`` is in the catalogue."""
        try:
            return normalize_article_number(number) in self._index  # type: ignore[arg-type]
        except ValueError:
            return False

    def __repr__(self) -> str:
        """Debug representation."""
        return f"<Catalogue {self.code_id}: {len(self)} articles from {self.origin}>"

    @property
    def complete(self) -> bool:
        """Whether the catalogue lists every article of the code."""
        return bool(self.header.get("complete"))

    @property
    def title(self) -> str:
        """Title of the code with its number and date, for messages."""
        src = self.header.get("source") or {}
        name = src.get("title_en") or src.get("title") or self.code_id
        extra = ", ".join(
            x for x in (src.get("date"), f"No. {src['number']}" if src.get("number") else "") if x
        )
        return f"{name} ({extra})" if extra else name

    def numbers(self) -> list[str]:
        """Article numbers in the order of the code."""
        return [a["number"] for a in self.articles]

    def article(self, number: str | int) -> Mapping[str, Any]:
        """Return the raw article entry, or raise :class:`ArticleNotFoundError`."""
        try:
            key = normalize_article_number(number)
        except ValueError as exc:
            raise ArticleNotFoundError(f"{self.code_id}: {exc}") from None
        try:
            return self._index[key]
        except KeyError:
            raise ArticleNotFoundError(self._missing_article_message(key)) from None

    def _missing_article_message(self, key: str) -> str:
        """Explain that article ``key`` is absent, with what the catalogue does hold."""
        msg = f"{self.code_id}: article {key} is not in the catalogue of the {self.title}"
        if self.articles:
            msg += f" ({len(self.articles)} articles, {self.articles[0]['number']}"
            msg += f"-{self.articles[-1]['number']})"
        else:
            msg += " (the catalogue lists no articles)"
        if not self.complete:
            msg += (
                "; this catalogue is incomplete (complete: false) - load a full catalogue "
                "with load_catalogue_file() and register_catalogue()"
            )
        return msg

    def lookup(self, article: str | int, part: str | int | None = None) -> OffenceRef:
        """Return the article, or its ``part``, with category and title.

        Raises :class:`ArticleNotFoundError` or :class:`PartNotFoundError` with a message naming
        the code, the article and the parts that do exist.
        """
        entry = self.article(article)
        parts = tuple(p.get("number") for p in entry.get("parts", []))
        common = {
            "code_id": self.code_id,
            "article": entry["number"],
            "title": entry["title"],
            "part_of_code": entry.get("part_of_code"),
            "chapter": entry.get("chapter"),
            "parts": parts,
        }
        if part is None:
            part_entries = [p for p in entry.get("parts", []) if not p.get("repealed")]
            years = [p.get("max_imprisonment_years") for p in part_entries]
            # an article without numbered parts: its only part carries the sanction
            only = part_entries[0] if len(part_entries) == 1 and parts == (None,) else {}
            return OffenceRef(
                part=None,
                category=entry.get("category"),
                repealed=bool(entry.get("repealed")),
                guilt=only.get("guilt"),
                max_imprisonment_years=max((y for y in years if y is not None), default=None),
                life_imprisonment=any(p.get("life_imprisonment") for p in part_entries),
                sanction=only.get("sanction"),
                penalties=only.get("penalties"),
                data=entry,
                **common,
            )
        try:
            key = normalize_article_number(part)
        except ValueError:
            raise PartNotFoundError(
                f"{self.code_id}: article {entry['number']}: not a part number: {part!r}"
            ) from None
        for p in entry.get("parts", []):
            if p.get("number") == key:
                return OffenceRef(
                    part=key,
                    category=p.get("category"),
                    repealed=bool(entry.get("repealed") or p.get("repealed")),
                    guilt=p.get("guilt"),
                    max_imprisonment_years=p.get("max_imprisonment_years"),
                    life_imprisonment=bool(p.get("life_imprisonment")),
                    sanction=p.get("sanction"),
                    penalties=p.get("penalties"),
                    data=p,
                    **common,
                )
        numbered = [p for p in parts if p is not None]
        if numbered:
            have = f"parts: {', '.join(numbered)}"
        elif entry.get("repealed"):
            have = "the article is repealed"
        else:
            have = "the article has no numbered parts; look it up without a part"
        raise PartNotFoundError(
            f"{self.code_id}: article {entry['number']} ({entry['title']}) has no part {key} "
            f"({have})"
        )


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def _fail(origin: str, where: str, problem: str) -> CatalogueFormatError:
    """Build a format error naming the file, the place in it and the problem."""
    return CatalogueFormatError(f"{origin}: {where}: {problem}")


def validate_catalogue(data: Any, origin: str = "<catalogue>") -> None:
    """Check that ``data`` is a catalogue in the documented format.

    Raises :class:`CatalogueFormatError` naming ``origin``, the offending entry (article number
    or index) and the problem. Checks the header (``code_id``, ``source``, ``article_count``,
    ``complete``), that every article has a canonical number, a title, a known part of the code
    and unique, canonical part numbers, that numbers are unique and in order, that categories
    and forms of guilt are known values, that an article's category is the most serious of its
    parts, and that ``article_count`` matches.
    """
    if not isinstance(data, dict):
        raise _fail(origin, "top level", "expected an object with 'header' and 'articles'")
    header = data.get("header")
    if not isinstance(header, dict):
        raise _fail(origin, "header", "missing or not an object")
    code_id = header.get("code_id")
    if not isinstance(code_id, str) or not code_id:
        raise _fail(origin, "header.code_id", "missing or not a string")
    version = header.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise _fail(origin, "header.format_version", f"unsupported version {version!r}")
    source = header.get("source")
    if not isinstance(source, dict) or not source.get("title"):
        raise _fail(origin, "header.source", "missing, or without a 'title'")
    if not isinstance(header.get("complete"), bool):
        raise _fail(origin, "header.complete", "missing or not true/false")
    articles = data.get("articles")
    if not isinstance(articles, list):
        raise _fail(origin, "articles", "missing or not a list")
    count = header.get("article_count")
    if not isinstance(count, int) or isinstance(count, bool):
        raise _fail(origin, "header.article_count", "missing or not an integer")
    if count != len(articles):
        raise _fail(
            origin, "header.article_count", f"says {count} but the file lists {len(articles)}"
        )
    seen: dict[str, int] = {}
    prev_key: tuple[int, int] | None = None
    for index, art in enumerate(articles):
        _validate_article(art, index, origin, seen)
        key = _number_key(art["number"])
        if prev_key is not None and key < prev_key:
            raise _fail(origin, f"article {art['number']}", "out of order")
        prev_key = key


def _validate_article(art: Any, index: int, origin: str, seen: dict[str, int]) -> None:
    """Validate one article entry (see :func:`validate_catalogue`)."""
    where = f"articles[{index}]"
    if not isinstance(art, dict):
        raise _fail(origin, where, "not an object")
    number = art.get("number")
    if not isinstance(number, str) or not _NUMBER_RE.match(number):
        raise _fail(origin, where, f"bad article number {number!r} (expected e.g. '122', '152-1')")
    where = f"article {number}"
    canonical = normalize_article_number(number)
    if canonical != number:
        raise _fail(origin, where, f"number not canonical (use {canonical!r})")
    if number in seen:
        raise _fail(origin, where, f"duplicate (also articles[{seen[number]}])")
    seen[number] = index
    title = art.get("title")
    if not isinstance(title, str) or not (title.strip() or art.get("repealed")):
        raise _fail(origin, where, "missing title")
    poc = art.get("part_of_code")
    if poc is not None and poc not in PARTS_OF_CODE:
        raise _fail(origin, where, f"part_of_code {poc!r} not one of {sorted(PARTS_OF_CODE)}")
    if "repealed" in art and not isinstance(art["repealed"], bool):
        raise _fail(origin, where, "'repealed' must be true or false")
    category = art.get("category")
    if category is not None and category not in CATEGORIES:
        raise _fail(origin, where, f"unknown category {category!r} (one of {list(CATEGORIES)})")
    parts = art.get("parts", [])
    if not isinstance(parts, list):
        raise _fail(origin, where, "'parts' must be a list")
    part_numbers: set[str | None] = set()
    for p_index, part in enumerate(parts):
        p_where = f"{where}, parts[{p_index}]"
        if not isinstance(part, dict):
            raise _fail(origin, p_where, "not an object")
        p_number = part.get("number")
        if p_number is not None and (
            not isinstance(p_number, str) or not _NUMBER_RE.match(p_number)
        ):
            raise _fail(origin, p_where, f"bad part number {p_number!r}")
        if p_number in part_numbers:
            raise _fail(origin, p_where, f"duplicate part {p_number!r}")
        part_numbers.add(p_number)
        p_category = part.get("category")
        if p_category is not None and p_category not in CATEGORIES:
            raise _fail(origin, p_where, f"unknown category {p_category!r}")
        guilt = part.get("guilt")
        if guilt is not None and guilt not in GUILT_VALUES:
            raise _fail(origin, p_where, f"unknown guilt {guilt!r}")
    if category is not None:
        expected = most_serious(p.get("category") for p in parts)
        if expected is not None and expected != category:
            raise _fail(
                origin,
                where,
                f"category {category!r} is not the most serious of its parts ({expected!r})",
            )


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[str, Catalogue] = {}
_registered: dict[str, Catalogue] = {}


def load_catalogue_file(path: str | Path, code_id: str | None = None) -> Catalogue:
    """Load and validate a catalogue file in the bundled format.

    ``code_id``, when given, must match the file's ``header.code_id``. Raises
    :class:`CatalogueFormatError` (naming the file and the problem) for unreadable JSON or a
    file that does not follow the format, and :class:`FileNotFoundError` when it is missing.
    """
    path = Path(path)
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(origin, "file", f"not UTF-8 text ({exc.reason})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise _fail(origin, where, f"invalid JSON: {exc.msg}") from None
    validate_catalogue(data, origin)
    if code_id is not None and data["header"]["code_id"] != code_id:
        raise _fail(
            origin,
            "header.code_id",
            f"is {data['header']['code_id']!r}, expected {code_id!r}",
        )
    return Catalogue(data, origin)


def load_catalogue(code_id: str) -> Catalogue:
    """Return the catalogue of ``code_id`` (a registered one first, else the bundled file).

    Raises :class:`UnknownCodeError` for a code without a catalogue. Catalogues are cached.
    """
    with _lock:
        if code_id in _registered:
            return _registered[code_id]
        if code_id in _cache:
            return _cache[code_id]
    if code_id not in CODE_IDS:
        raise UnknownCodeError(
            f"no catalogue for code {code_id!r}; known codes: {', '.join(CODE_IDS)}"
        )
    catalogue = load_catalogue_file(DATA_DIR / f"{code_id}.json", code_id=code_id)
    with _lock:
        return _cache.setdefault(code_id, catalogue)


def register_catalogue(catalogue: Catalogue, code_id: str | None = None) -> None:
    """Use ``catalogue`` for its code (e.g. a full 1997 catalogue loaded from a file).

    ``code_id`` defaults to the catalogue's own; it must not contradict it.
    """
    code = code_id or catalogue.code_id
    if code != catalogue.code_id:
        raise CatalogueError(f"catalogue is for {catalogue.code_id!r}, not {code!r}")
    with _lock:
        _registered[code] = catalogue


def unregister_catalogue(code_id: str) -> None:
    """Forget a catalogue installed with :func:`register_catalogue` (no error if none)."""
    with _lock:
        _registered.pop(code_id, None)


def lookup(code_id: str, article: str | int, part: str | int | None = None) -> OffenceRef:
    """Look up an article (or one of its parts) of a code: title, category, sanction.

    ``lookup("kg-cc-2021", "205", part="4")`` returns theft under aggravating circumstances with
    category ``"grave"``. Raises :class:`UnknownCodeError`, :class:`ArticleNotFoundError` or
    :class:`PartNotFoundError`; their messages name the code and the article.
    """
    return load_catalogue(code_id).lookup(article, part)
