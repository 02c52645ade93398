"""The acts' refusals a browser user meets most are shown in the user's language, while the API
keeps its English sentence; a refusal the pages do not know is shown as the API gives it."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from tests.web.test_workbench import arrested  # noqa: F401

from icjis.web.refusals import localise_refusal

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
