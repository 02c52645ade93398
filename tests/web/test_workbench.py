"""The pages of every role: work queues, act forms generated from the act's schema, persons and
who viewed them, feedback, the public portal; logins, regions, CSRF and page weight."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from icjis.core import clock
from icjis.core.models import AccessRecord, Event
from icjis.web.models import Feedback

REPORT = {"channel": "in_person", "summary": "Грабёж у рынка", "place": {"region": "KG-GB"}}
SUSPECT = {"surname": "Сатыбалдиев", "given_name": "Эрлан", "birth_date": "1992-02-11", "sex": "M"}
ROLES = [
    "registrar",
    "investigator",
    "unit_head",
    "prosecutor",
    "ivs_officer",
    "ivs_medic",
    "legal_aid_coordinator",
    "lawyer",
    "court_clerk",
    "judge",
    "investigating_judge",
    "auditor",
    "ombudsperson",
    "admin",
    "analyst",
    "appeal_judge",
    "prison_officer",
    "probation_officer",
    "enforcement_officer",
    "offences_officer",
    "evidence_custodian",
    "dispatcher",
    "expert",
]


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def arrested(as_user: Any) -> dict[str, str]:
    """A robbery case of the Bishkek police with its suspect detained 40 minutes ago."""
    number = ok(as_user("registrar").act("registry.report.register", REPORT))["result"]["case"]
    ok(as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number))
    inv = as_user("investigator")
    ok(inv.act("registry.case.open", {"article": "205", "part": 1}, case=number))
    person = ok(
        inv.act("registry.participant.add", {"role": "suspect", "person": SUSPECT}, case=number)
    )["result"]["person"]
    detained_at = (clock.now() - timedelta(minutes=40)).replace(second=0, microsecond=0)
    ok(
        inv.act(
            "detention.arrest",
            {
                "person": person,
                "detained_at": detained_at.isoformat(),
                "place": "ул. Токтогула",
                "grounds": "застигнут при совершении преступления",
            },
            case=number,
        )
    )
    return {"case": number, "person": person}


def staff_pages(number: str, person: str) -> list[str]:
    return [
        "/",
        "/queues/detainees/",
        f"/cases/{number}/",
        f"/cases/{number}/acts/detention.release/",
        "/acts/registry.report.register/",
        "/persons/?q=Сатыбалдиев",
        f"/persons/{person}/",
        f"/audit/persons/{person}/",
        "/feedback/list/",
        "/feedback/mine/",
    ]


# --- logins and regions -----


def test_every_staff_page_without_login_goes_to_the_login_page(client, arrested):
    for path in staff_pages(arrested["case"], arrested["person"]):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/?next="), path
    assert client.post("/feedback/", {"text": "x"})["Location"].startswith("/login/")


def test_a_case_and_its_people_of_another_region_are_not_found(browser, arrested):
    osh = browser("investigator_osh")
    number, person = arrested["case"], arrested["person"]
    for path in (
        f"/cases/{number}/",
        f"/cases/{number}/acts/detention.release/",
        f"/persons/{person}/",
        f"/persons/{person}/?purpose=search",
    ):
        assert osh.get(path).status_code == 404, path
    assert osh.post(f"/cases/{number}/acts/detention.release/", {}).status_code == 404
    assert not osh.get("/persons/", {"q": "Сатыбалдиев"}).context["found"]


def test_an_act_the_role_may_not_perform_is_not_found(browser, arrested):
    lawyer = browser("lawyer")
    assert lawyer.get(f"/cases/{arrested['case']}/acts/registry.case.terminate/").status_code == 404
    assert browser("registrar").get("/acts/legalaid.roster.set/").status_code == 404


# --- work queues -----


def test_the_ivs_officer_sees_the_detainee_with_the_clock_running(browser, arrested):
    html = browser("ivs_officer").get("/").content.decode()
    queue = html[html.index('id="queue-detainees"') :]
    queue = queue[: queue.index("</section>")]
    assert "Сатыбалдиев" in queue
    # 48 hours from a detention 40 minutes ago: 1 day and 23 hours left.
    assert re.search(r'<td class="running">1\xa0day, 23\xa0hours</td>', queue), queue
    assert 'hx-trigger="every 60s"' in queue


def test_the_detainee_queue_refreshes_alone(browser, arrested):
    response = browser("ivs_officer").get("/queues/detainees/")
    html = response.content.decode()
    assert html.lstrip().startswith("<section")
    assert "Сатыбалдиев" in html
    assert browser("ivs_officer").get("/queues/nothing/").status_code == 404


def test_the_detainee_list_is_a_logged_read(browser, arrested):
    browser("ivs_officer").get("/")
    assert AccessRecord.objects.filter(actor="ivs_officer", subject_type="detention").exists()


def test_the_lawyer_is_asked_to_accept_the_appointment(browser, arrested):
    html = browser("lawyer").get("/").content.decode()
    link = re.search(r'href="(/cases/[^"]+/acts/legalaid\.accept/\?appointment=(LA-[^"]+))"', html)
    assert link, html
    form = browser("lawyer").get(link.group(1).replace("&amp;", "&")).content.decode()
    assert f'value="{link.group(2)}"' in form


def test_the_head_of_unit_sees_undecided_reports_and_missed_terms(browser, as_user, new_case, term):
    number = new_case()
    term(number, timedelta(days=1), title="Decide on the report")
    clock.advance(timedelta(days=2))
    html = browser("unit_head").get("/").content.decode()
    undecided = html[html.index('id="queue-undecided"') :]
    assert number in undecided[: undecided.index("</section>")]
    overdue = html[html.index('id="queue-overdue"') :]
    overdue = overdue[: overdue.index("</section>")]
    assert number in overdue
    assert '<td class="missed">overdue by 1\xa0day</td>' in overdue


def test_an_investigator_has_no_queue_of_others(browser, arrested):
    html = browser("investigator").get("/").content.decode()
    assert 'id="queue-detainees"' not in html
    assert arrested["case"] in html


# --- acts from generated forms -----


def test_the_act_form_has_a_label_for_every_field_and_an_idempotency_key(browser, arrested):
    html = browser("investigator").get(f"/cases/{arrested['case']}/acts/detention.release/").content
    html = html.decode()
    ids = re.findall(r'<(?:input|select|textarea) id="([^"]+)"', html)
    assert ids
    for field_id in ids:
        assert f'<label for="{field_id}">' in html, field_id
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', html)
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_refusal_shows_beside_its_field(browser):
    response = browser("registrar").post(
        "/acts/registry.report.register/",
        {"channel": "in_person", "summary": "ok", "place.region": "XX", "idempotency_key": "k1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The same refusal the API gives: each field's message is beside that field.
    assert re.search(
        r'id="f-place-region-error">The value does not have the expected form', html
    ), html
    assert re.search(r'id="f-summary-error">Write at least 3 characters', html)
    assert 'aria-invalid="true"' in html
    assert 'value="k1"' in html  # the key rides along for the corrected submission
    assert not Event.objects.filter(kind="registry.report.register").exists()


def test_the_field_messages_are_in_the_users_language(browser):
    response = browser("registrar", "ky").post(
        "/acts/registry.report.register/",
        {"channel": "in_person", "summary": "ok", "place.region": "XX", "idempotency_key": "k2"},
    )
    html = response.content.decode()
    assert 'id="f-summary-error">Жок дегенде 3 белги жазыңыз.' in html
    assert 'id="f-place-region-error">Маани күтүлгөн форматка дал келбейт.' in html


def test_a_procedural_refusal_is_shown_and_nothing_recorded(browser, arrested):
    before = Event.objects.filter(stream=f"case/{arrested['case']}").count()
    response = browser("investigator").post(
        f"/cases/{arrested['case']}/acts/detention.arrest/",
        {
            "person": arrested["person"],
            "detained_at": "2099-01-01T10:00",
            "place": "ул. Токтогула",
            "grounds": "застигнут при совершении преступления",
            "idempotency_key": "arrest-again",
        },
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Event.objects.filter(stream=f"case/{arrested['case']}").count() == before


def test_pressing_the_button_twice_records_the_act_once(browser, arrested):
    lawyer = browser("lawyer")
    html = lawyer.get("/").content.decode()
    path = re.search(r'href="(/cases/[^"]+/acts/legalaid\.accept/)\?appointment=(LA-[^"]+)"', html)
    assert path
    form = {"appointment": path.group(2), "idempotency_key": "accept-once"}
    first = lawyer.post(path.group(1), form)
    second = lawyer.post(path.group(1), form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/cases/{arrested['case']}/"
    assert Event.objects.filter(kind="legalaid.accept").count() == 1


def test_registering_a_report_opens_its_receipt(browser):
    response = browser("registrar").post(
        "/acts/registry.report.register/",
        {
            "channel": "phone",
            "summary": "Кража телефона",
            "place.region": "KG-GB",
            "occurred_at": "2026-01-05T14:30",
            "idempotency_key": "report-1",
        },
    )
    assert response.status_code == 302
    assert re.fullmatch(r"/public/reports/[^/]+/receipt", response["Location"])
    event = Event.objects.get(kind="registry.report.register")
    # The local time typed in the form is Bishkek time (UTC+6).
    assert event.payload["occurred_at"].startswith("2026-01-05T08:30")


def test_every_form_needs_the_csrf_token(world, arrested):
    strict = Client(enforce_csrf_checks=True)
    strict.post("/login/", {"username": "investigator", "password": "demo"})
    assert (
        strict.post("/login/", {"username": "investigator", "password": "demo"}).status_code == 403
    )
    for path in (
        f"/cases/{arrested['case']}/acts/detention.release/",
        "/acts/registry.report.register/",
        "/feedback/",
        "/logout/",
    ):
        assert strict.post(path, {"text": "x"}).status_code == 403, path


# --- persons -----


def test_a_person_is_found_in_latin_and_in_cyrillic(browser, arrested):
    for query in ("Сатыбалдиев", "Satybaldiev", "Сатыбалдиеф"):
        html = browser("investigator").get("/persons/", {"q": query}).content.decode()
        assert f'href="/persons/{arrested["person"]}/"' in html, query


def test_my_own_suspect_opens_without_a_purpose(browser, arrested):
    html = browser("investigator").get(f"/persons/{arrested['person']}/").content.decode()
    assert "Сатыбалдиев" in html
    assert f'href="/cases/{arrested["case"]}/"' in html
    record = AccessRecord.objects.filter(actor="investigator", subject_type="person").last()
    assert record.purpose == "caseload"


def test_outside_the_caseload_a_purpose_is_asked_and_logged(browser, arrested):
    prosecutor = browser("prosecutor")
    asked = prosecutor.get(f"/persons/{arrested['person']}/").content.decode()
    assert 'name="purpose" value="supervision"' in asked
    assert "Сатыбалдиев" not in asked
    assert not AccessRecord.objects.filter(actor="prosecutor", subject_type="person").exists()
    shown = prosecutor.get(f"/persons/{arrested['person']}/", {"purpose": "supervision"})
    assert "Сатыбалдиев" in shown.content.decode()
    record = AccessRecord.objects.get(actor="prosecutor", subject_type="person")
    assert (record.purpose, record.outcome) == ("supervision", "shown")


def test_the_auditor_sees_who_viewed_the_person(browser, arrested):
    browser("prosecutor").get(f"/persons/{arrested['person']}/", {"purpose": "supervision"})
    browser("investigator_osh").get(f"/persons/{arrested['person']}/", {"purpose": "search"})
    html = browser("auditor").get(f"/audit/persons/{arrested['person']}/").content.decode()
    assert "prosecutor" in html and "Supervision of the case" in html
    assert "investigator_osh" in html and "refused: not in the reader&#x27;s scope" in html
    assert browser("prosecutor").get(f"/audit/persons/{arrested['person']}/").status_code == 404


# --- feedback and the public portal -----


def test_feedback_from_a_staff_page_is_listed_and_answered(browser, world):
    investigator = browser("investigator")
    assert 'action="/feedback/"' in investigator.get("/persons/").content.decode()
    sent = investigator.post("/feedback/", {"text": "Поиск медленный", "page": "/persons/"})
    assert sent["Location"] == "/persons/"
    item = Feedback.objects.get()
    assert (item.author, item.page, item.status) == ("investigator", "/persons/", "new")
    assert investigator.get("/feedback/list/").status_code == 404
    admin = browser("admin")
    assert "Поиск медленный" in admin.get("/feedback/list/").content.decode()
    admin.post("/feedback/list/", {"id": item.pk, "status": "answered", "answer": "Исправлено"})
    item.refresh_from_db()
    assert (item.status, item.answer, item.answered_by) == ("answered", "Исправлено", "admin")
    # The author reads the answer.
    mine = investigator.get("/feedback/mine/").content.decode()
    assert "Исправлено" in mine and "answered" in mine
    assert "Поиск медленный" not in browser("registrar").get("/feedback/mine/").content.decode()


def test_feedback_never_leaves_the_site(browser, world):
    sent = browser("investigator").post(
        "/feedback/", {"text": "x", "page": "https://elsewhere.example/"}
    )
    assert sent["Location"] == "/"


def test_the_public_portal_needs_no_login(client, world, as_user):
    token = ok(as_user("registrar").act("registry.report.register", REPORT))["result"][
        "receipt_token"
    ]
    assert "/public/hearings" in client.get("/public/").content.decode()
    assert client.get("/public/", {"token": token})["Location"] == f"/public/reports/{token}"
    valid = client.get("/public/verify/", {"token": token}).content.decode()
    assert "is valid" in valid
    unknown = client.get("/public/verify/", {"token": "nonsense"}).content.decode()
    assert "No valid receipt has this code" in unknown
    client.post("/public/feedback/", {"text": "Удобно", "contact": ""})
    assert Feedback.objects.get().author == ""


# --- light pages -----


def page_weight(client: Client, path: str) -> int:
    """The page's HTML and every stylesheet, script and image it loads, before compression."""
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    total = len(response.content)
    for asset in re.findall(r'(?:href|src)="/static/([^"]+)"', html):
        found = finders.find(asset)
        assert found, asset
        with open(found, "rb") as f:
            total += len(f.read())
    return total


