"""The work list and the case page: what a logged-in official sees, and what they may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from icjis.core import clock
from icjis.core.models import AccessRecord
from icjis.core.numbering import format_number


def test_it_shows_who_is_logged_in_and_the_simulated_clock(browser):
    html = browser("investigator").get("/").content.decode()
    assert "Demo investigator" in html
    assert "Следователь" in html or "Investigator" in html
    assert "Police Department, Bishkek City" in html
    assert "simulated" in html


def test_it_lists_the_cases_of_my_unit_with_a_link_to_each(browser, new_case):
    number = new_case()
    html = browser("investigator").get("/").content.decode()
    assert f'href="/cases/{number}/"' in html
    assert "Registered" in html


def test_it_lists_newest_movement_first(browser, new_case):
    first = new_case()
    second = new_case()
    html = browser("investigator").get("/").content.decode()
    assert html.index(second) < html.index(first)


def test_it_shows_the_next_open_deadline_and_the_time_left(browser, new_case, term):
    number = new_case()
    term(number, timedelta(days=3, hours=2), title="Later term")
    term(number, timedelta(days=1, hours=5), title="Sooner term")
    html = browser("investigator").get("/").content.decode()
    assert "Sooner term" in html
    assert "Later term" not in html
    assert 'class="running"' in html
    assert 'class="missed"' not in html


def test_it_shows_a_missed_deadline_in_red(browser, new_case, term):
    number = new_case()
    term(number, timedelta(days=2))
    clock.advance(timedelta(days=3))
    html = browser("investigator").get("/").content.decode()
    assert '<td class="missed">' in html
    assert "overdue by" in html


def test_it_hides_the_cases_of_another_region_from_the_work_list(browser, new_case):
    number = new_case()
    html = browser("investigator_osh").get("/").content.decode()
    assert number not in html
    assert "No cases in your work list." in html


def test_it_lists_cases_in_a_constant_number_of_queries(browser, new_case, term):
    term(new_case(), timedelta(days=1))
    client = browser("investigator")
    client.get("/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(3):
        term(new_case(), timedelta(days=2))
    assert queries() == few


def test_it_shows_the_case_header_deadlines_and_timeline(browser, new_case, term):
    number = new_case()
    term(number, timedelta(hours=20), title="Decide on the report")
    response = browser("investigator").get(f"/cases/{number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Case {number}" in html
    assert "Registered" in html
    assert "not yet qualified" in html
    assert "Police Department, Bishkek City" in html
    assert "Кража велосипеда" in html
    assert "Register a crime report" in html
    assert "registrar (" in html
    assert "Decide on the report" in html
    assert "CPC 153(3)" in html


def test_it_logs_the_opening_of_a_case_page(browser, new_case):
    number = new_case()
    browser("investigator").get(f"/cases/{number}/?purpose=supervision")
    record = AccessRecord.objects.get(actor="investigator", subject=number)
    assert record.outcome == "shown"
    assert record.purpose == "supervision"


def test_it_answers_404_to_an_investigator_of_another_region_and_logs_the_denial(browser, new_case):
    number = new_case()
    response = browser("investigator_osh").get(f"/cases/{number}/")
    assert response.status_code == 404
    assert "Кража велосипеда" not in response.content.decode()
    record = AccessRecord.objects.get(actor="investigator_osh", subject=number)
    assert record.outcome == "denied"


def test_it_answers_the_same_404_for_a_case_that_does_not_exist(browser):
    number = format_number(2026, "0101", 999_999)
    response = browser("investigator").get(f"/cases/{number}/")
    assert response.status_code == 404
    assert AccessRecord.objects.get(actor="investigator", subject=number).outcome == "not_found"


@pytest.mark.parametrize("number", ["nonsense", "26-0101-000001-9x", "12345"])
def test_it_answers_404_to_a_malformed_case_number(browser, number):
    assert browser("investigator").get(f"/cases/{number}/").status_code == 404


def test_it_redirects_a_case_number_typed_without_dashes(browser, new_case):
    number = new_case()
    response = browser("investigator").get(f"/cases/{number.replace('-', '')}/")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{number}/"


def test_it_lets_the_auditor_read_any_case(browser, new_case):
    number = new_case()
    assert browser("auditor_osh").get(f"/cases/{number}/").status_code == 200


def test_it_lists_the_participants_of_the_case(browser, new_case, as_user):
    number = new_case()
    person = {"surname": "Асанов", "given_name": "Бакыт", "birth_date": "1990-04-02", "sex": "M"}
    response = as_user("investigator").act(
        "registry.participant.add", {"role": "victim", "person": person}, case=number
    )
    assert response.status_code == 201, response.content
    html = browser("investigator").get(f"/cases/{number}/").content.decode()
    assert "Асанов Бакыт" in html
    assert "Victim" in html
    assert "registry.participant.add" in html


def test_the_auditor_sees_who_read_a_person_and_each_case_that_showed_the_person(browser, as_user):
    report = {
        "channel": "in_person",
        "summary": "Кража велосипеда",
        "place": {"region": "KG-GB"},
        "applicant": {"surname": "Үсөнов", "given_name": "Нурлан", "sex": "M"},
    }
    r = as_user("registrar").act("registry.report.register", report)
    assert r.status_code == 201, r.content
    number = r.json()["result"]["case"]
    person = as_user("registrar").get(f"/cases/{number}").json()["participants"][0]["person"]
    assert browser("prosecutor").get(f"/cases/{number}/").status_code == 200
    assert browser("investigator_osh").get(f"/persons/{person}/").status_code == 404
    page = browser("auditor", "ru").get(f"/audit/persons/{person}/").content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    assert len(rows) == 3, rows  # the registrar's and the prosecutor's case reads, one refusal
    refused, prosecutor, registrar = rows  # newest first
    for row, reader in ((prosecutor, "prosecutor"), (registrar, "registrar")):
        assert f"<td>{reader}</td>" in row and "показано" in row, row
        assert f'<a href="/cases/{number}/">дело {number}</a>' in row, row
    assert "<td>investigator_osh</td>" in refused and "запись о лице" in refused, refused
    assert "отказано: вне круга доступа" in refused, refused
    assert "Ни один список и ни один поиск не показывали это лицо." in page
    # A search that found the person is a sighting: shown per reader, list and day.
    searched = browser("investigator").get("/persons/", {"q": "Үсөнов"}).content.decode()
    assert f"/persons/{person}/" in searched
    page = browser("auditor", "ru").get(f"/audit/persons/{person}/").content.decode()
    seen = page.split("Показано в списках и при поиске")[1].split("<tbody>")[1].split("</tr>")[0]
    assert "<td>investigator</td>" in seen and "поиск лица" in seen and "<td>1</td>" in seen, seen
    assert browser("investigator").get(f"/audit/persons/{person}/").status_code == 404


def test_every_kind_of_read_that_names_persons_has_a_name_on_the_auditor_s_page():
    """The auditor's page names each list or search by its kind (`views.LIST_LABELS`): every
    `log_read(…, persons=…)` in the code, and every `_listed(…)` of the court's lists (which
    passes its kind on), is found here by reading the source, so a new one cannot go unnamed."""
    import ast
    from pathlib import Path

    import icjis
    from icjis.web.views import LIST_LABELS

    kinds: dict[str, str] = {}
    for path in Path(icjis.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(
                node.func, ast.Name | ast.Attribute
            ):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            naming = name == "_listed" or (
                name == "log_read" and any(k.arg == "persons" for k in node.keywords)
            )
            if naming and len(node.args) > 1:
                kind = node.args[1]
                if isinstance(kind, ast.Name) and kind.id == "listed":
                    continue  # `_listed` passing its caller's kind on
                assert isinstance(kind, ast.Constant), f"{path}:{node.lineno}: a kind in a variable"
                kinds[kind.value] = f"{path.name}:{node.lineno}"
    assert {"persons", "detention", "petitions", "feed"} <= kinds.keys()  # the scan finds them
    assert not kinds.keys() - LIST_LABELS.keys(), {
        k: kinds[k] for k in kinds if k not in LIST_LABELS
    }


def test_the_auditor_s_page_names_the_merged_record_a_read_was_of(browser, as_user):
    person = {"surname": "Үсөнов", "given_name": "Нурлан", "birth_date": "1991-03-02", "sex": "M"}
    ids = []
    for surname in ("Үсөнов", "Усонов"):
        r = as_user("registrar").act("persons.register", {"person": {**person, "surname": surname}})
        assert r.status_code == 201, r.content
        ids.append(r.json()["result"]["person"])
    first, second = ids
    assert as_user("prosecutor").get(f"/persons/{second}", purpose="supervision").status_code == 404
    merge = {"person": second, "into": first, "reason": "одно лицо, тот же паспорт"}
    assert as_user("unit_head").act("persons.merge", merge).status_code == 201
    page = browser("auditor", "ru").get(f"/audit/persons/{first}/").content.decode()
    row = page.split("<tbody>")[1].split("</tr>")[0]
    assert "<td>prosecutor</td>" in row and f"запись {second}, объединённая с этой" in row, row


def test_the_auditor_s_page_links_the_case_a_list_of_one_case_was_of(browser, world, new_case):
    from icjis.core.access import log_read

    number = new_case()
    for subject in (number, "held:queue"):
        log_read(
            world["prosecutor"], "measures", subject, "court", "shown", persons=["P0123456789AB"]
        )
    page = browser("auditor", "ru").get("/audit/persons/P0123456789AB/").content.decode()
    seen = page.split("Показано в списках и при поиске")[1].split("</tbody>")[0]
    assert seen.count("меры пресечения") == 2  # two lists: of one case, and a queue
    assert f'(<a href="/cases/{number}/">дело {number}</a>)' in seen
    assert "held:queue" not in seen  # the API's own word for a list is not shown
