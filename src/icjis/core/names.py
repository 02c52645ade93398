"""Personal names across scripts: Kyrgyz-aware transliteration and keys for fuzzy matching.

Two different jobs, two functions:

* `to_latin` gives a readable Latin form for display (lists, exports, documents for foreign
  authorities). It follows the BGN/PCGN 1979 romanization of Kyrgyz, the system already used for
  the place names in our own documents (Chüy, Jalal-Abad, Naryn), and applies it to Russian names
  too, since a name's language is not recorded (for Russian names it gives the BGN/PCGN Russian
  form except Ж = j). Ө and Ү keep their dots (ö, ü): they are letters of their own, and a
  display that dropped them would hide what the clerk sees in the Cyrillic (the matching key does
  drop them, as Russian-language documents often write Омурбеков for Өмүрбеков). Ң is ng.
  Deviations from BGN/PCGN Kyrgyz, all for names: е is ye where BGN/PCGN Russian writes ye; ё
  after ж ч ш щ is e; ң before г к is n; ъ and ь are dropped (see the table).

* `match_key` gives a lowercase ASCII key used only for comparison. It is computed from the
  Latin form, after folding the spellings people actually type (passport ICAO 9303 forms, Russian
  and Kyrgyz habits, German and Turkish-style letters) onto one form, so that a search typed in
  either script finds records kept in the other. It is not meant to be read by people.

Display table (`to_latin`), lower case shown; capitals follow the case of the source, and
multi-letter values are written in capitals only inside an all-capitals word (ЩЕРБАКОВ ->
SHCHERBAKOV, Щербаков -> Shcherbakov)::

    а a    б b    в v    г g    д d    е e/ye  ё yo/e  ж j    з z    и i    й y
    к k    л l    м m    н n    ң ng   о o    ө ö     п p     р r    с s    т t
    у u    ү ü    ф f    х kh   ц ts   ч ch   ш sh    щ shch  ъ -    ы y    ь -
    э e    ю yu   я ya

    е  -> ye at the start of a word, after a vowel and after ъ/ь; e elsewhere (Yerlan, Sergeyev)
    ё  -> yo, but e after ж ч ш щ (Gorbachev, Pugachev), as in the established English forms
    ң  -> n before г к (Chyngyz, Mönkübek), where ng would double the g sound in writing
    ъ ь -> dropped (Igor, Podyachev); the ye/yu/ya after them keeps the y sound (Zinovyev)

Letters of neighbouring languages that occur in names written in Kyrgyz documents are also
converted: Kazakh ә ä, ғ gh, қ q, ұ u, һ h; Uzbek and Tajik ў o, ҳ h, ҷ j, ӣ i, ӯ u; Tatar җ j;
Ukrainian and Belarusian і i, ї yi, є ye, ґ g. Any other Cyrillic letter is left as it is in the
display and ignored by `match_key`. Text that is not Cyrillic is not changed by `to_latin`.

Key folding (`match_key`), applied to the Latin form in this order::

    accents dropped (ö o, ü u, é e, ñ n); ž zh, š sh, č ch, ç ch, ş sh, ß ss, ø o, ł l
    apostrophes dropped; anything but a-z and 0-9 separates words
    shch, sch, tsch -> sh / ch     Щербаков = Sherbakov = Scherbakov
    dzh, dj, zh -> j               Жээнбеков = Джээнбеков = Zheenbekov = Jeenbekov
    kh -> h; gh -> g; ph -> f      Khasanov = Hasanov
    ts, tz -> c                    Tsoy = Coi
    x -> ks; w -> v; q -> k        Alexandr = Aleksandr; Ivanow = Ivanov
    ng -> n                        Tengizbek = Tenizbek (ң is often typed as n)
    yo, io -> e                    Фёдоров = Федоров = Fyodorov = Fedorov (ё is often written е)
    y, i before a, e, u dropped    Yusup = Iusup = Usup; Yakov = Iakov; Yelena = Elena
    oe -> o; ue -> u               Oemurbekov = Ömürbekov = Omurbekov
    y -> i                         Abdykadyrov = Abdikadirov; Aybek = Aibek; Dmitriy = Dmitrii
    doubled letters -> one         Jeenbekov = Jenbekov; Sooronbay = Soronbai

Because every key is computed from the Latin form, ``match_key(to_latin(x)) == match_key(x)`` for
any text. The folding makes some different names collide (Stroev and Strov); that is the price of
finding the spellings people type, and the scores below rank the candidates anyway.

Scores come from rapidfuzz on keys: `similarity` for search (a query against stored keys, tolerant
of partial queries), `name_similarity` for comparing two full names, and `possible_duplicate`
for the duplicate flag. On PostgreSQL, index the stored `full_name_key` with a pg_trgm GIN index
and pre-select with ``%`` before scoring; on SQLite score the candidates in Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from rapidfuzz import fuzz, process

__all__ = [
    "DUPLICATE_THRESHOLD",
    "PersonLike",
    "full_name_key",
    "latin_key",
    "match_key",
    "name_similarity",
    "possible_duplicate",
    "similarity",
    "to_latin",
]

# Name similarity (0-100, see `name_similarity`) from which two persons born on the same day are
# flagged as possible duplicates. One mistyped letter in a full name scores above 90.
DUPLICATE_THRESHOLD = 85.0

# Display transliteration, lower-case letters; capitals are derived (see `_cased`).
_TABLE: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng",
    "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "ü",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Neighbouring languages (Kazakh, Uzbek, Tajik, Tatar, Ukrainian, Belarusian).
    "ә": "ä", "ғ": "gh", "қ": "q", "ұ": "u", "һ": "h", "ў": "o", "ҳ": "h", "ҷ": "j",
    "ӣ": "i", "ӯ": "u", "җ": "j", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
}  # fmt: skip
_VOWELS = frozenset("аеёиоөуүыэюяәұўӣӯіїє")
_SIGNS = frozenset("ъь")
_HUSHERS = frozenset("жчшщ")
_VELARS = frozenset("гкғқ")

# Letters that Unicode decomposition does not reduce to ASCII, or reduces wrongly for our use.
_LATIN_SPECIAL = str.maketrans(
    {
        "ž": "zh", "š": "sh", "č": "ch", "ç": "ch", "ş": "sh", "ŝ": "shch", "ğ": "g",
        "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "dj", "ł": "l",
        "ŋ": "ng", "ʹ": "", "ʺ": "", "'": "", "’": "", "ʼ": "", "`": "", "´": "",
    }
)  # fmt: skip
_NON_KEY = re.compile(r"[^a-z0-9]+")
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"shch|sch|tsch", "sh"),
        (r"tch", "ch"),
        (r"dzh|dj|zh", "j"),
        (r"kh", "h"),
        (r"gh", "g"),
        (r"ph", "f"),
        (r"ts|tz", "c"),
        (r"x", "ks"),
        (r"w", "v"),
        (r"q", "k"),
        (r"ng", "n"),
        (r"[iy]+o", "e"),
        (r"[iy]+(?=[aeu])", ""),
        (r"oe", "o"),
        (r"ue", "u"),
        (r"y", "i"),
        (r"([a-z])\1+", r"\1"),
    )
)


def _is_upper_letter(ch: str) -> bool:
    return ch.isalpha() and ch.isupper()


def _cased(value: str, source: str, before: str, after: str) -> str:
    """`value` (lower case) in the case of the Cyrillic `source` letter between its neighbours."""
    if not source.isupper() or not value:
        return value
    whole_word_upper = _is_upper_letter(after) or (
        _is_upper_letter(before) and not (after.isalpha() and after.islower())
    )
    return value.upper() if whole_word_upper else value[0].upper() + value[1:]


def _latin_letter(lower: str, before: str, after: str) -> str:
    """Display value of one lower-case Cyrillic letter given its (lower-case) neighbours."""
    if lower == "е" and (not before.isalpha() or before in _VOWELS or before in _SIGNS):
        return "ye"
    if lower == "ё" and before in _HUSHERS:
        return "e"
    if lower == "ң" and after in _VELARS:
        return "n"
    return _TABLE[lower]


def to_latin(text: str) -> str:
    """Readable Latin form of a Kyrgyz or Russian Cyrillic `text` (see the module's table).

    Characters outside the table (Latin letters, digits, spaces, hyphens) are kept as they are,
    so ``to_latin(to_latin(x)) == to_latin(x)``.
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for index, ch in enumerate(text):
        lower = ch.lower()
        if lower not in _TABLE:
            out.append(ch)
            continue
        before = text[index - 1] if index > 0 else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        value = _latin_letter(lower, before.lower(), after.lower())
        # Skip signs when judging whether a word is in capitals: ПОДЪЯЧЕВ, not PODъ...
        out.append(_cased(value, ch, before, after if after.lower() not in _SIGNS else ""))
    return "".join(out)


def match_key(text: str) -> str:
    """Lower-case ASCII key of a name in any script, equal for the usual spellings of one name.

    Words are separated by single spaces; an empty string when nothing usable is left (a name in
    a script we do not transliterate). A key is its own key: ``match_key(match_key(x)) ==
    match_key(x)``, so stored keys may be passed wherever a name is expected.
    """
    return latin_key(to_latin(text))


def latin_key(latin: str) -> str:
    """`match_key` of a text already in its Latin form (`to_latin`): where both are wanted, the
    text is transliterated once."""
    latin = latin.lower().translate(_LATIN_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", latin)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    words = (_fold(word) for word in _NON_KEY.split(ascii_text))
    return " ".join(word for word in words if word)


def _fold(word: str) -> str:
    """Apply `_FOLDS` until nothing changes, so that a key is its own key (kkh -> kh -> h)."""
    # Terminates: every rule shortens the word or removes a letter (x, y, w, q) no rule creates.
    while True:
        folded = word
        for pattern, replacement in _FOLDS:
            folded = pattern.sub(replacement, folded)
        if folded == word:
            return word
        word = folded


def full_name_key(
    surname: str | None, given_name: str | None = None, patronymic: str | None = None
) -> str:
    """`match_key` of the full name, parts in the order surname, given name, patronymic.

    Missing parts are skipped. This is the value to store beside a person and to index.
    """
    keys = (match_key(part or "") for part in (surname, given_name, patronymic))
    return " ".join(key for key in keys if key)


def similarity(query: str, candidate_key: str) -> float:
    """Search score 0-100 of a `query` (any script, or a key) against a stored `candidate_key`.

    Uses rapidfuzz's WRatio, so a query of the surname alone, or of the first letters of a name,
    still scores high against a full name, and word order does not matter.
    """
    key = match_key(query)
    if not key or not candidate_key:
        return 0.0
    return float(fuzz.WRatio(key, candidate_key, processor=None))


def name_similarity(key_a: str, key_b: str) -> float:
    """Score 0-100 of two full-name keys against each other (symmetric, whole names).

    The better of the plain edit ratio (robust to a typo at the start of a word, which would
    reorder sorted words) and the word-order-insensitive ratio (given name entered as surname).
    """
    if not key_a or not key_b:
        return 0.0
    return float(
        max(
            fuzz.ratio(key_a, key_b, processor=None),
            fuzz.token_sort_ratio(key_a, key_b, processor=None),
        )
    )


def close_names(key: str, keys: Sequence[str], threshold: float) -> list[int]:
    """The positions in `keys` of the keys whose `name_similarity` to `key` is at least
    `threshold`, in order: each of its two scores run over the whole list by rapidfuzz (in C),
    instead of one Python call per pair (a birth day holds hundreds of persons at scale)."""
    if not key:
        return []
    found: set[int] = set()
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        for _, _, i in process.extract_iter(
            key, keys, scorer=scorer, processor=None, score_cutoff=threshold
        ):
            found.add(i)
    return sorted(found)


class PersonLike(Protocol):
    """What `possible_duplicate` reads from a person: a model instance or any such object."""

    @property
    def surname(self) -> str | None: ...  # pragma: no cover

    @property
    def given_name(self) -> str | None: ...  # pragma: no cover

    @property
    def patronymic(self) -> str | None: ...  # pragma: no cover

    @property
    def birth_date(self) -> date | None: ...  # pragma: no cover

    @property
    def pin(self) -> str | None: ...  # pragma: no cover


def _plain_pin(pin: str | None) -> str:
    return "".join(ch for ch in (pin or "") if ch.isdigit())


def possible_duplicate(
    a: PersonLike, b: PersonLike, *, threshold: float = DUPLICATE_THRESHOLD
) -> bool:
    """Whether two person records should be flagged for review as possibly the same person.

    Yes when both have the same PIN; or when both have the same birth date and their names score
    at least `threshold` by `name_similarity`. Only the name parts present in both records are
    compared, so a record without a patronymic still matches one with it. Persons without a known
    birth date are flagged only by PIN. A flag is a question for a clerk, never a merge.
    """
    pin_a, pin_b = _plain_pin(a.pin), _plain_pin(b.pin)
    if pin_a and pin_a == pin_b:
        return True
    if a.birth_date is None or b.birth_date is None or a.birth_date != b.birth_date:
        return False
    parts = [
        (match_key(part_a or ""), match_key(part_b or ""))
        for part_a, part_b in (
            (a.surname, b.surname),
            (a.given_name, b.given_name),
            (a.patronymic, b.patronymic),
        )
    ]
    common = [(key_a, key_b) for key_a, key_b in parts if key_a and key_b]
    if not common:
        return False
    key_a = " ".join(key_a for key_a, _ in common)
    key_b = " ".join(key_b for _, key_b in common)
    return name_similarity(key_a, key_b) >= threshold
