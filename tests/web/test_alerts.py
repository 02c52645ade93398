"""Alerts on the landing page: what an act's projector raised for a role (injuries found on the
medical examination, a detainee's complaint …) is listed for the user told, in the user's
language with each person by name, and acknowledged from there."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest
from django.utils import translation
from tests.web.i18n import catalogue
from tests.web.test_refusals import english_words
from tests.web.test_workbench import arrested, ok  # noqa: F401

from icjis.core.models import AccessRecord, Alert, PersonSighting
from icjis.core.refusals import Said, said_from_json, say, unsay
from icjis.web.refusals import localise_kept

INJURIES = (
    "Injuries found on the medical examination (%(occasion)s) of %(person)s at %(facility)s, "
    "case %(case)s: review the examination record (CPC 44(6))."
)
COMPLAINT = (
    "Complaint of detainee %(person)s at %(facility)s, case %(case)s alleging violence: to be "
    "sent on at once (CPC 97(7))."
)


def alerts_section(page: str) -> str:
    found = re.search(r'<section class="queue" id="queue-alerts".*?</section>', page, re.DOTALL)
    assert found, "no alerts on the page"
    return unescape(found.group(0))


@pytest.fixture
def told(as_user: Any, arrested: dict[str, str]) -> dict[str, str]:  # noqa: F811
    """The detainee admitted, injuries found on the examination, and a complaint of violence:
    two alerts for the prosecutor."""
    number, person = arrested["case"], arrested["person"]
    admit = {"person": person, "facility": "GB-IVS", "cell": "1"}
    ok(as_user("ivs_officer").act("detention.admit", admit, case=number))
    exam = {"person": person, "injuries": True, "notes": "Гематома"}
    ok(as_user("ivs_medic").act("detention.medical_exam", exam, case=number))
    complaint = {"person": person, "text": "Меня избили", "about_violence": True}
    ok(as_user("ivs_officer").act("detention.complaint", complaint, case=number))
    return arrested


def test_the_alerts_api_says_a_message_in_the_language_asked_for_with_persons_by_id(as_user, told):
    api = as_user("prosecutor")
    english = {a["kind"]: a["message"] for a in api.get("/alerts").json()}
    injuries = Alert.objects.get(case_id=told["case"], kind="detention.injuries")
    assert english["detention.injuries"] == injuries.message
    r = api.client.get("/api/v1/alerts", HTTP_ACCEPT_LANGUAGE="ru")
    russian = {a["kind"]: a["message"] for a in r.json()}
    opening = str(catalogue("ru")[INJURIES]["str"]).split("%(")[0]  # "При медицинском осмотре ("
    assert russian["detention.injuries"].startswith(opening)
    assert told["person"] in russian["detention.injuries"]  # the API names a person by id
    assert told["case"] in russian["detention.injuries"]


def test_an_alert_keeps_its_sentence_to_say_again(told):
    kept = {a.kind: a for a in Alert.objects.filter(case_id=told["case"])}
    injuries, complaint = kept["detention.injuries"], kept["detention.complaint"]
    assert injuries.said["template"] == INJURIES and complaint.said["template"] == COMPLAINT
    said = said_from_json(injuries.said)
    assert said == injuries.message  # the API's English, made again from what was kept
    assert said.values["person"] == told["person"] and said.values["occasion"] == "admission"


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_landing_page_lists_the_users_alerts_in_their_language(browser, told, language):
    page = browser("prosecutor", language).get("/")
    assert page.status_code == 200
    shown = alerts_section(page.content.decode())
    with translation.override(language):
        title = translation.gettext("Alerts")
    assert title != "Alerts" and title in shown
    # Each alert in the reader's words, the person and the facility by name (ids mean nothing
    # to a reader).
    assert "Сатыбалдиев" in shown and told["person"] not in shown and "GB-IVS" not in shown
    entries = catalogue(language)
    for template in (INJURIES, COMPLAINT):
        words = max(re.split(r"%\(\w+\)s", entries[template]["str"]), key=len).strip()
        assert len(words) > 20 and words in shown, (words, shown)
    text = re.sub(r"<[^>]+>", " ", shown).replace(told["case"], "")
    assert english_words(text) == [], text
    # Both can be acknowledged from there (and only there: the Start list would ask for an id);
    # the list naming the person is logged as a read.
    assert shown.count("/acts/alerts.acknowledge/?alert=") == 2
    assert page.content.decode().count("/acts/alerts.acknowledge/") == 2
    assert AccessRecord.objects.filter(
        actor="prosecutor", subject_type="alerts", subject="queue"
    ).exists()


def test_an_alert_acknowledged_from_the_page_leaves_the_list(browser, told):
    prosecutor = browser("prosecutor")
    shown = alerts_section(prosecutor.get("/").content.decode())
    href = unescape(re.findall(r'href="(/acts/alerts\.acknowledge/\?alert=[^"]+)"', shown)[0])
    form = prosecutor.get(href)
    assert form.status_code == 200
    # The form names the alert by its message (the person by name), picked already.
    filled = re.search(
        r'<input type="hidden" name="alert" value="([^"]*)">\s*'
        r'<output id="f-alert" class="fixed">([^<]*)</output>',
        form.content.decode(),
    )
    assert filled, form.content.decode()
    alert = Alert.objects.get(pk=unescape(filled.group(1)))
    said = alert.message.replace(told["person"], "Сатыбалдиев Эрлан").replace(
        "GB-IVS", "Temporary Detention Facility, Bishkek City"
    )
    assert unescape(filled.group(2)) == said  # the English page: the message, names for ids
    assert "Сатыбалдиев" in filled.group(2) and told["person"] not in filled.group(2)
    link = urlencode({"alert": alert.id})
    assert href.endswith("?" + link)  # the form is filled with the alert the link names
    answer = prosecutor.post(
        "/acts/alerts.acknowledge/",
        {"alert": alert.id, "note": "Проверка назначена", "idempotency_key": "ack-first-1"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    alert.refresh_from_db()
    assert alert.state == "acknowledged" and alert.closed_by == "prosecutor"
    left = alerts_section(prosecutor.get("/").content.decode())
    assert link in shown and link not in left and left.count("alerts.acknowledge") == 1
    # The list refreshes in place (htmx), and the fragment says the same.
    assert 'hx-get="/queues/alerts/"' in left
    held = AccessRecord.objects.filter(actor="prosecutor", subject="held:queue").count()
    # Both lists named the detainee: each read is a sighting of them.
    seen = PersonSighting.objects.filter(actor="prosecutor", person=told["person"])
    assert {("detention", "held:queue"), ("alerts", "queue")} <= set(
        seen.values_list("subject_type", "subject")
    )
    fragment = alerts_section(prosecutor.get("/queues/alerts/").content.decode())
    assert fragment.count("alerts.acknowledge") == 1 and link not in fragment
    # The fragment builds its own list only: the detainees list is not read (nor logged) again.
    assert AccessRecord.objects.filter(actor="prosecutor", subject="held:queue").count() == held


def test_a_user_told_nothing_sees_no_alert_and_a_role_without_alerts_no_list(browser, told):
    # The unit head is told of late arrest records, not of injuries: the list is there, empty.
    head = alerts_section(browser("unit_head").get("/").content.decode())
    assert "alerts.acknowledge" not in head and "No open alert." in head
    # A lawyer is told nothing: no list at all.
    assert 'id="queue-alerts"' not in browser("lawyer").get("/").content.decode()


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_a_reason_kept_as_text_is_said_by_its_template(language):
    from icjis.prisons.sentence import MANUAL_REASONS, manual_reason

    text = (
        "The verdict imposes imprisonment under several articles (205, 206); the final sentence "
        "for the aggregate of crimes (CC 78) is calculated by hand."
    )
    reason = manual_reason(text)
    assert isinstance(reason, Said) and reason.template in MANUAL_REASONS
    assert reason.values == {"articles": "205, 206"}
    alert = say(
        "The sentence of %(person)s in case %(case)s is to be calculated by hand: %(reason)s "
        "Record it with prisons.sentence.record_manual.",
        person="P0123456789AB",
        case="01-001-2026-000001",
        reason=reason,
    )
    assert text in alert
    kept = alert.as_json()
    assert kept["values"]["reason"] == {  # type: ignore[index]
        "template": reason.template,
        "values": {"articles": "205, 206"},
    }
    with translation.override(language):
        shown = localise_kept(str(alert), kept, {"P0123456789AB": "Сатыбалдиев Эрлан"})
    assert "Сатыбалдиев Эрлан" in shown and "205, 206" in shown
    assert english_words(shown.replace("01-001-2026-000001", "")) == [], shown
    # A text no template made stays as it is.
    assert manual_reason("Calculated elsewhere.") == "Calculated elsewhere."
    assert not isinstance(manual_reason("Calculated elsewhere."), Said)
    assert localise_kept("As it was.", None, {}) == "As it was."


def test_unsay_finds_the_values_back():
    template = "%(a)s owes %(b)s to %(a)s, 100%% (%(c)s)."
    said = say(template, a="Bek", b="5 som", c="today")
    assert said == "Bek owes 5 som to Bek, 100% (today)."
    again = unsay(str(said), ["No %(x)s here.", template])
    assert isinstance(again, Said) and again.template == template
    assert again.values == {"a": "Bek", "b": "5 som", "c": "today"}
    assert unsay("Plain words.", ["Plain words."]).template == "Plain words."  # type: ignore[union-attr]
    assert unsay("Bek owes 5 som to Ali, 100% (today).", [template]) == (
        "Bek owes 5 som to Ali, 100% (today)."
    )


def test_an_alerts_words_are_said_by_their_own_entries_not_as_form_labels():
    """The probation office's request and the examination's occasion are words of the alert's
    sentence: "отмена", not the form's "Отменить"; "в иное время", not "Другое"."""
    from icjis.detention.acts import OCCASIONS
    from icjis.probation.acts import REQUEST_BASIS, REQUEST_WORDS

    referral = say(
        "The probation office submits (%(request)s, %(basis)s) for %(person)s in case "
        "%(case)s: %(grounds)s",
        request=REQUEST_WORDS["revoke"],
        basis=REQUEST_BASIS["revoke"],
        person="P0123456789AB",
        case="26-0101-000001-5",
        grounds="Уклонение от явки",
    )
    assert "(revoke, CC 84(2)-(3))" in referral  # the API's English
    injuries = say(INJURIES, occasion=OCCASIONS["other"], person="P0", facility="F", case="C")
    assert "(other)" in injuries
    with translation.override("ru"):
        said = localise_kept(str(referral), referral.as_json(), {})
        exam = localise_kept(str(injuries), injuries.as_json(), {})
    assert "(отмена, УК 84(2)-(3))" in said, said
    assert "(в иное время)" in exam, exam


