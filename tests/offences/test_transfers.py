"""A case of an offence whose facts are a crime becomes a crime report (CoO 516): one act of the
register of crimes, with the offence case's number as its reference, closes the offence case as
passed on and names the criminal case; only a case the police still hold, once."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.core.management import call_command
from tests.offences.test_protocols import registered

from icjis.core.models import Case, Event
from icjis.offences.models import OffenceCase


def report(user: Any, number: str, **extra: Any) -> Any:
    body = {
        "channel": "offence",
        "reference": number,
        "summary": "Побои с признаками вреда здоровью (синтетические данные)",
        "place": {"region": "KG-GB", "district": "KG-GB-LEN"},
        **extra,
    }
    return user.act("registry.report.register", body)


def test_the_registrar_passes_an_offence_case_on_as_a_crime_report_once(as_user):
    officer, registrar = as_user("offences_officer"), as_user("registrar")
    number = registered(officer)["offence"]
    cases = Case.objects.count()

    # Another unit's registrar does not reach it; nothing is registered.
    osh = report(as_user("registrar_osh"), number)
    assert osh.status_code == 404 and osh.json()["fields"] == {"reference": "unknown offence case"}
    assert Case.objects.count() == cases

    done = report(registrar, number.lower())  # typed by hand: the number is read as written
    assert done.status_code == 201, done.json()
    crime = done.json()["result"]["case"]
    offence = OffenceCase.objects.get(pk=number)
    assert (offence.state, offence.crime_case, offence.due_at) == ("transferred", crime, None)
    passed = Event.objects.get(stream=f"offence/{number}", kind="offences.case.transfer")
    assert passed.actor == "system" and passed.payload["case"] == crime
    assert Case.objects.get(pk=crime).details["reference"] == number.lower()
    # A reader of both sees where the offence case went, in the detail and in the list.
    assert registrar.get(f"/offences/cases/{number}").json()["crime_case"] == crime
    listed = registrar.get("/offences/cases", state="transferred").json()["items"]
    assert [(c["number"], c["crime_case"]) for c in listed] == [(number, crime)]

    again = report(registrar, number)
    assert again.status_code == 409 and again.json()["fields"] == {"reference": "already reported"}
    assert Case.objects.count() == cases + 1
    # The police no longer decide it.
    decided = officer.act(
        "offences.decision.make",
        {"offence": number, "outcome": "terminated", "grounds": "Передано как преступление"},
    )
    assert decided.status_code == 409
    call_command("rebuild_projections", "--check")


def test_a_case_before_the_court_is_not_passed_on_by_the_police(as_user):
    officer = as_user("offences_officer")
    number = registered(officer, article="70")["offence"]  # family violence: the court decides
    assert officer.act("offences.protocol.refer", {"offence": number}).status_code == 201
    cases = Case.objects.count()
    refused = report(as_user("registrar"), number)
    assert refused.status_code == 409
    assert refused.json()["fields"] == {"reference": "not with the police"}
    assert OffenceCase.objects.get(pk=number).state == "referred"
    assert Case.objects.count() == cases  # the report refused with it: nothing half-written


def test_one_click_on_the_offence_page(browser, as_user):
    number = registered(as_user("offences_officer"))["offence"]
    registrar = browser("registrar")
    shown = unescape(registrar.get(f"/offences/cases/{number}/").content.decode())
    form = re.search(
        r'<form method="post" action="/acts/registry\.report\.register/".*?</form>', shown, re.S
    )
    assert form, shown
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[0]))
    assert fields["channel"] == "offence" and fields["reference"] == number
    assert fields["summary"] == "Неповиновение на улице (синтетические данные)"
    fields.pop("csrfmiddlewaretoken", None)
    posted = registrar.post("/acts/registry.report.register/", fields)
    assert posted.status_code == 302, unescape(posted.content.decode())
    assert posted["Location"].startswith("/public/reports/")  # the report's receipt, as always
    crime = OffenceCase.objects.get(pk=number).crime_case
    assert crime
    after = unescape(registrar.get(f"/offences/cases/{number}/").content.decode())
    assert "passed on as a crime report" in after and f"/cases/{crime}/" in after
    assert "/acts/registry.report.register/" not in after
    # The officer who drew up the protocol registers no crime reports: no button for them.
    officer = browser("offences_officer").get(f"/offences/cases/{number}/").content.decode()
    assert "passed on as a crime report" in officer
    fresh = registered(as_user("offences_officer"))["offence"]
    shown = browser("offences_officer").get(f"/offences/cases/{fresh}/").content.decode()
    assert "/acts/registry.report.register/" not in shown


def test_the_prosecutor_of_the_territory_reads_the_offence_cases_it_oversees(as_user, browser):
    from icjis.core.models import AccessRecord

    number = registered(as_user("offences_officer"))["offence"]
    prosecutor = as_user("prosecutor")
    shown = prosecutor.get(f"/offences/cases/{number}")
    assert shown.status_code == 200 and shown.json()["number"] == number
    assert [c["number"] for c in prosecutor.get("/offences/cases").json()["items"]] == [number]
    [read] = AccessRecord.objects.filter(actor="prosecutor", subject_type="offence")
    assert (read.subject, read.outcome) == (number, "shown")
    # Another territory's prosecutor: nothing; the prosecutor performs none of the police's acts.
    osh = as_user("prosecutor_oblast_osh")
    assert osh.get(f"/offences/cases/{number}").status_code == 404
    assert osh.get("/offences/cases").json()["items"] == []
    refer = prosecutor.act("offences.protocol.refer", {"offence": number})
    assert refer.status_code == 403
    page = browser("prosecutor").get(f"/offences/cases/{number}/").content.decode()
    assert number in page and "/acts/" not in page.split("<main", 1)[-1]


def test_a_case_cancelled_by_the_prosecutor_and_passed_on_as_a_crime_answers_the_alert(as_user):
    from icjis.core.models import Alert

    officer = as_user("offences_officer")
    number = registered(officer)["offence"]
    body = {"offence": number, "outcome": "terminated", "grounds": "Малозначительность"}
    assert officer.act("offences.decision.make", body).status_code == 201
    grounds = {"offence": number, "grounds": "Признаки преступления (CoO 516)."}
    assert as_user("prosecutor").act("offences.decision.cancel", grounds).status_code == 201
    alerts = Alert.objects.filter(kind="offences.decision.cancelled", subject=number)
    assert alerts.get().state == "open"
    assert report(as_user("registrar"), number).status_code == 201
    assert OffenceCase.objects.get(pk=number).state == "transferred"
    assert alerts.get().state == "acknowledged"
