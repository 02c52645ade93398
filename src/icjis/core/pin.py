"""The personal identification number (PIN) of a Kyrgyz citizen: structure checks only.

Layout (LEGAL-DATA.md, "Identifiers and territory"; medium-low confidence on the layout)::

    2 15031990 12345
    | |        +---- five more digits: not verified (we do not know their rule)
    | +------------- birth date, DDMMYYYY
    +--------------- sex: 1 = female, 2 = male

What we check: 14 digits, nothing else; first digit 1 or 2; digits 2-9 a real calendar date, not
before 1900 and not in the future; and, when the person's birth date or sex is known, that the PIN
agrees with them. A mismatch is the clerk's to resolve (either the PIN or the other field was
mistyped), so it is refused with a sentence naming both values.

A PIN is optional: foreigners and unidentified persons have none, and a person is never refused
for lacking one. `validate_pin` therefore returns ``""`` for a blank PIN instead of raising.

Refusals are `PinError`, a `ValueError` with a stable ``code`` (for the API body ``{error:
code, message}`` and for translation), the ``field`` at fault and an English ``message`` made by
`core.refusals.say`, so that a page can say it in the reader's language.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone

from icjis.core.refusals import say

__all__ = [
    "FEMALE",
    "MALE",
    "PIN_LENGTH",
    "PinError",
    "normalise_pin",
    "pin_birth_date",
    "pin_sex",
    "validate_pin",
]

PIN_LENGTH = 14
FEMALE = "F"
MALE = "M"
EARLIEST_BIRTH_YEAR = 1900

_SEX_BY_DIGIT = {"1": FEMALE, "2": MALE}
_SEX_ALIASES = {"f": FEMALE, "female": FEMALE, "m": MALE, "male": MALE}
# Values that mean "sex not recorded": the PIN is then not compared with anything.
_SEX_UNKNOWN = {"", "u", "x", "unknown"}
# Kyrgyzstan keeps UTC+6 all year (no daylight saving since 2005); used only when the caller
# does not pass `today` (callers inside the system should pass the date of `core.clock`).
_BISHKEK = timezone(timedelta(hours=6), "Asia/Bishkek")
# Separators people type or copy from documents; removed before checking.
_SEPARATORS = {" ", "-", ".", "_", "\u00a0", "\u2009", "\u2010", "\u2011", "\u2012", "\u2013"}


class PinError(ValueError):
    """A PIN refused: ``field`` at fault, ``message`` for the clerk, stable ``code`` for the API."""

    def __init__(self, field: str, message: str, *, code: str = "pin_invalid") -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


def normalise_pin(pin: str | None) -> str:
    """The PIN with spaces, hyphens and dots removed (full-width digits made ASCII); not checked."""
    if pin is None:
        return ""
    text = unicodedata.normalize("NFKC", pin)
    return "".join(ch for ch in text if ch not in _SEPARATORS and not ch.isspace())


def _fmt(day: date) -> str:
    return f"{day.day:02}.{day.month:02}.{day.year:04}"


def _check_structure(pin: str | None) -> str:
    """Normalised PIN if it has 14 digits starting with 1 or 2; `PinError` otherwise."""
    value = normalise_pin(pin)
    bad = [ch for ch in value if not ("0" <= ch <= "9")]
    if bad:
        shown = ", ".join(repr(ch) for ch in dict.fromkeys(bad))
        raise PinError(
            "pin",
            say(
                "The PIN may contain only the digits 0-9; remove %(shown)s. "
                "(A letter O in place of a zero is a common slip.)",
                shown=shown,
            ),
            code="pin_not_digits",
        )
    if len(value) != PIN_LENGTH:
        raise PinError(
            "pin",
            say(
                "The PIN must have exactly %(length)s digits, but %(entered)s were entered. "
                "Copy it again from the passport or ID card.",
                length=PIN_LENGTH,
                entered=len(value),
            ),
            code="pin_wrong_length",
        )
    if value[0] not in _SEX_BY_DIGIT:
        raise PinError(
            "pin",
            say(
                "The PIN must start with 1 (female) or 2 (male), but it starts with %(digit)s. "
                "Check the first digit.",
                digit=value[0],
            ),
            code="pin_bad_sex_digit",
        )
    return value


def _encoded_date(value: str) -> date:
    """The birth date in digits 2-9 of a structurally checked PIN; `PinError` if impossible."""
    digits = value[1:9]
    shown = f"{digits[0:2]}.{digits[2:4]}.{digits[4:8]}"
    try:
        born = date(int(digits[4:8]), int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        raise PinError(
            "pin",
            say(
                "Digits 2-9 of the PIN must be the birth date as DDMMYYYY, but %(shown)s is not a "
                "real date. Check the PIN.",
                shown=shown,
            ),
            code="pin_date_impossible",
        ) from None
    if born.year < EARLIEST_BIRTH_YEAR:
        raise PinError(
            "pin",
            say(
                "Digits 2-9 of the PIN give the birth date %(shown)s, which is before %(year)s. "
                "Check the PIN.",
                shown=shown,
                year=EARLIEST_BIRTH_YEAR,
            ),
            code="pin_date_impossible",
        )
    return born


def pin_birth_date(pin: str) -> date:
    """The birth date encoded in digits 2-9 of `pin`; `PinError` if the PIN is malformed."""
    return _encoded_date(_check_structure(pin))


def pin_sex(pin: str) -> str:
    """``"F"`` or ``"M"`` from the first digit of `pin`; `PinError` if the PIN is malformed."""
    value = _check_structure(pin)
    _encoded_date(value)
    return _SEX_BY_DIGIT[value[0]]


def _sex_code(sex: str | None) -> str | None:
    """``"F"``/``"M"`` for a recorded sex, None when it is not recorded."""
    if sex is None or sex.strip().lower() in _SEX_UNKNOWN:
        return None
    code = _SEX_ALIASES.get(sex.strip().lower())
    if code is None:
        raise PinError(
            "sex",
            say("The sex %(sex)s is not recognised; use F (female) or M (male).", sex=repr(sex)),
            code="sex_invalid",
        )
    return code


def validate_pin(
    pin: str | None,
    *,
    birth_date: date | None,
    sex: str | None,
    today: date | None = None,
) -> str:
    """Check `pin` and return it normalised (digits only); ``""`` when no PIN was given.

    `birth_date` and `sex` (``"F"``/``"M"``; None or ``"U"`` when unknown) are the values
    recorded for the person; when given, the PIN must agree with them. `today` is the date a
    birth date may not exceed: pass the date of ``core.clock`` (the default is the real date in
    Bishkek). Raises `PinError` with a code among ``pin_not_digits``, ``pin_wrong_length``,
    ``pin_bad_sex_digit``, ``pin_date_impossible``, ``pin_date_in_future``,
    ``pin_date_mismatch``, ``pin_sex_mismatch`` (and ``sex_invalid`` for an unknown sex code).
    """
    if not normalise_pin(pin):
        return ""  # No PIN is not an error: foreigners and unknown persons have none.
    value = _check_structure(pin)
    born = _encoded_date(value)
    if today is None:
        today = datetime.now(_BISHKEK).date()
    if born > today:
        raise PinError(
            "pin",
            say(
                "The PIN gives the birth date %(born)s, which is in the future. Check the PIN.",
                born=_fmt(born),
            ),
            code="pin_date_in_future",
        )
    if birth_date is not None:
        if isinstance(birth_date, datetime):
            birth_date = birth_date.date()
        if born != birth_date:
            raise PinError(
                "pin",
                say(
                    "The PIN gives the birth date %(born)s, but the birth date entered is "
                    "%(entered)s. Correct whichever of the two is wrong.",
                    born=_fmt(born),
                    entered=_fmt(birth_date),
                ),
                code="pin_date_mismatch",
            )
    recorded = _sex_code(sex)
    encoded = _SEX_BY_DIGIT[value[0]]
    if recorded is not None and recorded != encoded:
        # One sentence per way round (first digit 1 is female, 2 male), each said whole.
        if encoded == FEMALE:
            message = say(
                "The PIN starts with 1, which means female, but the sex entered is male. "
                "Correct whichever of the two is wrong."
            )
        else:
            message = say(
                "The PIN starts with 2, which means male, but the sex entered is female. "
                "Correct whichever of the two is wrong."
            )
        raise PinError("pin", message, code="pin_sex_mismatch")
    return value