def test_the_investigating_judge_told_of_a_complaint_acknowledges_it(as_user, told):
    judge = as_user("investigating_judge")
    [complaint] = [a for a in judge.get("/alerts").json() if a["kind"] == "detention.complaint"]
    note = {"alert": complaint["id"], "note": "Жалоба принята к рассмотрению"}
    answer = judge.act("alerts.acknowledge", note)
    assert answer.status_code == 201, answer.content
    assert Alert.objects.get(pk=complaint["id"]).state == "acknowledged"


def test_an_outsider_sees_none_of_these_alerts(browser, told):
    """The Osh prosecutor is told of Osh's alerts, not Bishkek's; a lawyer has no such list."""
    osh = alerts_section(browser("prosecutor_osh").get("/").content.decode())
    assert "alerts.acknowledge" not in osh and "Сатыбалдиев" not in osh
    assert browser("lawyer").get("/queues/alerts/").status_code == 404


def test_days_and_moments_among_the_values_are_said_in_the_readers_format():
    requested = say(
        "A pre-sentence report is requested in case %(case)s (CPC 280(4)), due by %(due_at)s.",
        case="26-0101-000001-5",
        due_at="2027-05-25T03:00:00+00:00",
    )
    appear = say(
        "%(person)s (case %(case)s) is to appear at the office by %(appear_by)s (CC 83(1)(1); "
        "CEC 166(1)(1)); record it with probation.appear — the period runs from it (CC 82(4)). "
        "Failing that without good reason, submit to the court to revoke the supervision "
        "(CC 84(2)).",
        person="P0",
        case="26-0101-000001-5",
        appear_by="2027-07-29",
    )
    with translation.override("ru"):
        due = localise_kept(str(requested), requested.as_json(), {})
        by = localise_kept(str(appear), appear.as_json(), {})
    assert "до 25.05.2027 09:00" in due, due  # Bishkek time, UTC+6
    assert "до 29.07.2027 (УК 83(1)(1)" in by, by
    with translation.override("en"):
        by = localise_kept(str(appear), appear.as_json(), {})
    assert "by 29 Jul 2027 (CC 83(1)(1)" in by, by  # not American, "07/29/2027"
    # Only a real day is formatted; the shape of one (a typed number, say) is shown as it is.
    odd = say(appear.template, **{**appear.values, "appear_by": "2027-02-30"})
    with translation.override("ru"):
        shown = localise_kept(str(odd), odd.as_json(), {})
    assert "до 2027-02-30 (УК 83(1)(1)" in shown, shown


