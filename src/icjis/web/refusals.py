"""The acts' refusals in the user's language.

The API answers in English (`core.refusals`: a sentence a clerk can act on, citing the article)
unless the caller's Accept-Language asks for Kyrgyz or Russian (then from the template's
catalogue entry, `localise_said`). The pages show the same refusal translated: each pattern below
matches one refusal sentence as the acts raise it, and says it again in the user's language with
the values it carries (stages in the user's words). A refusal no pattern knows is said from the
catalogue's entry for its template (`core.refusals.say`), a stage or a catalogue word among its
values translated too; one made otherwise is shown in English, as the API gives it.
`tests/web/test_refusals.py` drives the acts that raise these in Kyrgyz and Russian and fails if
English is left.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from icjis.core.refusals import FieldName, Said, said_from_json
from icjis.registry.common import STAGE_NAMES
from icjis.web.labels import (
    ACT_TITLES,
    CHOICES,
    FIELD_TITLES,
    act_title,
    choice_label,
    field_label,
    legal_basis,
)


def _stage(text: str) -> str:
    """A stage as a refusal names it (its code, or the registry's English phrase), translated."""
    from icjis.web.views import STAGES

    codes = {phrase: code for code, phrase in STAGE_NAMES.items()}
    code = text if text in STAGES else codes.get(text, text)
    return str(STAGES.get(code, text))


def _stages(text: str) -> str:
    return " / ".join(f"«{_stage(s)}»" for s in text.split(" or "))


Say = Callable[[re.Match[str]], str]

PATTERNS: list[tuple[re.Pattern[str], Say]] = [
    # core.acts: the schema's check (the fields themselves are marked beside each field).
    (
        re.compile(r"^Check the field '[^']*': .*$", re.S),
        lambda m: _("Some values could not be read; see the fields marked below."),
    ),
    (
        re.compile(r"^Your role does not allow the act [a-z_.]+\.$"),
        lambda m: _("Your role does not allow this act."),
    ),
    (
        re.compile(r"^No such case, or it is not visible to you\.$"),
        lambda m: _("No such case, or it is not visible to you."),
    ),
    (
        re.compile(r"^This idempotency key was already used for a different act\.$"),
        lambda m: _("This form was already sent for another act; open the form again."),
    ),
    # registry.common.require_stage and the registry's own stage checks.
    (
        re.compile(r"^.+ needs a case (?P<wanted>.+); this one is (?P<now>[^;]+)\.$"),
        lambda m: (
            _("This act needs a case at the stage %(wanted)s; this case is at «%(now)s».")
            % {"wanted": _stages(m["wanted"]), "now": _stage(m["now"])}
        ),
    ),
    (
        re.compile(r"^The case was joined into case (?P<number>\S+?)(?: \(CPC 141\))?; .*$"),
        lambda m: (
            _("The case was joined into case %(number)s; record this in that case.")
            % {"number": m["number"]}
        ),
    ),
    (
        re.compile(r"^The case is closed \(\w+\); nothing more can be recorded in it.*$"),
        lambda m: _(
            "The case is closed; nothing more can be recorded in it unless a prosecutor reopens it."
        ),
    ),
    (
        re.compile(r"^Only a report under pre-investigation can be opened; this one is (\w+)\.$"),
        lambda m: (
            _(
                "Only a report under the pre-investigation check can be opened; this one is at "
                "«%(now)s»."
            )
            % {"now": _stage(m[1])}
        ),
    ),
    (
        re.compile(r"^The case is (?P<now>.+?); (?P<rest>.+)$"),
        lambda m: _case_is()[m["rest"]] % {"now": _stage(m["now"])},
    ),
    # detention.arrest (CPC 97(2)).
    (
        re.compile(r"^The hour of detention cannot lie in the future\.$"),
        lambda m: _("The hour of detention cannot lie in the future."),
    ),
    (
        re.compile(r"^(?P<person>\S+) is already held in this case\.$"),
        lambda m: _("%(person)s is already held in this case.") % {"person": m["person"]},
    ),
    # legalaid (CPC 50-52).
    (
        re.compile(r"^Appointment (?P<id>\S+) is (?P<state>\w+); it can no longer be answered\.$"),
        lambda m: _("Appointment %(id)s can no longer be answered.") % {"id": m["id"]},
    ),
]


# "The case is <stage>; …": the endings the acts use, in the user's language.
def _case_is() -> dict[str, str]:
    return {
        "a suspect cannot be detained in it now.": _(
            "The case is at «%(now)s»; a suspect cannot be detained in it now."
        ),
        "it cannot be assigned now.": _("The case is at «%(now)s»; it cannot be assigned now."),
        "participants can no longer be added.": _(
            "The case is at «%(now)s»; participants can no longer be added."
        ),
        "there is nothing to reopen.": _("The case is at «%(now)s»; there is nothing to reopen."),
    }


# Codes the acts put beside a field (`Refusal.fields`), in the user's language.
FIELD_CODES: dict[str, Callable[[], str]] = {
    "future": lambda: _("This moment lies in the future."),
    "not in the case": lambda: _("This person takes no part in the case."),
    "unknown": lambda: _("Not found in the register."),
    "required": lambda: _("This field is required."),
}


def localise_refusal(message: str) -> str:
    """The refusal sentence in the user's language: by the first pattern that knows it, else
    from its template's catalogue entry, else as it is."""
    for pattern, rephrase in PATTERNS:
        found = pattern.match(message)
        if found:
            try:
                return str(rephrase(found))
            except KeyError:
                continue
    if isinstance(message, Said):
        return localise_said(message)
    return str(message)


def localise_said(message: Said) -> str:
    """A sentence made by `say` in the active language, from its template's catalogue entry,
    each value as `_word` says it (the API's errors too, where the caller asks for a language)."""
    return message.localised(word=_word)


# A citation of an article ("CC 84(2)-(3)", "CPC 303(3); CEC 30(2)").
_CITATION = re.compile(r"(CC|CPC|CEC) \d")
# A day as an event records it ("2026-12-01").
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A moment as an event records it ("2026-12-01T10:00:00Z", "…+06:00").
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")


def _word(value: str) -> str:
    """A refusal's value in the user's language: a field's name by the label its form shows and
    an act's kind by its title (in quotes), a stage's code as the stage's name, an act's choice
    (an outcome, a type) as its label, a citation with the codes' names translated, a moment in
    the local time and a day in the language's format, a word of the catalogue translated,
    anything else (a number, an id) as it is."""
    from icjis.web.views import STAGES

    if isinstance(value, FieldName):  # by the label the form shows it under
        title = value.replace("_", " ").title()
        return f"«{field_label(title)}»" if title in FIELD_TITLES else value
    if value in ACT_TITLES:
        return f"«{act_title(value)}»"
    if value in STAGES:
        return str(STAGES[value])
    if value in CHOICES:
        return choice_label(value)
    if _CITATION.match(value):  # "CC 84(2)-(3)", "CPC 303(3)": the codes' names translated
        return legal_basis(value)
    try:  # a shape of a date is not yet a date: "2026-02-30" is shown as it is
        if _MOMENT.fullmatch(value):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
        if _DAY.fullmatch(value):
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except ValueError:
        return value
    return _(value)


def localise_kept(message: str, kept: Mapping[str, object] | None, names: Mapping[str, str]) -> str:
    """A sentence a projection keeps (an alert's English `message` and its `Said.as_json`) in
    the user's language, each person among its values by the name in `names` (ids the reader
    would not know otherwise); the English message as it is when nothing was kept."""
    if not kept:
        return message
    said = said_from_json(dict(kept))
    return said.localised(word=lambda value: names.get(value) or _word(value))


def localise_field_code(message: str) -> str | None:
    """A field code of an act's refusal in the user's language: a code of `FIELD_CODES`, a
    sentence made by `say`, or a code the acts mark for the catalogue where they raise it
    (`gettext_noop` in `fields`); None when none of these knows it."""
    rephrase = FIELD_CODES.get(message)
    if rephrase:
        return rephrase()
    if isinstance(message, Said):  # a sentence beside its field (a PIN's check)
        return localise_said(message)
    said = _(message) if message else message
    return said if said != message else None
