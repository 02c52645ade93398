#!/usr/bin/env python3
"""Build the offence catalogues of the Kyrgyz Criminal Code 2021 and Code of Offences 2021.

The script reads the Russian texts of the two codes exported from the official legal database
(reference data kept outside the repository, by default in ``../shared/legal-texts`` relative to
the repository root) and writes two derived catalogues into ``src/icjis/legal/catalogues/``:

* ``kg-cc-2021.json`` - every article of the Criminal Code of 28.10.2021 No. 127: number, title,
  section and chapter, ``part_of_code`` (general/special), and for Special Part articles every
  numbered part with a summary of its sanction and its crime category under CC art. 19;
* ``kg-coo-2021.json`` - every article of the Code of Offences of 28.10.2021 No. 128: number,
  title, section and chapter, and for Special Part articles every part with a summary of its
  penalties (fines in calculation units, community work hours, arrest days, ...).

Only numbers, titles and derived facts are written; the text of the codes is never copied.

Crime categories (CC 2021 art. 19(2)) are derived from the maximum term of imprisonment of the
sanction of each part:

* no imprisonment in the sanction                    -> ``minor_gravity``
* intentional, max <= 5 years; negligent, max <= 10  -> ``less_grave``
* intentional, 5 < max <= 10 years                   -> ``grave``
* intentional, max > 10 years or life imprisonment   -> ``especially_grave``

The 2021 text states imprisonment directly in years and months (art. 67(2): 6 months to
15 years; art. 68: life imprisonment); the words "категория" / "категории наказания" do not
occur in it, so no table of punishment categories is needed. Fines are stated in calculation
units ("расчетные показатели", art. 65: 200-2000, or 3000-25000 for arts. 225, 238, 239,
240(2)-(4)). The maximum of each part is read from its own sanction.

Form of guilt (CC arts. 29(3), 30, 31): a part is negligent when the article title names
negligence, when the act is negligent by its wording ("в силу легкомыслия или небрежности",
"совершенное по неосторожности"), or when it is a breach of rules ("Умышленное или неосторожное
нарушение правил ...", "Нарушение правил ...") that becomes a crime only through harm caused by
negligence. An intentional act whose harm is caused by negligence stays intentional, and a part
that refers to an earlier one ("То же деяние, повлекшее ...") keeps that part's guilt. Harm
caused "умышленно либо по неосторожности" is read as intentional (the more serious reading).
``GUILT_OVERRIDES`` holds the few parts decided by hand, each with its reason; every part's
``guilt_basis`` says which rule applied.

Usage::

    python scripts/build_offence_catalogues.py [TEXTS_DIR] [--out DIR] [--generated-on DATE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEXTS_DIR = REPO_ROOT.parent / "shared" / "legal-texts"
DEFAULT_OUT_DIR = REPO_ROOT / "src" / "icjis" / "legal" / "catalogues"
SCRIPT_NAME = "scripts/build_offence_catalogues.py"
FORMAT_VERSION = 1

CC_FILE = "kg-criminal-code-2021.txt"
COO_FILE = "kg-code-of-offences-2021.txt"

CATEGORY_ORDER = ("minor_gravity", "less_grave", "grave", "especially_grave")

# ---------------------------------------------------------------------------------------------
# Hand decisions on the form of guilt (CC art. 29(3), 30, 31). Key: (article, part or None).
# Only parts where the form of guilt changes the category (maximum above 5 years) matter; the
# reasons are kept in the catalogue so that a reviewer can check them.
# ---------------------------------------------------------------------------------------------
GUILT_OVERRIDES: dict[tuple[str, str | None], tuple[str, str]] = {
    ("395", None): (
        "negligent",
        "hand decision: breach of service rules whose harm is caused by negligence, as arts. "
        "394 and 396 (the wording puts the subject between 'Нарушение' and 'правил')",
    ),
    ("141", "3"): (
        "intentional",
        "hand decision: the aggravating features (deception, aim of trading in organs, use of "
        "official position) presuppose intent, unlike parts 1-2",
    ),
}

MONTHS = {
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}

NUMBER_WORDS = {
    "один": 1, "одного": 1, "одной": 1, "одну": 1, "одна": 1,
    "два": 2, "двух": 2, "две": 2, "трое": 3, "три": 3, "трех": 3, "трёх": 3,
    "четыре": 4, "четырех": 4, "четырёх": 4, "пять": 5, "пяти": 5,
    "шесть": 6, "шести": 6, "семь": 7, "семи": 7, "восемь": 8, "восьми": 8,
    "девять": 9, "девяти": 9, "десять": 10, "десяти": 10,
    "одиннадцать": 11, "одиннадцати": 11, "двенадцать": 12, "двенадцати": 12,
    "тринадцать": 13, "тринадцати": 13, "четырнадцать": 14, "четырнадцати": 14,
    "пятнадцать": 15, "пятнадцати": 15, "шестнадцать": 16, "шестнадцати": 16,
    "семнадцать": 17, "семнадцати": 17, "восемнадцать": 18, "восемнадцати": 18,
    "девятнадцать": 19, "девятнадцати": 19, "двадцать": 20, "двадцати": 20,
    "тридцать": 30, "тридцати": 30, "сорок": 40, "сорока": 40,
    "пятьдесят": 50, "пятидесяти": 50, "шестьдесят": 60, "шестидесяти": 60,
    "семьдесят": 70, "семидесяти": 70, "восемьдесят": 80, "восьмидесяти": 80,
    "девяносто": 90, "девяноста": 90, "сто": 100, "ста": 100,
    "двести": 200, "двухсот": 200, "триста": 300, "трехсот": 300, "трёхсот": 300,
    "четыреста": 400, "четырехсот": 400, "пятьсот": 500, "пятисот": 500,
}  # fmt: skip

_NUM_WORD_RE = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# A quantity: digits (possibly with thousands separated by a space) or number words.
QTY = rf"(?:\d[\d ]*\d|\d|(?:(?:{_NUM_WORD_RE})\s+)*(?:{_NUM_WORD_RE}))"
UNIT = r"(?:лет|года|год|месяцев|месяца|месяц|часов|часа|час|суток|дней|дня|день)"


class CatalogueBuildError(RuntimeError):
    """Raised when a text cannot be parsed into a consistent catalogue."""


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def parse_quantity(text: str) -> int:
    """Return the integer written in ``text`` in digits or Russian number words."""
    text = text.strip()
    if re.fullmatch(r"[\d ]+", text):
        return int(text.replace(" ", ""))
    total = 0
    for word in text.split():
        total += NUMBER_WORDS[word.lower()]
    return total


def unit_factor(unit: str, base: str) -> float:
    """Return how many ``base`` units (months, hours or days) one ``unit`` is worth."""
    unit = unit.lower()
    if base == "months":
        if unit.startswith(("лет", "год")):
            return 12
        if unit.startswith("месяц"):
            return 1
    if base == "hours" and unit.startswith("час"):
        return 1
    if base == "days" and unit.startswith(("сут", "дн", "день")):
        return 1
    raise CatalogueBuildError(f"unit {unit!r} cannot be expressed in {base}")


TERM_RE = re.compile(
    rf"(?:(?:на\s+срок|сроком|продолжительностью)\s+)?(?:на\s+)?"
    rf"(?:от\s+(?P<lo>{QTY})\s*(?P<lo_unit>{UNIT})?\s+)?"
    rf"(?:(?P<upto>до)\s+)?(?P<hi>{QTY})\s*(?P<hi_unit>{UNIT})",
    re.IGNORECASE,
)


def parse_term(window: str, base: str) -> dict[str, float | None] | None:
    """Find the first term ("от X до Y лет", "до Y", "на Y часов") in ``window``.

    Returns ``{"min": ..., "max": ...}`` in ``base`` units (``min`` is None when the sanction
    states only a maximum) or None when no term is written.
    """
    m = TERM_RE.search(window)
    if not m:
        return None
    hi_unit = m.group("hi_unit")
    try:
        hi = parse_quantity(m.group("hi")) * unit_factor(hi_unit, base)
    except (CatalogueBuildError, KeyError):
        return None
    lo: float | None = None
    if m.group("lo"):
        lo_unit = m.group("lo_unit") or hi_unit
        lo = parse_quantity(m.group("lo")) * unit_factor(lo_unit, base)
    elif not m.group("upto"):
        lo = hi  # a fixed term: "на 40 часов", "сроком на пятнадцать лет"
    return {"min": _num(lo), "max": _num(hi)}


def _num(value: float | None) -> float | int | None:
    """Return ``value`` as an int when it is whole (JSON stays tidy)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 3)