def test_every_landing_page_and_the_case_page_stay_under_150_kb(browser, arrested):
    limit = 150 * 1024
    for role in ROLES:
        client = browser(role)
        assert page_weight(client, "/") < limit, role
    assert page_weight(browser("investigator"), f"/cases/{arrested['case']}/") < limit


def test_no_page_loads_anything_from_another_site(browser, arrested):
    html = browser("ivs_officer").get("/").content.decode()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert 'src="/static/web/htmx.min.js"' in html


def test_the_coordinator_sees_the_gaps_of_the_duty_rosters(browser, world):
    html = browser("legal_aid_coordinator").get("/").content.decode()
    assert 'id="queue-roster-gaps"' in html
    assert 'id="queue-appointments-unassigned-offered"' in html


def test_legal_citations_name_the_codes_in_the_users_language(browser, new_case, term):
    number = new_case()
    russian = browser("investigator", "ru").get(f"/cases/{number}/").content.decode()
    kyrgyz = browser("investigator", "ky").get(f"/cases/{number}/").content.decode()
    english = browser("investigator", "en").get(f"/cases/{number}/").content.decode()
    # The registration's basis, "CPC 145(1), 146(2), 147(1)", in each language.
    assert "УПК 145(1), 146(2), 147(1)" in russian
    assert "КЖПК 145(1), 146(2), 147(1)" in kyrgyz
    assert "CPC 145(1), 146(2), 147(1)" in english


