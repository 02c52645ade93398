"""Access transparency (SPEC, "beyond every system we know of"): on a person's request the auditor
gives them the report of who accessed their record and why — by institution, unit, role,
purpose and day, never the officials' names — as a signed document anyone can check by its code;
the reads of a case whose investigation stays secret are withheld and counted; nothing is given
where the law does not allow it yet."""

from __future__ import annotations

import io
from html import unescape
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from pypdf import PdfReader

from icjis.core.models import Event, Person, Unit

REPORT = {
    "channel": "in_person",
    "summary": "Кража велосипеда у подъезда",
    "place": {"region": "KG-GB"},
    "applicant": {"surname": "Прозрачнова", "given_name": "Айгерим", "sex": "F"},
}
REQUEST = "Письменное заявление от 2 февраля; личность установлена по паспорту ID0000000."


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()


def text_of(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


@pytest.fixture
def applicant(as_user: Any) -> tuple[str, str]:
    """A case whose applicant the investigator's unit read twice and found once by name."""
    number = ok(as_user("registrar").act("registry.report.register", REPORT))["result"]["case"]
    person = Person.objects.get(surname="Прозрачнова").pk
    investigator = as_user("investigator")
    for _ in range(2):
        assert investigator.get(f"/cases/{number}").status_code == 200
    assert investigator.get("/persons", q="Прозрачнова").status_code == 200
    return number, person


def give(as_user: Any, person: str, **extra: Any) -> Any:
    return as_user("auditor").act(
        "persons.access_report.give", {"person": person, "request": REQUEST, **extra}
    )


def test_the_auditor_gives_the_report_by_institution_unit_role_and_purpose(
    as_user, world, applicant
):
    number, person = applicant
    assert as_user("registrar").act(
        "persons.access_report.give", {"person": person, "request": REQUEST}
    ).status_code in (403, 404)
    given = ok(give(as_user, person))
    event = Event.objects.get(stream=f"person/{person}", seq=given["event"]["seq"])
    data = event.payload
    unit = world["investigator"].unit_id
    [read] = [r for r in data["reads"] if r["role"] == "investigator"]
    assert (read["unit"], read["agency"], read["purpose"], read["count"]) == (
        unit,
        world["investigator"].agency_id,
        "caseload",
        2,
    )
    [seen] = [s for s in data["sightings"] if s["role"] == "investigator"]
    assert (seen["list"], seen["count"]) == ("persons", 1)
    assert data["withheld"] == [] and data["records"] == [person]
    # The report names no official: its rows keep these fields and no other.
    fields = {"day", "agency", "unit", "role", "purpose", "count"}
    assert all(set(r) == fields for r in data["reads"])
    assert all(set(s) == fields | {"list"} for s in data["sightings"])

    # Its document, signed by the auditor, names the unit and the role in the reader's words.
    issued = ok(
        as_user("auditor").act(
            "documents.document.issue",
            {
                "stream": f"person/{person}",
                "seq": event.seq,
                "document": "persons.access_report",
                "language": "ru",
            },
        )
    )["result"]
    text = text_of(as_user("auditor").get(f"/documents/{issued['code']}/pdf").content)
    for words in ("Прозрачнова", "Следователь", Unit.objects.get(pk=unit).name_ru, "ID0000000"):
        assert words in text, words
    assert world["investigator"].full_name not in text
    # Anyone checks it by its code, and learns nothing personal from the check.
    page = Client().get(f"/public/documents/{issued['code']}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200 and "Прозрачнова" not in page.content.decode()
    # Another official does not read it.
    assert as_user("investigator").get(f"/documents/{issued['code']}/pdf").status_code == 404
    call_command("rebuild_projections", check=True)


def test_the_reads_of_a_secret_investigation_are_withheld_and_counted(as_user, applicant):
    number, person = applicant
    not_read = give(as_user, person, withhold=[{"case": "01-0101-000001-0"}])
    assert not_read.status_code == 400 and "withhold" in not_read.json()["fields"]
    data = Event.objects.get(
        stream=f"person/{person}",
        seq=ok(give(as_user, person, withhold=[{"case": number}]))["event"]["seq"],
    ).payload
    assert data["withheld"] == [{"case": number, "count": 2}]
    assert not [r for r in data["reads"] if r["role"] == "investigator"]
    assert data["reasons"] == {number: "investigation_secrecy"}


def test_a_merged_record_is_reported_through_the_record_it_joined(as_user, applicant):
    _number, person = applicant
    other = ok(
        as_user("registrar").act(
            "persons.register",
            {"person": {"surname": "Прозрачнова", "given_name": "Айгерим", "sex": "F"}},
        )
    )["result"]["person"]
    merge = {"person": person, "into": other, "reason": "Одно лицо: совпадают ФИО и адрес."}
    ok(as_user("registrar").act("persons.merge", merge))
    refused = give(as_user, person)
    assert refused.status_code == 409 and other in refused.json()["message"]
    data = Event.objects.get(
        stream=f"person/{other}", seq=ok(give(as_user, other))["event"]["seq"]
    ).payload
    assert sorted(data["records"]) == sorted([person, other])
    assert sum(r["count"] for r in data["reads"] if r["role"] == "investigator") == 2


@override_settings(ACCESS_REPORTS=False)
def test_no_report_is_given_where_the_law_does_not_allow_it(as_user, applicant):
    _number, person = applicant
    refused = give(as_user, person)
    assert refused.status_code == 403 and "ICJIS_ACCESS_REPORTS" in refused.json()["message"]
    assert not Event.objects.filter(stream=f"person/{person}").exists()


def test_the_auditor_s_page_offers_the_report_and_lists_those_given(as_user, world, applicant):
    _number, person = applicant
    browser = Client()
    browser.force_login(world["auditor"])
    page = unescape(browser.get(f"/audit/persons/{person}/").content.decode())
    offer = f"/acts/persons.access_report.give/?person={person}"
    assert offer in page
    answer = browser.post(offer, {"person": person, "request": REQUEST, "idempotency_key": "r-1"})
    assert answer.status_code == 302 and answer["Location"].endswith(f"/audit/persons/{person}/")
    page = unescape(browser.get(f"/audit/persons/{person}/").content.decode())
    assert "обращений: 2, показов в списках: 1" in page  # the page in Russian by default
    assert "persons.access_report" in page  # the document to issue and sign