def join_wrapped(lines: list[str]) -> str:
    """Join lines wrapped by the export; a line ending in a hyphen joins without a space."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out.endswith(("-", "‑")) and len(out) > 1 and out[-2].isalpha() and line[0].isalpha():
            out += line
        else:
            out = f"{out} {line}" if out else line
    return norm_space(out)


def norm_space(text: str) -> str:
    """Collapse whitespace (line breaks of the export) into single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u00ad", "")).strip()


def number_key(number: str) -> tuple[int, int]:
    """Sort key of an article or part number such as "122" or "152-1"."""
    base, _, suffix = number.partition("-")
    return int(base), int(suffix or 0)


SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


# ---------------------------------------------------------------------------------------------
# Structure of the text
# ---------------------------------------------------------------------------------------------


@dataclass
class RawPart:
    """A numbered part (paragraph "1.", "2." ...) of an article, as lines of text."""

    number: str | None
    lines: list[str] = field(default_factory=list)


@dataclass
class RawArticle:
    """An article as found in the text: header data and body lines."""

    number: str
    title: str
    part_of_code: str
    section: dict[str, str] | None
    chapter: dict[str, str] | None
    line_no: int
    body: list[str] = field(default_factory=list)


ARTICLE_RE = re.compile(
    r"^\s*Статья\s*(?P<num>[0-9З]+(?:\s*[-‑]\s*[0-9]+)?[¹²³⁴⁵⁶⁷⁸⁹⁰]*)\s*\.\s*(?P<rest>.*)$"
)
CHAPTER_RE = re.compile(r"^\s*Глава\s+(?P<num>\d+(?:\s*-\s*\d+)?)\s*\.\s*(?P<rest>.*)$")
SECTION_RE = re.compile(r"^\s*РАЗДЕЛ\s+(?P<num>[IVXLC]+)\s*$")
PART_OF_CODE_RE = re.compile(r"^\s*(ОБЩАЯ|ОСОБЕННАЯ|ПРОЦЕССУАЛЬНАЯ)\s+ЧАСТЬ\s*$")
END_RE = re.compile(r"^\s*Президент\s*$")
AMENDMENT_NOTE_RE = re.compile(r"^\s*\(\s*(В\s+редакции|Наименовани|Утратил)", re.IGNORECASE)
EDITORIAL_NOTE_RE = re.compile(r"^\s*\(\s*(В\s+редакции|Наименовани)", re.IGNORECASE)
PARTS_OF_CODE = {"ОБЩАЯ": "general", "ОСОБЕННАЯ": "special", "ПРОЦЕССУАЛЬНАЯ": "procedural"}

# Words that cannot end an article title: when a title line ends with one of them, the title
# continues on the next line even if that line starts with a capital letter.
DANGLING_WORDS = {
    "в", "во", "и", "или", "либо", "а", "о", "об", "по", "с", "со", "к", "ко", "на", "для",
    "за", "от", "из", "при", "через", "без", "над", "под", "между", "также", "равно",
    "кыргызской", "кыргызскую", "кыргызская", "государственной", "красного",
}  # fmt: skip
CONTINUATION_STARTS = ("Кыргызской", "Кыргызскую", "Республики", "Республике", "Республика")


def resolve_number(raw: str, prev_base: int | None) -> str | None:
    """Turn a raw article/chapter number into its canonical form using the running sequence.

    The export loses superscripts, so "Статья 1521" is article 152-1. A number is read as
    ``prev_base`` + suffix when it starts with the previous base number and is not simply the
    next number. Returns None when the number does not fit the sequence at all (then the line is
    not a header but a line of text).
    """
    raw = raw.replace("З", "3").translate(SUPERSCRIPTS)
    raw = re.sub(r"\s+", "", raw).replace("‑", "-")
    if "-" in raw:
        base, suffix = raw.split("-", 1)
        return f"{int(base)}-{int(suffix)}"
    if prev_base is None:
        return str(int(raw))
    value = int(raw)
    if value == prev_base + 1:
        return raw
    prev = str(prev_base)
    if raw.startswith(prev) and len(raw) > len(prev):
        return f"{prev}-{int(raw[len(prev) :])}"
    nxt = str(prev_base + 1)
    if raw.startswith(nxt) and len(raw) > len(nxt):
        return f"{nxt}-{int(raw[len(nxt) :])}"
    if prev_base + 1 < value <= prev_base + 3:
        return raw  # a gap in the numbering; reported by the consistency check
    return None


