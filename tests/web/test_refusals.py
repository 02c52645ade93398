"""The acts' refusals are shown in the user's language, while the API keeps its English sentence:
the ones a browser user meets most reworded by a pattern, every other one from its template's
catalogue entry (`core.refusals.say`); a sentence made otherwise is shown as the API gives it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils import translation
from tests.prisons.conftest import fixed_clock  # noqa: F401
from tests.prisons.test_release import admitted
from tests.web.i18n import (
    LANGUAGES,
    PLACEHOLDER,
    PYTHON_FILES,
    SRC,
    catalogue,
    python_msgids,
    refusal_msgids,
    refusal_problems,
)
from tests.web.test_workbench import arrested  # noqa: F401

from icjis.core.refusals import Conflict, Invalid, say
from icjis.web.refusals import localise_field_code, localise_refusal

OPEN = {"article": "205", "part": "1"}


def refusal_on_page(response) -> str:
    assert response.status_code == 400, response.content
    found = re.search(r'id="refusal">([^<]*)</p>', response.content.decode())
    assert found is not None
    return found.group(1)


def english_words(text: str) -> list[str]:
    """Latin words of three letters or more (a case number's "GB" is not a word)."""
    return re.findall(r"[A-Za-z]{3,}", text)


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_refusals_of_the_browser_flow_are_in_the_users_language(
    browser,
    as_user,
    arrested,  # noqa: F811
    language,
):
    number = arrested["case"]
    investigator = browser("investigator", language)
    # The case is open: opening it again is refused (CPC 153(1)) ...
    again = investigator.post(
        f"/cases/{number}/acts/registry.case.open/", {**OPEN, "idempotency_key": "open-2"}
    )
    text = refusal_on_page(again)
    assert english_words(text) == [], text
    assert {"ky": "баскычында", "ru": "стадии"}[language] in text
    # ... as is a refusal to open it (CPC 154), which needs a report still being checked ...
    refuse = investigator.post(
        f"/cases/{number}/acts/registry.case.refuse/",
        {"grounds": "Нет события преступления", "idempotency_key": "refuse-1"},
    )
    text = refusal_on_page(refuse)
    assert english_words(text) == [], text
    # ... and the detainee is already held.
    arrest = investigator.post(
        f"/cases/{number}/acts/detention.arrest/",
        {
            "person": arrested["person"],
            "detained_at": "2020-01-01T10:00",
            "place": "ул. Токтогула",
            "grounds": "застигнут при совершении преступления",
            "idempotency_key": "arrest-2",
        },
    )
    text = refusal_on_page(arrest)
    assert arrested["person"] in text, text
    assert english_words(text.replace(arrested["person"], "")) == [], text
    # A refusal no pattern knows is said from its template's catalogue entry: detaining a
    # person who takes no part in the case.
    stranger = investigator.post(
        f"/cases/{number}/acts/detention.arrest/",
        {
            "person": "P-999999",
            "detained_at": "2020-01-01T10:00",
            "place": "ул. Токтогула",
            "grounds": "застигнут при совершении преступления",
            "idempotency_key": "arrest-3",
        },
    )
    text = refusal_on_page(stranger)
    expected = catalogue(language)["%(person)s is not a participant of this case; add them first."]
    assert text == expected["str"] % {"person": "P-999999"}, text
    # The API says the same refusals in English, as before.
    api = as_user("investigator").act("registry.case.open", {"article": "205", "part": 1}, number)
    assert api.status_code == 409
    assert api.json()["message"].startswith("Only a report under pre-investigation")


# Refusals as the acts raise them (core.acts, registry, detention, legal aid).
SAMPLES = [
    "Check the field 'place.region': String should match pattern '^KG-[A-Z]{1,2}$'.",
    "Your role does not allow the act registry.charge.",
    "No such case, or it is not visible to you.",
    "This idempotency key was already used for a different act.",
    "A charge needs a case under investigation; this one is at trial.",
    "A transfer needs a case registered, not yet assigned or under the pre-investigation check "
    "or under investigation; this one is with the prosecutor for the indictment.",
    "The case was joined into case 01-0001-2026-000002 (CPC 141); it continues there.",
    "The case is closed (terminated); nothing more can be recorded in it unless a prosecutor "
    "reopens it.",
    "Only a report under pre-investigation can be opened; this one is investigation.",
    "The case is closed; a suspect cannot be detained in it now.",
    "The case is trial; it cannot be assigned now.",
    "The case is execution; participants can no longer be added.",
    "The case is under investigation; there is nothing to reopen.",
    "The hour of detention cannot lie in the future.",
    "P-000123 is already held in this case.",
    "Appointment LA-000001 is lapsed; it can no longer be answered.",
]


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_each_known_refusal_is_said_without_english(language):
    with translation.override(language):
        for message in SAMPLES:
            said = localise_refusal(message)
            assert said != message and english_words(said) == [], (message, said)


def test_english_stays_english_and_an_unknown_refusal_is_shown_as_it_is():
    message = "A charge needs a case under investigation; this one is at trial."
    with translation.override("en"):
        assert localise_refusal("Your role does not allow the act x.y.") == (
            "Your role does not allow this act."
        )
        assert localise_refusal(message) == (
            "This act needs a case at the stage «Investigation»; this case is at «Trial»."
        )
    with translation.override("ru"):
        assert localise_refusal("Something no pattern knows.") == "Something no pattern knows."
        assert localise_refusal(message) == (
            "Это действие возможно только на стадии «Расследование»; дело на стадии «Судебное "
            "разбирательство»."
        )


def test_every_refusal_is_made_by_say_with_its_values():
    """A refusal's sentence comes from `say` (or a name bound to its result), its template a
    literal the catalogue extracts, filled by exactly the values its placeholders name."""
    problems = [p for path in PYTHON_FILES for p in refusal_problems(path)]
    assert problems == []


def test_the_refusal_check_finds_an_fstring_and_a_missing_value(tmp_path):
    source = tmp_path / "module.py"
    source.write_text(
        "def f(n):\n"
        "    raise Conflict(f'Petition {n} is closed.')\n"
        "    raise Conflict(say('Petition %(n)s is %(state)s.', n=n))\n"
        "    raise Conflict(say('Petition %(n)s is closed.', n=n))\n"
        "    raise Invalid(say('No.'), fields={'a': 'gone', 'b': gettext_noop('past'), 'c': '1'})\n"
        "    raise Invalid(say('No.'), fields={'d': f'at most {n}', 'e': f'{n}-{n}'})\n"
        "    raise Invalid(say('No.'), fields=dict.fromkeys(['f'], 'needed'))\n"
    )
    found = [p.split(": ", 1)[1] for p in refusal_problems(source, root=tmp_path)]
    assert found == [
        "Conflict(…) is not made by say()",
        "say()'s values ['n'] do not fill ['n', 'state']",
        "the field code 'gone' is not marked",
        "the field code 'at most ' is not marked",
        "the field code 'needed' is not marked",
    ]


def test_the_refusals_templates_are_in_the_catalogue_extraction():
    assert "Petition %(petition)s is already %(state)s." in python_msgids(
        SRC / "courts" / "measures.py"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_from_its_template_is_said_in_the_users_language(language):
    said = say("Petition %(petition)s is already decided.", petition="PT-000007")
    assert said == "Petition PT-000007 is already decided."  # the API's sentence
    assert Conflict(said).message == "Petition PT-000007 is already decided."
    entry = catalogue(language)[said.template]["str"]
    with translation.override(language):
        shown = localise_refusal(said)
    assert shown == entry % {"petition": "PT-000007"}
    assert english_words(shown.replace("PT-000007", "")) == [], shown
    with translation.override("en"):
        assert localise_refusal(said) == said


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_value_that_is_a_catalogue_word_or_a_stage_is_translated_and_others_stay(language):
    from icjis.courts import measure_terms

    template = (
        "%(measure)s is already in force for this person (one measure at a time, CPC 104(3))."
    )
    said = say(template, measure=measure_terms.title("house_arrest"))
    assert said.startswith("House arrest is already in force")
    with translation.override(language):
        shown = localise_refusal(said)
        house_arrest = translation.gettext("House arrest")
    assert shown == catalogue(language)[template]["str"] % {"measure": house_arrest}
    assert english_words(shown) == [], shown
    # A stage's code among the values is said as the stage's name; any other value as it is.
    template = "The case is at the stage '%(stage)s'; a verdict ends a trial."
    with translation.override(language):
        trial = localise_refusal(say(template, stage="trial"))
        other = localise_refusal(say(template, stage="X-1"))
        stage_name = str(translation.gettext("Trial"))
    assert trial == catalogue(language)[template]["str"] % {"stage": stage_name}
    assert english_words(trial) == [], trial
    assert other == catalogue(language)[template]["str"] % {"stage": "X-1"}
    # A template the catalogue does not hold: the English sentence, its values as given.
    unknown = say("Cell %(cell)s is full.", cell="A-12")
    with translation.override(language):
        assert unknown.localised() == "Cell A-12 is full."


def test_a_part_made_by_say_is_said_by_its_own_template():
    from datetime import date

    from icjis.courts import measure_terms

    span = measure_terms.describe_span(date(2025, 1, 1), date(2026, 2, 4))
    assert span == "13 months and 3 days"
    with translation.override("ru"):
        assert span.localised() == "13 мес. 3 дн."
    with translation.override("ky"):
        assert span.localised() == "13 ай 3 күн"
    assert measure_terms.describe_span(date(2025, 1, 1), date(2025, 2, 2)) == "1 month and 1 day"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_field_code_marked_where_it_is_raised_is_said_in_the_users_language(language):
    with translation.override(language):
        beside = localise_field_code("not a court")
        pin = localise_field_code(
            say(
                "The PIN must have exactly %(length)s digits, but "
                "%(entered)s were entered. Copy it again from the passport "
                "or ID card.",
                length=14,
                entered=13,
            )
        )
        unknown = localise_field_code("a code nobody marked")
    assert beside == catalogue(language)["not a court"]["str"]
    assert beside and english_words(beside) == []
    assert pin and "14" in pin and english_words(pin) == [], pin
    assert unknown is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_refusals_translations_leave_no_english_word(language):
    """Every refusal's template and field code is said without English (an abbreviation such as
    PDF aside; the values are filled in on the page)."""
    refusals = {m for path in PYTHON_FILES for m in refusal_msgids(path)}
    entries = catalogue(language)
    left = {}
    for msgid in refusals:
        words = re.findall(r"[A-Za-z]*[a-z][A-Za-z]*", PLACEHOLDER.sub("", entries[msgid]["str"]))
        if [w for w in words if len(w) > 1]:
            left[msgid] = words
    assert len(refusals) > 500
    assert left == {}


def test_several_parts_are_each_said_by_their_own_template():
    from icjis.courts.hearings import _report_mandatory

    said = _report_mandatory({"P-000001": "a child", "P-000002": "a woman"})
    assert "(P-000001 is a child; P-000002 is a woman)" in said  # the API's sentence
    with translation.override("ru"):
        shown = localise_refusal(said)
    assert "(P-000001 — несовершеннолетний; P-000002 — женщина)" in shown
    assert english_words(shown.replace("P-000001", "").replace("P-000002", "")) == [], shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_value_that_is_an_acts_choice_is_said_by_its_label(language):
    from icjis.courts.appeals import already_decided
    from icjis.web.labels import choice_label

    said = already_decided(type("Appeal", (), {"id": "AP-000001", "outcome": "quashed"})())
    assert said == "Appeal AP-000001 has already been decided (quashed)."  # the API's sentence
    with translation.override(language):
        shown = localise_refusal(said)
        label = choice_label("quashed")
    assert label != "quashed" and f"({label})" in shown
    assert english_words(shown.replace("AP-000001", "")) == [], shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_names_the_fields_it_asks_for_by_their_labels(
    browser,
    as_user,
    fixed_clock,  # noqa: F811
    language,
):
    """A release on parole without the court's decision asks for three fields; the API names
    them as the schema does, the page by the labels the form shows them under."""
    con = admitted(as_user)
    page = browser("prison_officer", language).post(
        f"/cases/{con.number}/acts/prisons.release/",
        {"person": con.person, "grounds": "parole", "idempotency_key": f"release-{language}"},
    )
    assert page.status_code == 400
    said = re.search(r'<p class="alert" role="alert" id="refusal">(.*?)</p>', page.content.decode())
    assert said, page.content.decode()[:3000]
    shown = unescape(said.group(1))
    with translation.override(language):
        labels = [translation.gettext(t) for t in ("Court", "Document", "Document Date")]
    assert all(f"«{label}»" in shown for label in labels), shown
    assert english_words(shown) == [], shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_code_is_named_by_its_year_not_its_id(language):
    from icjis.legal.articles import refuse_unknown
    from icjis.legal.catalogues import CODE_IDS, ArticleNotFoundError
    from icjis.web.labels import CODE_WORDS

    assert set(CODE_WORDS) == set(CODE_IDS)  # every code a sentence may name has its words
    with pytest.raises(Invalid) as refused:
        refuse_unknown("kg-cc-2021", "9999", None, ArticleNotFoundError("no article 9999"))
    said = refused.value.message
    assert said == "There is no article 9999 in the criminal code kg-cc-2021; check the number."
    with translation.override(language):
        shown = localise_refusal(said)
    assert "kg-cc" not in shown and "2021" in shown and "9999" in shown, shown
    assert english_words(shown) == [], shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_deadline_engines_fields_and_acts_are_said_by_their_labels(language):
    """A term's data refused by the deadline engine: the field by its form label, the act by its
    title; the API's English keeps the schema's names."""
    from types import SimpleNamespace

    from icjis.legal.engine import DeadlineDataError, _positive_int
    from icjis.web.labels import act_title, field_label

    rule = SimpleNamespace(id="kg-2021.custody", article="CPC 303(3)")
    with pytest.raises(DeadlineDataError) as refused:
        _positive_int(rule, "months", "many")  # type: ignore[arg-type]
    said = refused.value.message
    assert said.startswith("months must be a whole number of at least 1 for kg-2021.custody")
    kind = say(
        "%(kind)s must name the %(field)s for %(rule)s (%(article)s)",
        kind="detention.arrest",
        field="person",
        rule="kg-2021.custody",
        article="CPC 96",
    )
    with translation.override(language):
        shown, act = localise_refusal(said), localise_refusal(kind)
        label, title = field_label("Months"), act_title("detention.arrest")
    assert f"«{label}»" in shown and "months" not in shown, shown
    assert f"«{title}»" in act and "detention.arrest" not in act, act