def test_every_list_on_a_landing_page_refreshes_alone(browser, arrested):
    """`/queues/<key>/` serves each list the landing page shows (the htmx refresh), for the roles
    with lists."""
    users = [
        "prosecutor",
        "unit_head",
        "ivs_officer",
        "lawyer",
        "legal_aid_coordinator",
        "judge",
        "prison_officer",
        "probation_officer",
        "ombudsperson",
    ]
    seen = set()
    for username in users:
        client = browser(username)
        page = client.get("/").content.decode()
        keys = re.findall(r'<section class="queue" id="queue-([^"]+)"', page)
        assert keys, username
        for key in keys:
            fragment = client.get(f"/queues/{key}/")
            assert fragment.status_code == 200, (username, key)
            assert f'id="queue-{key}"' in fragment.content.decode()
            seen.add(key)
    assert {"alerts", "detainees", "overdue", "hearings", "meetings-today", "expected"} <= seen


def test_a_form_names_only_the_persons_the_reader_s_part_of_the_file_shows(
    browser, as_user, arrested
):
    """The detention officer reads the defendants of a case, not its witnesses (core.visibility);
    the person picker of an act's form names no more than the case page does."""
    witness = {"surname": "Бекмуратова", "given_name": "Нургүл", "sex": "F"}
    body = {"role": "witness", "person": witness}
    ok(as_user("investigator").act("registry.participant.add", body, case=arrested["case"]))
    pickers = {}
    for reader, kind in (("ivs_officer", "detention.admit"), ("investigator", "detention.release")):
        page = browser(reader).get(f"/cases/{arrested['case']}/acts/{kind}/")
        assert page.status_code == 200, (reader, page.status_code)
        picker = re.search(
            r'<select[^>]*name="person"[^>]*>(.*?)</select>', page.content.decode(), re.S
        )
        assert picker, reader
        pickers[reader] = picker.group(1)
    assert "Сатыбалдиев" in pickers["ivs_officer"] and "Бекмуратова" not in pickers["ivs_officer"]
    assert "Сатыбалдиев" in pickers["investigator"] and "Бекмуратова" in pickers["investigator"]