def read_lines(path: Path) -> list[str]:
    """Read a text file exported from the legal database as a list of lines."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\u00a0", " ")
    return text.split("\n")


def _title_continues(title_line: str, nxt: str, following: str | None = None) -> bool:
    """Decide whether ``nxt`` continues the title whose last line is ``title_line``.

    ``following`` is the line after ``nxt`` (None at the end of the text).
    """
    s = nxt.strip()
    if not s:
        return False
    if ARTICLE_RE.match(nxt) or CHAPTER_RE.match(nxt) or SECTION_RE.match(nxt):
        return False
    if AMENDMENT_NOTE_RE.match(nxt) or re.match(r"^\d+\s*[.)]", s):
        return False
    if s[0].islower() or re.match(r"^\([а-яё]", s):
        return True
    if following is not None and re.match(r"^\s*(1\s*\.|\(\s*Наименовани)", following):
        # the body starts on the line after: a short capitalised line is the title's tail
        if len(s) < 60 and not s.endswith(("–", "-", ":", ".")):
            return True
    last_word = title_line.strip().rstrip(",").split()[-1].lower() if title_line.strip() else ""
    if title_line.rstrip().endswith((",", "-", "‑")) or last_word in DANGLING_WORDS:
        return True
    return s.startswith(CONTINUATION_STARTS) and not s.endswith(("–", "-", ":"))


def split_articles(lines: list[str]) -> tuple[list[RawArticle], list[str]]:
    """Split a code's text into articles with their section, chapter and part of the code.

    Returns the articles and the header lines before the first division (for the source data).
    """
    articles: list[RawArticle] = []
    part_of_code = "general"
    section: dict[str, str] | None = None
    chapter: dict[str, str] | None = None
    prev_base: int | None = None
    prev_chapter: int | None = None
    preamble: list[str] = []
    started = False
    i = 0
    n = len(lines)
    current: RawArticle | None = None
    while i < n:
        line = lines[i]
        if END_RE.match(line) and started:
            break
        m_poc = PART_OF_CODE_RE.match(line)
        if m_poc:
            started = True
            part_of_code = PARTS_OF_CODE[m_poc.group(1)]
            current = None
            i += 1
            continue
        if not started:
            preamble.append(line)
            i += 1
            continue
        m_sec = SECTION_RE.match(line)
        if m_sec:
            title_lines = []
            j = i + 1
            while j < n and lines[j].strip() and not CHAPTER_RE.match(lines[j]):
                if ARTICLE_RE.match(lines[j]):
                    break
                if lines[j].strip().isupper() or not title_lines:
                    title_lines.append(lines[j].strip())
                    j += 1
                else:
                    break
            section = {"number": m_sec.group("num"), "title": join_wrapped(title_lines)}
            current = None
            i = j
            continue
        m_ch = CHAPTER_RE.match(line)
        if m_ch:
            number = resolve_number(m_ch.group("num"), prev_chapter)
            if number is not None:
                prev_chapter = number_key(number)[0]
                title_lines = [m_ch.group("rest")]
                j = i + 1
                while j < n and not (
                    ARTICLE_RE.match(lines[j])
                    or SECTION_RE.match(lines[j])
                    or CHAPTER_RE.match(lines[j])
                    or AMENDMENT_NOTE_RE.match(lines[j])
                ):
                    title_lines.append(lines[j])
                    j += 1
                chapter = {"number": number, "title": join_wrapped(title_lines).rstrip(".")}
                current = None
                i = j
                continue
        m_art = ARTICLE_RE.match(line)
        if m_art:
            number = resolve_number(m_art.group("num"), prev_base)
            if number is not None:
                prev_base = number_key(number)[0]
                title_lines = [m_art.group("rest").strip()]
                j = i + 1
                while j < n and _title_continues(
                    title_lines[-1], lines[j], lines[j + 1] if j + 1 < n else None
                ):
                    title_lines.append(lines[j].strip())
                    j += 1
                title = join_wrapped(title_lines).rstrip(".").strip()
                current = RawArticle(
                    number=number,
                    title=title,
                    part_of_code=part_of_code,
                    section=section,
                    chapter=chapter,
                    line_no=i + 1,
                )
                articles.append(current)
                i = j
                continue
        if current is not None:
            current.body.append(line)
        i += 1
    return articles, preamble


PART_RE = re.compile(r"^\s*(?P<num>\d+)(?:\s*-\s*(?P<suf>\d+))?\s*\.\s*(?P<rest>\S.*)?$")
PART_NO_DOT_RE = re.compile(r"^\s*(?P<num>\d+)\s+(?P<rest>[А-ЯЁ(].*)$")
NOTE_RE = re.compile(r"^\s*Примечани[ея]")


def split_parts(body: list[str]) -> tuple[list[RawPart], bool, list[str]]:
    """Split an article body into numbered parts.

    Returns the parts, whether the article is repealed, and the lines of its notes
    ("Примечание"), which are not parts; for a repealed article, the repeal note instead.
    Editorial notes "(В редакции ...)" and "(Наименование ...)" are skipped.
    """
    cleaned: list[str] = []
    depth = 0
    merge = False  # True: continuation lines of a kept note; False: of a skipped note
    for line in body:
        if depth > 0:
            if merge:
                cleaned[-1] += " " + line.strip()
            depth = max(0, depth + line.count("(") - line.count(")"))
            continue
        if EDITORIAL_NOTE_RE.match(line):
            depth, merge = max(0, line.count("(") - line.count(")")), False
            continue
        cleaned.append(line)
        if re.search(r"\(\s*утратил", line, re.IGNORECASE):
            # "(Утратила силу ...)" or "3. (Утратил силу ...)": keep it on one line
            depth, merge = max(0, line.count("(") - line.count(")")), True
    text_lines = [ln for ln in cleaned if ln.strip()]
    if text_lines and re.match(r"^\s*\(\s*утратил", text_lines[0], re.IGNORECASE):
        rest = [ln for ln in text_lines[1:] if ln.strip()]
        if not rest:
            return [], True, [text_lines[0]]

    parts: list[RawPart] = []
    notes: list[str] = []
    prev_base = 0
    prev_suffix = 0
    in_notes = False
    for line in text_lines:
        if in_notes:
            notes.append(line)
            continue
        if NOTE_RE.match(line):
            in_notes = True
            notes.append(line)
            continue
        number = _part_number(line, prev_base, prev_suffix)
        if number is not None:
            base, suffix = number_key(number)
            prev_base, prev_suffix = base, suffix
            parts.append(RawPart(number=number, lines=[_strip_part_number(line)]))
            continue
        if not parts:
            parts.append(RawPart(number=None, lines=[]))
        parts[-1].lines.append(line)
    return parts, False, notes


def _part_number(line: str, prev_base: int, prev_suffix: int) -> str | None:
    """Return the part number that ``line`` starts, if it fits the running sequence."""
    m = PART_RE.match(line)
    if m:
        raw, suf = m.group("num"), m.group("suf")
        if suf is not None:
            if int(raw) in (prev_base, prev_base + 1):
                return f"{int(raw)}-{int(suf)}"
            return None
        if int(raw) == prev_base + 1:
            return raw
        prev = str(prev_base)
        if prev_base and raw.startswith(prev) and len(raw) > len(prev):
            suffix = int(raw[len(prev) :])
            if suffix == prev_suffix + 1:
                return f"{prev}-{suffix}"
        return None
    m = PART_NO_DOT_RE.match(line)
    if m and int(m.group("num")) == prev_base + 1 and prev_base > 0:
        return m.group("num")
    return None


def _strip_part_number(line: str) -> str:
    """Remove the leading part number from a line."""
    m = PART_RE.match(line)
    if m:
        return m.group("rest") or ""
    m = PART_NO_DOT_RE.match(line)
    return m.group("rest") if m else line


# ---------------------------------------------------------------------------------------------
# Criminal Code sanctions
# ---------------------------------------------------------------------------------------------

CC_KINDS = [
    # (kind, regex). Order matters only for overlapping matches (life before imprisonment).
    ("life_imprisonment", r"пожизненн\w*\s+лишени\w*\s+свободы"),
    ("imprisonment", r"лишени\w*\s+свободы"),
    (
        "disciplinary_military_unit",
        r"(?:содержани\w*\s+в\s+дисциплинарной|направлени\w*\s+в\s+дисциплинарную)\s+"
        r"воинск\w*\s+част\w*",
    ),
    ("community_work", r"общественн\w*\s+работ\w*"),
    ("correctional_work", r"исправительн\w*\s+работ\w*"),
    ("restriction_of_liberty", r"ограничени\w*\s+свободы"),
    ("deprivation_of_right", r"лишени\w*\s+права"),
    ("fine", r"штраф\w*"),
    ("confiscation", r"конфискаци\w*"),
    ("expulsion", r"выдворени\w*"),
    ("deprivation_of_title", r"лишени\w*\s+(?:специального|воинского|почетного)\s+звани\w*"),
]
TERM_BASE = {
    "imprisonment": "months",
    "disciplinary_military_unit": "months",
    "community_work": "hours",
    "correctional_work": "months",
    "restriction_of_liberty": "months",
    "deprivation_of_right": "months",
}
# "наказывается"; art. 240-1 of the CC uses the Code of Offences wording "влекут наложение".
# "занимать определенные должности или заниматься определенной деятельностью": the "или" in
# the object of this punishment is not an alternative punishment.
DEPRIVATION_OBJECT_RE = re.compile(
    r"(?:занимать\s+определенн\w*\s+должност\w*|заниматься\s+определенн\w*\s+деятельност\w*)"
    r"(?:\s*,?\s*(?:или|либо)?\s*(?:занимать\s+определенн\w*\s+должност\w*|заниматься\s+"
    r"определенн\w*\s+деятельност\w*))*",
    re.IGNORECASE,
)
SANCTION_START_RE = re.compile(r"наказыва(?:ется|ются|ет)|влеч[её]т|влекут", re.IGNORECASE)
FINE_RE = re.compile(
    rf"(?:от\s+(?P<lo>{QTY})\s+)?(?:до\s+)?(?P<hi>{QTY})\s+расчетн\w*\s+показател\w*"
    rf"|от\s+(?P<lo2>\d+)\s+до\s+(?P<hi2>\d+)\b",  # art. 396(2) omits the unit
    re.IGNORECASE,
)


def find_kinds(sanction: str, kinds: list[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """Locate the punishment keywords in a sanction; returns (kind, start, end) in order."""
    found: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in kinds:
        for m in re.finditer(pattern, sanction, re.IGNORECASE):
            if any(a <= m.start() < b for a, b in taken):
                continue
            found.append((kind, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda t: t[1])
    return found


def lifetime_ban(article: str, part: str | None) -> bool:
    """CC art. 63(2-1): the ban on public office is compulsory and lifelong for corruption.

    Applies to arts. 336-343, parts 2-4 of art. 344, parts 2-3 of art. 345 and arts. 346-348.
    """
    base = number_key(article)[0]
    if 336 <= base <= 343 or 346 <= base <= 348:
        return True
    return (base == 344 and part in ("2", "3", "4")) or (base == 345 and part in ("2", "3"))


def summarise_cc_sanction(sanction: str) -> dict[str, Any]:
    """Summarise a CC sanction: main and additional punishments with their limits."""
    hits = find_kinds(sanction, CC_KINDS)
    main: list[str] = []
    additional: list[str] = []
    terms: dict[str, dict[str, Any]] = {}
    fine: dict[str, Any] | None = None
    for idx, (kind, start, end) in enumerate(hits):
        nxt = hits[idx + 1][1] if idx + 1 < len(hits) else len(sanction)
        window = sanction[end:nxt]
        before = sanction[max(0, start - 4) : start].lower()
        is_additional = kind in ("confiscation", "expulsion", "deprivation_of_title") or (
            re.search(r"(?:^|\s)(?:с|со)\s*$", before) is not None
        )
        target = additional if is_additional else main
        if kind not in target:
            target.append(kind)
        if kind in TERM_BASE:
            if kind == "deprivation_of_right":
                window = DEPRIVATION_OBJECT_RE.sub(" ", window)
            term = parse_term(_first_clause(window), TERM_BASE[kind])
            if term is not None:
                key = f"{kind}{'_additional' if is_additional else ''}"
                terms[key] = _merge_range(terms.get(key), term)
        if kind == "fine":
            m = FINE_RE.search(_first_clause(window, allow_comma=True))
            if m:
                lo_s = m.group("lo") or m.group("lo2")
                lo = parse_quantity(lo_s) if lo_s else None
                hi = parse_quantity(m.group("hi") or m.group("hi2"))
                if lo is None and not re.search(r"\bдо\s", m.group(0)):
                    lo = hi
                fine = _merge_range(fine, {"min": lo, "max": hi})
    summary: dict[str, Any] = {"main": main, "additional": additional}
    imp = terms.get("imprisonment")
    summary["imprisonment_months"] = imp
    summary["life_imprisonment"] = "life_imprisonment" in main
    if fine:
        summary["fine_calculation_units"] = fine
    for kind, unit in (
        ("community_work", "hours"),
        ("correctional_work", "months"),
        ("restriction_of_liberty", "months"),
        ("deprivation_of_right", "months"),
        ("disciplinary_military_unit", "months"),
    ):
        if kind in terms:
            summary[f"{kind}_{unit}"] = terms[kind]
    if "deprivation_of_right_additional" in terms:
        summary["deprivation_of_right_additional_months"] = terms["deprivation_of_right_additional"]
    return summary


def _first_clause(window: str, allow_comma: bool = False) -> str:
    """Cut a window after a punishment keyword at the next alternative ("или", "либо")."""
    cut = re.split(r"\s(?:или|либо)\s|;", window, maxsplit=1)[0]
    if not allow_comma:
        cut = cut.split(",")[0]
    return cut


def _merge_range(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Merge two ranges, keeping the lowest minimum and the highest maximum."""
    if old is None:
        return dict(new)
    mins = [v for v in (old.get("min"), new.get("min")) if v is not None]
    return {"min": min(mins) if mins else None, "max": max(old["max"], new["max"])}