def test_the_case_page_shows_the_alerts_of_the_case(browser, told):
    page = unescape(browser("prosecutor", "ru").get(f"/cases/{told['case']}/").content.decode())
    section = page[page.index('id="alerts"') : page.index("</ul>", page.index('id="alerts"'))]
    assert section.count("/acts/alerts.acknowledge/?alert=") == 2
    assert "Сатыбалдиев" in section and "(при поступлении)" in section
    # The investigator is told of neither: no such list on the case page.
    investigator = browser("investigator", "ru").get(f"/cases/{told['case']}/").content.decode()
    assert 'id="alerts"' not in investigator


def test_a_form_names_only_what_the_user_may_see_and_logs_the_read(browser, told):
    """`?person=` and `?alert=` fill a form only with what the user may see; the person is read
    as the person's page reads them, logged; what the user may not see stays an id."""
    person = told["person"]
    investigator = browser("investigator")
    form = investigator.get(f"/acts/persons.residence.record/?person={person}").content.decode()
    assert '<output id="f-person" class="fixed">Сатыбалдиев Эрлан<' in form
    assert AccessRecord.objects.filter(
        actor="investigator", subject_type="person", subject=person, outcome="shown"
    ).exists()
    # Osh's registrar may not see this person, nor the Bishkek prosecutor's alert.
    osh = browser("registrar_osh")
    for query in (f"?person={person}", f"?person={person}&purpose=search"):
        form = osh.get(f"/acts/persons.residence.record/{query}").content.decode()
        assert "Сатыбалдиев" not in form and 'id="f-person" class="fixed"' not in form
    assert AccessRecord.objects.filter(
        actor="registrar_osh", subject_type="person", subject=person, outcome="denied"
    ).exists()
    alert = Alert.objects.filter(case_id=told["case"]).first()
    assert alert is not None
    other = browser("prosecutor_osh").get(
        "/acts/alerts.acknowledge/?" + urlencode({"alert": alert.id})
    )
    page = other.content.decode()
    assert "Сатыбалдиев" not in page and 'id="f-alert" class="fixed"' not in page
