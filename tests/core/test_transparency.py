"""Access transparency (SPEC, "beyond every system we know of"): on a person's request the auditor
gives them the report of who accessed their record and why — by institution, unit, role,
purpose and day, never the officials' names — as a signed document anyone can check by its code;
the reads of a case whose investigation stays secret are withheld and counted; nothing is given
where the law does not allow it yet."""

from __future__ import annotations

import io
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation
from pypdf import PdfReader

from icjis.core import clock, transparency
from icjis.core.models import Event, OutboxMessage, Person, Unit
from icjis.legal.counting import LOCAL_TZ

REPORT = {
    "channel": "in_person",
    "summary": "Кража велосипеда у подъезда",
    "place": {"region": "KG-GB"},
    "applicant": {"surname": "Прозрачнова", "given_name": "Айгерим", "sex": "F"},
}
REQUEST = "Письменное заявление от 2 февраля; личность установлена по паспорту."


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
    assert data["withheld"] == 0 and data["records"] == [person]
    # Told to the person alone: the event goes to no feed or bus, as the reads it reports.
    assert not OutboxMessage.objects.filter(event=event).exists()
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
    for words in ("Прозрачнова", "Следователь", Unit.objects.get(pk=unit).name_ru, "по паспорту"):
        assert words in text, words
    assert world["investigator"].full_name not in text
    # Reads after the report change nothing of its document: the rows are the event's, while
    # a report given now counts the new read.
    assert as_user("investigator").get(f"/cases/{number}").status_code == 200
    with translation.override("ru"):
        facts = transparency.access_report_document(event)
    assert [r["count"] for r in facts["reads"] if r["role"] == "Следователь"] == [2]
    newer = Event.objects.get(
        stream=f"person/{person}", seq=ok(give(as_user, person))["event"]["seq"]
    ).payload
    assert [r["count"] for r in newer["reads"] if r["role"] == "investigator"] == [3]
    # Anyone checks it by its code, and learns nothing personal from the check.
    page = Client().get(f"/public/documents/{issued['code']}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200 and "Прозрачнова" not in page.content.decode()
    # Another official does not read it.
    assert as_user("investigator").get(f"/documents/{issued['code']}/pdf").status_code == 404
    call_command("rebuild_projections", check=True)


def test_a_secret_investigation_s_officials_are_left_out_of_the_report(as_user, applicant):
    number, person = applicant
    # The investigator also opened the person's own record: withholding the case leaves out
    # every read and sighting of theirs, or the report would point at the investigation.
    assert as_user("investigator").get(f"/persons/{person}").status_code == 200
    not_shown = give(as_user, person, withhold=[{"case": "01-0101-000001-0"}])
    assert not_shown.status_code == 400 and "withhold" in not_shown.json()["fields"]
    given = ok(give(as_user, person, withhold=[{"case": number}]))
    data = Event.objects.get(stream=f"person/{person}", seq=given["event"]["seq"]).payload
    assert data["withheld"] == 4  # two case reads, the record's read, one search
    assert not [r for r in data["reads"] + data["sightings"] if r["role"] == "investigator"]
    assert data["withheld_cases"] == {number: "investigation_secrecy"}
    issued = ok(
        as_user("auditor").act(
            "documents.document.issue",
            {
                "stream": f"person/{person}",
                "seq": given["event"]["seq"],
                "document": "persons.access_report",
                "language": "ru",
            },
        )
    )["result"]
    text = text_of(as_user("auditor").get(f"/documents/{issued['code']}/pdf").content)
    assert number not in text and "167" not in text  # nothing tells of the investigation


def test_the_period_and_the_size_of_a_report(as_user, applicant, monkeypatch):
    _number, person = applicant
    tomorrow = (clock.now() + timedelta(days=1)).astimezone(LOCAL_TZ).date()
    ahead = give(as_user, person, since=tomorrow.isoformat())
    assert ahead.status_code == 400 and "since" in ahead.json()["fields"]
    today = clock.now().astimezone(LOCAL_TZ).date().isoformat()
    data = Event.objects.get(
        stream=f"person/{person}", seq=ok(give(as_user, person, since=today))["event"]["seq"]
    ).payload
    assert data["since"] == today and sum(r["count"] for r in data["reads"]) >= 2
    monkeypatch.setattr(transparency, "MAX_ROWS", 1)
    too_long = give(as_user, person)
    assert too_long.status_code == 400 and "shorter period" in too_long.json()["message"]


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
    other = Client()
    other.force_login(world["investigator"])
    assert other.get(f"/audit/persons/{person}/").status_code == 404