def category_for(summary: dict[str, Any] | None, guilt: str) -> str | None:
    """Apply CC art. 19(2) to a sanction summary and a form of guilt."""
    if summary is None:
        return None
    if summary.get("life_imprisonment"):
        return "especially_grave"
    imp = summary.get("imprisonment_months")
    if "imprisonment" not in summary["main"]:
        return "minor_gravity"
    if imp is None:
        raise CatalogueBuildError("imprisonment without a term")
    years = imp["max"] / 12
    if guilt == "negligent":
        if years <= 10:
            return "less_grave"
        # Art. 19 names no category for a negligent crime punishable by more than 10 years.
        return "especially_grave"
    if years <= 5:
        return "less_grave"
    if years <= 10:
        return "grave"
    return "especially_grave"


NEGLIGENCE_RE = re.compile(r"неосторожн", re.IGNORECASE)
INTENT_RE = re.compile(r"умышленн", re.IGNORECASE)
# A part that builds on another ("То же деяние", "Деяния, предусмотренные частью 1 ...").
REFERENCE_RE = re.compile(
    r"^(?:То\s+же|Те\s+же|Деяни[ея],?\s+предусмотренн\w*|Деяние,\s+предусмотренное)",
    re.IGNORECASE,
)
REFERENCED_PART_RE = re.compile(r"част(?:ью|ями|и)\s+(\d+)")
# The act itself is negligent ("в силу легкомыслия или небрежности", "совершенное по
# неосторожности", "Причинение ... по неосторожности", "Неосторожное ...").
NEGLIGENT_ACT_RE = re.compile(
    r"легкомысли\w*\s+(?:или|либо)\s+небрежност|совершенн\w*\s+по\s+неосторожности"
    r"|^Неосторожн|^Причинение\s+[^,–-]*по\s+неосторожности",
    re.IGNORECASE,
)
# Harm that may be caused either intentionally or by negligence: the intentional reading wins.
EITHER_HARM_RE = re.compile(r"умышленно\s+(?:либо|или)\s+по\s+неосторожности", re.IGNORECASE)
# The consequence that makes the act a crime is caused by negligence.
NEGLIGENT_HARM_RE = re.compile(
    r"(?:повлек|причинивш|причинил|повлекл)\w*\s+(?:\S+\s+){0,2}?по\s+неосторожности"
    r"|по\s+неосторожности\s+(?:повлек|причинил|причинивш)\w*",
    re.IGNORECASE,
)


