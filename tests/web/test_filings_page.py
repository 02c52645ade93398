"""Motions and complaints on the pages: counsel files a motion through the act's form, the case
page lists it with the time left, and the investigator it is addressed to decides it from the
link the section offers, in the reader's language."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse
from tests.legalaid.conftest import arrest
from tests.registry.test_filings import ASK, counsel

from icjis.registry.models import Filing


def test_counsel_files_a_motion_and_the_investigator_decides_it_from_the_case_page(
    browser, as_user
):
    number, person = counsel(as_user)
    lawyer = browser("lawyer")
    url = reverse("web:act", args=[number, "registry.motion.file"])
    posted = lawyer.post(
        url,
        {
            "person": person,
            "to": "investigator",
            "subject": "expertise",
            "text": ASK,
            "idempotency_key": "motion-1",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    [motion] = Filing.objects.filter(case_id=number)

    page = unescape(lawyer.get(reverse("web:case", args=[number])).content.decode())
    assert "Motions and complaints" in page and motion.id in page and ASK in page
    assert "registry.motion.decide" not in page  # counsel is not the addressee

    investigator = browser("investigator")
    page = unescape(investigator.get(reverse("web:case", args=[number])).content.decode())
    [link] = re.findall(r'href="([^"]*registry\.motion\.decide/?\?[^"]*)"', page)
    assert link.endswith(f"?motion={motion.id}")
    section = page[page.index('id="filings"') :]
    section = section[: section.index("</table>")]
    assert re.search(r'<span class="running">[^<]*day', section), section
    form = unescape(investigator.get(link).content.decode())
    assert f'value="{motion.id}"' in form
    decided = investigator.post(
        link,
        {
            "motion": motion.id,
            "outcome": "refused",
            "grounds": "Экспертиза уже назначена.",
            "idempotency_key": "decide-1",
        },
    )
    assert decided.status_code == 302, decided.content.decode()[:2000]
    motion.refresh_from_db()
    assert motion.outcome == "refused"

    russian = unescape(
        browser("investigator", "ru").get(reverse("web:case", args=[number])).content.decode()
    )
    assert "Ходатайства и жалобы" in russian and "Ходатайство участника" in russian
    # A reader of a part of files (detention staff holding the suspect) sees no section.
    arrest(as_user, number, person)
    admit = {"person": person, "facility": "GB-IVS"}
    assert as_user("ivs_officer").act("detention.admit", admit, number).status_code == 201
    held = browser("ivs_officer").get(reverse("web:case", args=[number]))
    assert held.status_code == 200
    assert "Motions and complaints" not in unescape(held.content.decode())


def test_counsel_is_offered_to_withdraw_their_complaint_and_the_addressee_to_decide_it(
    browser, as_user
):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "inaction", "text": ASK}
    filed = as_user("lawyer").act("registry.complaint.file", data, number)
    assert filed.status_code == 201, filed.content
    cid = filed.json()["result"]["complaint"]
    withdraw = reverse("web:act", args=[number, "registry.complaint.withdraw"])
    page = unescape(browser("lawyer").get(reverse("web:case", args=[number])).content.decode())
    assert f'href="{withdraw}?complaint={cid}"' in page and "registry.complaint.decide" not in page
    page = unescape(browser("prosecutor").get(reverse("web:case", args=[number])).content.decode())
    for kind in ("decide", "withdraw", "extend"):
        assert f"registry.complaint.{kind}/?complaint={cid}" in page, kind
    gone = as_user("lawyer").act("registry.complaint.withdraw", {"complaint": cid}, number)
    assert gone.status_code == 201, gone.content
    page = unescape(
        browser("lawyer", "ru").get(reverse("web:case", args=[number])).content.decode()
    )
    assert "Отозвана" in page and f"?complaint={cid}" not in page


def test_the_investigator_is_offered_the_contest_once_and_the_higher_prosecutor_the_decision(
    browser, as_user
):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "action", "text": ASK}
    cid = as_user("lawyer").act("registry.complaint.file", data, number).json()["result"]
    cid = cid["complaint"]
    decide = {"complaint": cid, "outcome": "upheld", "grounds": "Признать незаконным."}
    assert as_user("prosecutor").act("registry.complaint.decide", decide, number).status_code == 201
    case_page = reverse("web:case", args=[number])
    contest = f"registry.complaint.contest/?complaint={cid}"
    assert contest in unescape(browser("investigator").get(case_page).content.decode())
    assert contest not in unescape(browser("lawyer").get(case_page).content.decode())
    body = {"complaint": cid, "text": "Действия законны."}
    filed = as_user("investigator").act("registry.complaint.contest", body, number)
    assert filed.status_code == 201, filed.content
    new = filed.json()["result"]["complaint"]
    page = unescape(browser("investigator", "ru").get(case_page).content.decode())
    assert contest not in page and "Вышестоящий прокурор" in page
    page = unescape(browser("prosecutor_city").get(case_page).content.decode())
    assert f"registry.complaint.decide/?complaint={new}" in page
    page = unescape(browser("prosecutor").get(case_page).content.decode())
    assert f"registry.complaint.decide/?complaint={new}" not in page  # whose decision it is


def test_counsel_is_offered_to_take_a_dismissed_complaint_to_the_higher_prosecutor(
    browser, as_user
):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "action", "text": ASK}
    cid = as_user("lawyer").act("registry.complaint.file", data, number).json()["result"]
    cid = cid["complaint"]
    decide = {"complaint": cid, "outcome": "dismissed", "grounds": "Необоснованна."}
    assert as_user("prosecutor").act("registry.complaint.decide", decide, number).status_code == 201
    case_page = reverse("web:case", args=[number])
    contest = f"registry.complaint.contest/?complaint={cid}"
    assert contest in unescape(browser("lawyer").get(case_page).content.decode())
    assert contest not in unescape(browser("investigator").get(case_page).content.decode())
    body = {"complaint": cid, "text": "Доводы не проверены."}
    filed = as_user("lawyer").act("registry.complaint.contest", body, number)
    assert filed.status_code == 201, filed.content
    new = filed.json()["result"]["complaint"]
    assert contest not in unescape(browser("lawyer").get(case_page).content.decode())
    page = unescape(browser("prosecutor_city").get(case_page).content.decode())
    assert f"registry.complaint.decide/?complaint={new}" in page


def test_a_complaint_the_prosecutor_recorded_is_theirs_to_decide_from_the_page(browser, as_user):
    number, person = counsel(as_user)
    data = {"person": person, "subject": "inaction", "text": ASK}
    filed = as_user("prosecutor").act("registry.complaint.file", data, number)
    assert filed.status_code == 201, filed.content
    cid = filed.json()["result"]["complaint"]
    page = unescape(browser("prosecutor").get(reverse("web:case", args=[number])).content.decode())
    for kind in ("decide", "withdraw", "extend"):
        assert f"registry.complaint.{kind}/?complaint={cid}" in page, kind
    page = unescape(browser("lawyer").get(reverse("web:case", args=[number])).content.decode())
    assert f"?complaint={cid}" not in page  # the client's own: not counsel's to withdraw
