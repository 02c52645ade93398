"""The place of residence on the pages: shown on the person's page, recorded from there through
a form whose places are picked by name (CEC 30(1)-(2))."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from tests.web.test_workbench import arrested  # noqa: F401

from icjis.core.models import Person


@pytest.mark.parametrize(
    ("language", "place", "none"),
    [
        ("ru", "город Бишкек — Ленинский район", "не внесено"),
        ("ky", "Бишкек шаары — Ленин району", "киргизилген эмес"),
    ],
)
def test_a_residence_is_recorded_from_the_persons_page_by_the_places_name(
    browser,
    arrested: dict[str, Any],  # noqa: F811
    language,
    place,
    none,
):
    person = arrested["person"]
    investigator = browser("investigator", language)
    page = unescape(investigator.get(f"/persons/{person}/").content.decode())
    assert none in page
    link = re.search(r'href="(/acts/persons\.residence\.record/\?person=[^"]+)"', page)
    assert link, page
    form = unescape(investigator.get(link.group(1)).content.decode())
    picker = re.search(r'<select id="f-residence" name="residence"[^>]*>(.*?)</select>', form, re.S)
    assert picker, form
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', picker.group(1)))
    assert options["KG-GB-LEN"] == place and "KG" not in options  # the country is no residence
    assert options[""] == "—"  # nothing picked for the clerk; the field is required
    # The person by name, picked already.
    named = f'<input type="hidden" name="person" value="{person}">'
    assert named in form and '<output id="f-person" class="fixed">Сатыбалдиев Эрлан<' in form
    answer = investigator.post(
        link.group(1),
        {
            "person": person,
            "residence": "KG-GB-LEN",
            "basis": "Со слов задержанного",
            "idempotency_key": f"residence-{language}",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert Person.objects.get(pk=person).residence_id == "KG-GB-LEN"
    page = unescape(investigator.get(f"/persons/{person}/").content.decode())
    assert place in page and none not in page


def test_a_role_that_does_not_record_residences_sees_it_without_the_link(
    browser,
    as_user,
    arrested,  # noqa: F811
):
    person = arrested["person"]
    moved = {"person": person, "residence": "KG-GB-OKT", "basis": "Адресная справка"}
    assert as_user("investigator").act("persons.residence.record", moved).status_code == 201
    prosecutor = browser("prosecutor", "ru")
    page = unescape(prosecutor.get(f"/persons/{person}/?purpose=supervision").content.decode())
    assert "город Бишкек — Октябрьский район" in page
    assert "persons.residence.record" not in page