# The rule itself may be broken either intentionally or by negligence.
EITHER_VIOLATION_RE = re.compile(
    r"умышленн\w*\s+(?:или|либо)\s+неосторожн\w*|^Нарушение\s+(?:\S+\s+){0,3}?правил",
    re.IGNORECASE,
)


def basic_guilt(disposition: str) -> tuple[str, str]:
    """Form of guilt of a self-contained disposition (CC arts. 29(3), 30, 31).

    Negligent when the act is negligent by its wording ("в силу легкомыслия или небрежности",
    "совершенное по неосторожности"), or when the disposition is a breach of rules that may be
    intentional or negligent and the harm that makes it a crime is caused by negligence
    ("Умышленное или неосторожное нарушение правил ..., повлекшее по неосторожности ...": the
    consequence decides, as for traffic offences). An intentional act whose constitutive harm is
    caused by negligence (e.g. "Передача ... сведений ..., повлекшие по неосторожности тяжкий
    вред") stays intentional, as does harm caused "умышленно либо по неосторожности".
    """
    if NEGLIGENT_ACT_RE.search(disposition):
        return "negligent", "the act is negligent by its wording (CC art. 31)"
    if EITHER_HARM_RE.search(disposition):
        return "intentional", "harm intentional or negligent: intentional reading kept"
    if NEGLIGENT_HARM_RE.search(disposition) and EITHER_VIOLATION_RE.search(disposition):
        return (
            "negligent",
            "breach of rules whose constitutive harm is caused by negligence (CC arts. 29(3), 31)",
        )
    return "intentional", "no negligence named for the act (CC art. 29(3))"


def guilt_for(
    article: RawArticle,
    part_number: str | None,
    disposition: str,
    earlier: dict[str | None, tuple[str, str]],
) -> tuple[str, str]:
    """Determine the form of guilt of a part; returns (guilt, basis).

    ``earlier`` maps the numbers of the article's earlier parts to their guilt. A part that
    builds on an earlier one ("То же деяние, повлекшее по неосторожности ...") keeps the guilt
    of the part it refers to: a qualifying consequence caused by negligence does not turn an
    intentional crime into a negligent one.
    """
    key = (article.number, part_number)
    if key in GUILT_OVERRIDES:
        return GUILT_OVERRIDES[key]
    if (article.number, None) in GUILT_OVERRIDES:
        return GUILT_OVERRIDES[(article.number, None)]
    if NEGLIGENCE_RE.search(article.title) and not INTENT_RE.search(article.title):
        return "negligent", "the article title names negligence"
    text = disposition.strip()
    if REFERENCE_RE.match(text) and earlier:
        m = REFERENCED_PART_RE.search(text[:120])
        ref = m.group(1) if m and m.group(1) in earlier else next(iter(earlier))
        guilt, _basis = earlier[ref]
        return guilt, f"as part {ref}, to which it refers"
    return basic_guilt(text)


