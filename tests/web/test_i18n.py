"""Kyrgyz, Russian and English on every page: every template string is marked for translation,
every marked string (and every act's title, field and choice) has a non-empty Kyrgyz and Russian
entry, the switcher is remembered per user, and dates follow the user's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from tests.web.i18n import (
    LANGUAGES,
    SRC,
    all_msgids,
    catalogue,
    placeholders,
    python_msgids,
    template_files,
    template_msgids,
)

from icjis.core.acts import KINDS
from icjis.web import labels
from icjis.web.management.commands.web_labels import _walk as walk_schema
from icjis.web.models import LanguagePreference

# Text a template may show without translation: the system's name and punctuation.
UNTRANSLATABLE = {"ICJIS"}
# The act kinds whose labels are enforced: every module whose acts are stable.
COVERED = (
    "alerts.",
    "persons.",
    "registry.",
    "detention.",
    "legalaid.",
    "courts.",
    "prisons.",
    "probation.",
    "fines.",
    "offences.",
    "documents.",
    "evidence.",
    "dispatch.",
    "exchange.",
    "forensics.",
    "analytics.",
)


def unmarked_text(source: str) -> list[str]:
    """Words of a template that are neither inside a template tag or variable, nor markup."""
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", " ", text, flags=re.S)
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    words = []
    # Attributes people read (labels for screen readers, tooltips, placeholders).
    for value in re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', text):
        words += re.findall(r"[^\W\d_]{2,}", value)
    text = re.sub(r"<[^>]*>", " ", text)
    words += re.findall(r"[^\W\d_]{2,}", text)
    return [w for w in words if w not in UNTRANSLATABLE]


def test_the_unmarked_text_finder_finds_a_plain_word():
    assert unmarked_text("<p>Hello {% translate 'World' %}</p>") == ["Hello"]
    assert unmarked_text('<nav aria-label="Main">') == ["Main"]
    assert unmarked_text("<p>{% blocktranslate %}Case {{ n }}{% endblocktranslate %}</p>") == []


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_every_template_string_is_marked_for_translation(path: Path):
    assert unmarked_text(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_has_a_translation(language):
    entries = catalogue(language)
    missing = {m: where for m, where in all_msgids().items() if m not in entries}
    empty = [
        m
        for m, e in entries.items()
        if e["fuzzy"] or (not all(e["str"]) if isinstance(e["str"], list) else not e["str"])
    ]
    assert missing == {}, f"not in the {language} catalogue (run makemessages and translate)"
    assert empty == [], f"empty or fuzzy in the {language} catalogue"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_values_of_its_sentence(language):
    """A translation names the same `%(name)s` values as its English (a plural's form may leave
    the number out, as its English singular may), or filling it on a page would fail."""
    wrong = []
    for msgid, entry in catalogue(language).items():
        wanted = placeholders(msgid) | placeholders(str(entry.get("plural", "")))
        forms = entry["str"] if isinstance(entry["str"], list) else [entry["str"]]
        for form in forms:
            found = placeholders(form)
            if found - wanted or ("plural" not in entry and found != wanted):
                wrong.append((msgid, form))
    assert wrong == []


def test_the_extractors_find_what_the_pages_mark():
    assert "Acts you may perform now" in template_msgids(SRC / "web/templates/web/case.html")
    assert "Case %(number)s" in template_msgids(SRC / "web/templates/web/case.html")
    assert "Cases past a deadline" in python_msgids(SRC / "web/queues.py")
    # Every app's templates are covered, and a literal "%" is looked up doubled, as Django does.
    assert SRC / "courts/templates/courts/draw.html" in template_files()
    assert "Share, %%" in template_msgids(SRC / "courts/templates/courts/draw.html")
    assert "There is no such court." in all_msgids()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_act_title_field_and_choice_is_labelled_and_translated(language):
    entries = catalogue(language)
    for kind in KINDS.values():
        if not kind.name.startswith(COVERED):
            continue
        assert labels.ACT_TITLES.get(kind.name) == kind.title, kind.name
        schema = kind.schema.model_json_schema()
        titles: set[str] = set()
        choices: set[str] = set()
        for node in [schema, *schema.get("$defs", {}).values()]:
            walk_schema(node, titles, choices)
        assert titles <= set(labels.FIELD_TITLES), (kind.name, titles - set(labels.FIELD_TITLES))
        assert choices <= set(labels.CHOICES), (kind.name, choices - set(labels.CHOICES))
        assert entries.get(kind.title, {}).get("str"), (language, kind.title)
    for text in [*labels.FIELD_TITLES.values(), *labels.CHOICES.values()]:
        assert entries.get(text, {}).get("str"), (language, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_acts_legal_basis_is_said_without_english_words(language):
    """A legal basis keeps its article numbers and says the names of the codes and laws in the
    page's language (`labels.BASIS_TERMS`): no Latin word is left of it, for every act kind,
    so a new act citing a new law cannot show it in English."""
    from django.utils import translation

    left = {}
    with translation.override(language):
        for kind in KINDS.values():
            said = labels.legal_basis(kind.legal_basis)
            if re.search(r"[A-Za-z]{2,}", said):
                left[kind.name] = said
    assert left == {}
    with translation.override("ru"):
        assert labels.legal_basis("Law of 27.04.2017 No. 63, arts. 25, 27; CoO 71") == (
            "Закон от 27.04.2017 № 63, ст. 25, 27; КоП 71"
        )
        assert labels.legal_basis("the parts. CC 1") == "the parts. УК 1"  # no "art." inside


def test_the_compiled_catalogues_are_in_use(client):
    """`make install` compiles the .po files; without the .mo the pages would be English."""
    for language in LANGUAGES:
        compiled = SRC / "locale" / language / "LC_MESSAGES" / "django.mo"
        assert compiled.exists(), "run `make install` (it compiles the catalogues)"
        source = compiled.with_suffix(".po")
        assert compiled.stat().st_mtime >= source.stat().st_mtime, "the .mo is older than the .po"
    html = Client(HTTP_ACCEPT_LANGUAGE="ky").get("/login/").content.decode()
    assert "Кирүү" in html
    html = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/login/").content.decode()
    assert "Войти" in html


def test_the_chosen_language_is_remembered_for_the_user(world):
    first = Client()
    first.post("/login/", {"username": "investigator", "password": "demo"})
    first.post("/language/", {"language": "ky", "next": "/"})
    assert LanguagePreference.objects.get(username="investigator").language == "ky"
    # Another browser, whose own language is English: the user's choice wins after login.
    second = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = second.post("/login/", {"username": "investigator", "password": "demo"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ky"
    html = second.get("/").content.decode()
    assert 'lang="ky"' in html
    assert "Иш тизмеси" in html


def test_a_visitor_keeps_the_language_without_logging_in(world):
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    visitor.post("/language/", {"language": "ru", "next": "/public/"})
    assert visitor.session["language"] == "ru"
    assert "Публичный портал" in visitor.get("/public/").content.decode()
    assert not LanguagePreference.objects.exists()


def test_an_unknown_language_is_ignored(world):
    visitor = Client()
    response = visitor.post("/language/", {"language": "xx", "next": "/public/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_dates_follow_the_language(browser, new_case):
    number = new_case()
    english = browser("investigator", "en").get(f"/cases/{number}/").content.decode()
    russian = browser("investigator", "ru").get(f"/cases/{number}/").content.decode()
    # English "29 Nov 2026, 20:30" (icjis/formats/en: Django's own would be "11/29/2026 8:30
    # p.m."), Russian "29.11.2026 20:30".
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}", english)
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}|[ap]\.m\.", english)
    assert re.search(r"\d{2}\.\d{2}\.\d{4} \d{1,2}:\d{2}", russian)