def build_cc(lines: list[str]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Build the Criminal Code catalogue articles; returns (articles, preamble, warnings)."""
    raw_articles, preamble = split_articles(lines)
    warnings: list[str] = []
    out: list[dict[str, Any]] = []
    for art in raw_articles:
        parts, repealed, notes = split_parts(art.body)
        entry: dict[str, Any] = {
            "number": art.number,
            "title": art.title,
            "part_of_code": art.part_of_code,
            "section": art.section,
            "chapter": art.chapter,
            "repealed": repealed,
            **repeal_info(repealed, notes),
        }
        part_entries: list[dict[str, Any]] = []
        guilts: dict[str | None, tuple[str, str]] = {}
        for part in parts:
            text = norm_space(" ".join(part.lines))
            pe: dict[str, Any] = {"number": part.number}
            if re.match(r"^\(\s*утратил", text, re.IGNORECASE):
                pe["repealed"] = True
                part_entries.append(pe)
                continue
            if art.part_of_code == "special":
                m = _sanction_start(text)
                if m is None:
                    pe["sanction"] = None
                    pe["category"] = None
                    warnings.append(f"CC {art.number}({part.number}): no sanction found")
                else:
                    disposition, sanction = text[: m.start()], text[m.start() :]
                    summary = summarise_cc_sanction(sanction)
                    if lifetime_ban(art.number, part.number):
                        summary["deprivation_of_right_lifelong"] = True
                    guilt, basis = guilt_for(art, part.number, disposition, guilts)
                    guilts[part.number] = (guilt, basis)
                    pe["guilt"] = guilt
                    pe["guilt_basis"] = basis
                    pe["sanction"] = summary
                    pe["max_imprisonment_years"] = _max_years(summary)
                    pe["life_imprisonment"] = bool(summary.get("life_imprisonment"))
                    pe["category"] = category_for(summary, guilt)
                    if not summary["main"]:
                        warnings.append(f"CC {art.number}({part.number}): no punishment kind")
                    if "imprisonment" in summary["main"] and not summary["imprisonment_months"]:
                        warnings.append(f"CC {art.number}({part.number}): imprisonment w/o term")
                    if "fine" in summary["main"] and "fine_calculation_units" not in summary:
                        warnings.append(f"CC {art.number}({part.number}): fine without amount")
            part_entries.append(pe)
        entry["parts"] = part_entries
        if art.part_of_code == "special" and not repealed:
            cats = [p["category"] for p in part_entries if p.get("category")]
            entry["category"] = max(cats, key=CATEGORY_ORDER.index) if cats else None
        elif art.part_of_code == "special":
            entry["category"] = None
        out.append(entry)
    return out, preamble, warnings


def repeal_info(repealed: bool, notes: list[str]) -> dict[str, Any]:
    """The law that repealed an article ("Утратила силу ... Законом КР от ... № ..."), if any."""
    if not repealed or not notes:
        return {}
    m = DATE_RE.search(norm_space(notes[0]))
    return {"repealed_by": _law(m)} if m else {}


def _sanction_start(text: str) -> re.Match[str] | None:
    """Find where the sanction of a part begins (the "– наказывается" after the disposition)."""
    candidates = list(SANCTION_START_RE.finditer(text))
    for m in candidates:
        if re.search(r"[–\-—,]\s*$", text[max(0, m.start() - 4) : m.start()]):
            return m
    return candidates[0] if candidates else None


def _max_years(summary: dict[str, Any]) -> float | int | None:
    """Maximum fixed-term imprisonment of a sanction in years (None without imprisonment).

    Life imprisonment is reported separately (``life_imprisonment``).
    """
    imp = summary.get("imprisonment_months")
    if not imp or "imprisonment" not in summary["main"]:
        return None
    return _num(imp["max"] / 12)


# ---------------------------------------------------------------------------------------------
# Code of Offences penalties
# ---------------------------------------------------------------------------------------------

COO_SANCTION_RE = re.compile(
    r"\b(?:влеч[её]т|влекут)\s+(?=(?:наложение|предупреждение|привлечение|применение|лишение|"
    r"выдворение|штраф|арест|общественн))",
    re.IGNORECASE,
)
COO_KINDS = [
    ("warning", r"предупреждени\w*"),
    ("community_work", r"общественн\w*\s+работ\w*"),
    ("fine", r"штраф\w*|наложени\w*\s+на\s+(?=физическ|юридическ|должностн)"),
    ("deprivation_of_driving_right", r"лишени\w*\s+права\s+управлени\w*"),
    ("deprivation_of_special_right", r"лишени\w*\s+(?:специального\s+)?права"),
    ("expulsion", r"выдворени\w*"),
    ("arrest", r"арест\w*"),
    ("confiscation", r"конфискаци\w*"),
]
# Additional legal consequences attached to a penalty ("с приведением в первоначальное ...").
COO_ADDITIONAL = [
    ("restoration_to_original_state", r"приведени\w*\s+в\s+первоначальное"),
    ("temporary_seizure_of_vehicle", r"временн\w*\s+изъяти\w*\s+транспортного"),
    ("removal_of_special_markings", r"устранени\w*\s+нанесенных"),
]
SUBJECT_RE = re.compile(r"(физическ|должностн|юридическ|индивидуальн)\w*", re.IGNORECASE)
SUBJECTS = {
    "физическ": "natural_persons",
    "должностн": "officials",
    "юридическ": "legal_entities",
    "индивидуальн": "individual_entrepreneurs",
}
AMOUNT_RE = re.compile(
    r"(?:от\s+(?P<lo>\d[\d ]*\d|\d)\s+)?(?:до\s+)?(?P<hi>\d[\d ]*\d|\d)\s+"
    r"расчетн\w*\s+показател\w*",
    re.IGNORECASE,
)


def summarise_coo_sanction(sanction: str) -> dict[str, Any]:
    """Summarise the penalties of a Code of Offences part."""
    hits = find_kinds(sanction, COO_KINDS)
    kinds: list[str] = []
    summary: dict[str, Any] = {}
    for idx, (kind, _start, end) in enumerate(hits):
        nxt = hits[idx + 1][1] if idx + 1 < len(hits) else len(sanction)
        window = sanction[end:nxt]
        if kind == "fine":
            # a fine is named once but may carry amounts for several kinds of subject
            continue
        if kind not in kinds:
            kinds.append(kind)
        base = {
            "community_work": "hours",
            "arrest": "days",
            "deprivation_of_driving_right": "months",
            "deprivation_of_special_right": "months",
        }.get(kind)
        if base:
            term = parse_term(_first_clause(window), base)
            if term is not None:
                unit = {"hours": "hours", "days": "days", "months": "months"}[base]
                key = f"{kind}_{unit}"
                summary[key] = _merge_range(summary.get(key), term)
    fines = _coo_fines(sanction)
    if fines:
        kinds.insert(0 if "warning" not in kinds else 1, "fine")
        summary["fine_calculation_units"] = fines
    additional = [k for k, rx in COO_ADDITIONAL if re.search(rx, sanction, re.IGNORECASE)]
    if additional:
        summary["additional"] = additional
    return {"kinds": kinds, **summary}


def _coo_fines(sanction: str) -> list[dict[str, Any]]:
    """Extract fine amounts per kind of subject ("на физических лиц ... на юридических ...")."""
    tokens: list[tuple[int, str, Any]] = []
    for m in SUBJECT_RE.finditer(sanction):
        tokens.append((m.start(), "subject", SUBJECTS[m.group(1).lower()]))
    for m in AMOUNT_RE.finditer(sanction):
        lo = int(m.group("lo").replace(" ", "")) if m.group("lo") else None
        hi = int(m.group("hi").replace(" ", ""))
        if lo is None and not re.search(r"\bдо\s", m.group(0)):
            lo = hi
        tokens.append((m.start(), "amount", {"min": lo, "max": hi}))
    tokens.sort(key=lambda t: t[0])
    fines: dict[str, dict[str, Any]] = {}
    pending: list[str] = []
    last_subjects: list[str] = ["any"]
    for _pos, kind, value in tokens:
        if kind == "subject":
            pending.append(value)
            continue
        subjects = pending or last_subjects
        for subj in subjects:
            fines[subj] = _merge_range(fines.get(subj), value)
        last_subjects = subjects if pending else last_subjects
        pending = []
    return [{"subject": s, **r} for s, r in fines.items()]


def coo_sanction_text(text: str, starts: list[re.Match[str]]) -> str:
    """Join the penalty clauses of a part ("влечет ...") that may hold several of them.

    Each clause runs from "влечет" to the end of its sentence; a part graded by duration or
    repetition ("... от одного до трех месяцев, - влечет ...") yields several clauses, whose
    amounts are merged into ranges.
    """
    clauses = []
    for idx, m in enumerate(starts):
        end = starts[idx + 1].start() if idx + 1 < len(starts) else len(text)
        clause = re.split(r"\.\s+(?=[А-ЯЁ])", text[m.end() : end], maxsplit=1)[0]
        clauses.append(clause)
    return " | ".join(clauses)


def build_coo(lines: list[str]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Build the Code of Offences catalogue articles; returns (articles, preamble, warnings)."""
    raw_articles, preamble = split_articles(lines)
    warnings: list[str] = []
    out: list[dict[str, Any]] = []
    for art in raw_articles:
        parts, repealed, notes = split_parts(art.body)
        entry: dict[str, Any] = {
            "number": art.number,
            "title": art.title,
            "part_of_code": art.part_of_code,
            "section": art.section,
            "chapter": art.chapter,
            "repealed": repealed,
            **repeal_info(repealed, notes),
        }
        part_entries: list[dict[str, Any]] = []
        for part in parts:
            text = norm_space(" ".join(part.lines))
            pe: dict[str, Any] = {"number": part.number}
            if re.match(r"^\(\s*утратил", text, re.IGNORECASE):
                pe["repealed"] = True
                part_entries.append(pe)
                continue
            if art.part_of_code == "special":
                starts = list(COO_SANCTION_RE.finditer(text))
                if not starts:
                    pe["penalties"] = None
                    warnings.append(f"CoO {art.number}({part.number}): no penalty found")
                else:
                    summary = summarise_coo_sanction(coo_sanction_text(text, starts))
                    pe["penalties"] = summary
                    if not summary["kinds"]:
                        warnings.append(f"CoO {art.number}({part.number}): no penalty kind")
            part_entries.append(pe)
        entry["parts"] = part_entries
        out.append(entry)
    return out, preamble, warnings


# ---------------------------------------------------------------------------------------------
# Header and output
# ---------------------------------------------------------------------------------------------

DATE_RE = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<m>" + "|".join(MONTHS) + r")\s+(?P<y>\d{4})\s*(?:года)?\s*"
    r"(?:№|N)\s*(?P<no>\d+)",
    re.IGNORECASE,
)


TITLES = {
    "УГОЛОВНЫЙ КОДЕКС КЫРГЫЗСКОЙ РЕСПУБЛИКИ": "Уголовный кодекс Кыргызской Республики",
    "КОДЕКС КЫРГЫЗСКОЙ РЕСПУБЛИКИ О ПРАВОНАРУШЕНИЯХ": (
        "Кодекс Кыргызской Республики о правонарушениях"
    ),
}


def _iso(m: re.Match[str]) -> str:
    """ISO date of a DATE_RE match."""
    return dt.date(int(m.group("y")), MONTHS[m.group("m").lower()], int(m.group("d"))).isoformat()


def _law(m: re.Match[str]) -> dict[str, str]:
    """An amending law as {"date": ISO date, "number": ...}."""
    return {"date": _iso(m), "number": m.group("no")}


def source_info(preamble: list[str], path: Path) -> dict[str, Any]:
    """Read the code's title, number, date and amending laws from the text before Part One.

    The Code of Offences starts with a notice ("Внимание!") listing amendments whose entry into
    force is deferred; those laws are reported as ``deferred_amendments``.
    """
    text = norm_space(" ".join(preamble))
    title_m = re.search("|".join(re.escape(t) for t in TITLES), text)
    if not title_m:
        raise CatalogueBuildError(f"{path.name}: the code's title was not found")
    notice, rest = text[: title_m.start()], text[title_m.end() :]
    adopted = DATE_RE.search(rest)
    if not adopted:
        raise CatalogueBuildError(f"{path.name}: no date of adoption after the title")
    amendments: list[re.Match[str]] = []
    block = re.search(r"\(\s*В\s+редакции(?P<body>[^)]*)\)", rest)
    if block:
        amendments = list(DATE_RE.finditer(block.group("body")))
    last = max(amendments, key=lambda m: _iso(m), default=None)
    deferred = [_law(m) for m in DATE_RE.finditer(notice)]
    return {
        "title": TITLES[title_m.group(0)],
        "number": adopted.group("no"),
        "date": _iso(adopted),
        "amended_to": _iso(last) if last else None,
        "last_amending_law": _law(last) if last else None,
        "amending_laws_count": len(amendments),
        "deferred_amendments": deferred,
        "text_file": path.name,
        "text_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def mark_deferred_repeals(articles: list[dict[str, Any]], source: dict[str, Any]) -> None:
    """Flag repeals made by a law whose entry into force is deferred (see the text's notice)."""
    deferred = source.get("deferred_amendments") or []
    for art in articles:
        if art.get("repealed_by") in deferred:
            art["repeal_deferred"] = True


def check_sequence(articles: list[dict[str, Any]], code: str) -> list[str]:
    """Check that article numbers strictly increase without gaps; returns problems found."""
    problems = []
    prev: tuple[int, int] | None = None
    for art in articles:
        key = number_key(art["number"])
        if prev is not None:
            if key <= prev:
                problems.append(f"{code}: article {art['number']} out of order")
            elif key[1] == 0 and key[0] != prev[0] + 1:
                problems.append(f"{code}: gap before article {art['number']}")
        prev = key
    return problems


def count_categories(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Count articles and parts per category (Special Part, not repealed)."""
    by_article = dict.fromkeys(CATEGORY_ORDER, 0)
    by_part = dict.fromkeys(CATEGORY_ORDER, 0)
    for art in articles:
        if art.get("category"):
            by_article[art["category"]] += 1
        for part in art.get("parts", []):
            if part.get("category"):
                by_part[part["category"]] += 1
    return {"articles": by_article, "parts": by_part}


def build_all(cc_path: Path, coo_path: Path, out_dir: Path, generated_on: str) -> dict[str, Any]:
    """Build both catalogues from the two texts and write them into ``out_dir``.

    Returns a report for the console: article counts, warnings and consistency problems.
    """
    for p in (cc_path, coo_path):
        if not p.is_file():
            raise CatalogueBuildError(f"text not found: {p}")
    report: dict[str, Any] = {}

    cc_lines = read_lines(cc_path)
    cc_articles, cc_pre, cc_warn = build_cc(cc_lines)
    cc_problems = check_sequence(cc_articles, "CC")
    cc_source = source_info(cc_pre, cc_path)
    cc_source["title_en"] = "Criminal Code of the Kyrgyz Republic"
    mark_deferred_repeals(cc_articles, cc_source)
    cc_doc = {
        "header": {
            "code_id": "kg-cc-2021",
            "format_version": FORMAT_VERSION,
            "source": cc_source,
            "generated_by": SCRIPT_NAME,
            "generated_on": generated_on,
            "article_count": len(cc_articles),
            "article_count_by_part_of_code": _count_by(cc_articles, "part_of_code"),
            "complete": True,
            "category_rule": (
                "CC art. 19(2): no imprisonment -> minor_gravity; intentional <=5 y or "
                "negligent <=10 y -> less_grave; intentional >5..10 y -> grave; intentional "
                ">10 y or life -> especially_grave. Article category = most serious part."
            ),
            "imprisonment_terms": (
                "stated in years/months in each sanction (CC art. 67(2): 6 months to 15 years; "
                "art. 68: life); the 2021 code has no categories of imprisonment"
            ),
            "category_counts": count_categories(cc_articles),
            "notes": (
                "Derived catalogue: article numbers, titles and sanction summaries only; the "
                "text of the code is not reproduced. Numbers written with a superscript in the "
                "official text (152¹) are written 152-1."
            ),
        },
        "articles": cc_articles,
    }

    coo_lines = read_lines(coo_path)
    coo_articles, coo_pre, coo_warn = build_coo(coo_lines)
    coo_problems = check_sequence(coo_articles, "CoO")
    coo_source = source_info(coo_pre, coo_path)
    coo_source["title_en"] = "Code of Offences of the Kyrgyz Republic"
    mark_deferred_repeals(coo_articles, coo_source)
    coo_doc = {
        "header": {
            "code_id": "kg-coo-2021",
            "format_version": FORMAT_VERSION,
            "source": coo_source,
            "generated_by": SCRIPT_NAME,
            "generated_on": generated_on,
            "article_count": len(coo_articles),
            "article_count_by_part_of_code": _count_by(coo_articles, "part_of_code"),
            "complete": True,
            "penalty_units": (
                "fines in calculation units (расчетные показатели) per kind of subject; "
                "community work in hours; arrest in days; deprivation of a right in months"
            ),
            "notes": (
                "Derived catalogue: article numbers, titles and penalty summaries only; the "
                "text of the code is not reproduced. Some amendments listed in the text enter "
                "into force later (see the note at the head of the official text)."
            ),
        },
        "articles": coo_articles,
    }

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, doc in (("kg-cc-2021.json", cc_doc), ("kg-coo-2021.json", coo_doc)):
        path = out_dir / name
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        report[name] = {"articles": doc["header"]["article_count"], "path": str(path)}
    report["warnings"] = cc_warn + coo_warn
    report["problems"] = cc_problems + coo_problems
    report["cc_category_counts"] = cc_doc["header"]["category_counts"]
    return report


def _count_by(articles: list[dict[str, Any]], key: str) -> dict[str, int]:
    """Count articles by the value of ``key``."""
    counts: dict[str, int] = {}
    for art in articles:
        counts[art[key]] = counts.get(art[key], 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "texts_dir",
        nargs="?",
        type=Path,
        default=DEFAULT_TEXTS_DIR,
        help=f"directory holding {CC_FILE} and {COO_FILE} (default: %(default)s)",
    )
    parser.add_argument("--cc", type=Path, help="path of the Criminal Code text")
    parser.add_argument("--coo", type=Path, help="path of the Code of Offences text")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="output directory")
    parser.add_argument(
        "--generated-on",
        default=dt.date.today().isoformat(),  # noqa: DTZ011 - a calendar date is meant
        help="date written into the headers (default: today)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on any warning")
    args = parser.parse_args(argv)
    cc_path: Path = args.cc or args.texts_dir / CC_FILE
    coo_path: Path = args.coo or args.texts_dir / COO_FILE
    try:
        report = build_all(cc_path, coo_path, args.out, args.generated_on)
    except CatalogueBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name in ("kg-cc-2021.json", "kg-coo-2021.json"):
        print(f"{name}: {report[name]['articles']} articles -> {report[name]['path']}")
    print("CC categories:", json.dumps(report["cc_category_counts"]))
    for line in report["problems"]:
        print("PROBLEM:", line, file=sys.stderr)
    for line in report["warnings"]:
        print("warning:", line, file=sys.stderr)
    if report["problems"] or (args.strict and report["warnings"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
