"""The register of protection orders on the pages: an order asked for and issued through the
generated forms (the conditions ticked), its page with the clock and the acts of its state, the
officer's queue, and the warning on the person's page."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

from django.utils import timezone
from tests.offences.test_orders import ABUSER, PLACE, VICTIM, issued, requested

from icjis.core import clock
from icjis.core.models import AccessRecord
from icjis.offences.models import ProtectionOrder


def page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode()).replace("\xa0", " ")  # timesince's spaces


def test_an_order_is_asked_for_and_issued_through_the_forms(browser):
    officer = browser("offences_officer")
    reported = timezone.localtime(clock.now() - timedelta(hours=3))  # as the form reads it
    form = {
        "restrained.surname": ABUSER["surname"],
        "restrained.given_name": ABUSER["given_name"],
        "restrained.sex": "M",
        "protected.surname": VICTIM["surname"],
        "protected.given_name": VICTIM["given_name"],
        "protected.sex": "F",
        "place.region": PLACE["region"],
        "place.address": PLACE["address"],
        "reported_at": reported.strftime("%Y-%m-%dT%H:%M"),
        "summary": "Соседи сообщили о побоях",
    }
    response = officer.post("/acts/offences.order.request/", form)
    assert response.status_code == 302, unescape(response.content.decode())
    [order] = ProtectionOrder.objects.all()
    assert response["Location"] == f"/offences/orders/{order.number}/"
    shown = page(officer, response["Location"])
    assert "awaiting issue" in shown and "to issue within 20 hours" in shown
    link = re.search(r'href="(/acts/offences\.order\.issue/\?order=[^"]+)"', shown)
    assert link, shown
    issue_form = page(officer, link.group(1))
    boxes = re.findall(r'<input type="checkbox" name="conditions" value="([a-z_]+)"', issue_form)
    assert "no_contact" in boxes and "no_weapons" in boxes
    response = officer.post(
        link.group(1),
        {"order": order.number, "days": "7", "conditions": ["no_contact", "no_weapons"]},
    )
    assert response.status_code == 302, unescape(response.content.decode())
    order.refresh_from_db()
    assert order.state == "in_force" and order.conditions == ["no_contact", "no_weapons"]
    shown = page(officer, f"/offences/orders/{order.number}/")
    assert "Not to keep or use weapons" in shown and "in force for 6 days" in shown
    assert "/acts/offences.order.extend/" in shown and "/acts/offences.order.issue/" not in shown
    register = page(officer, "/offences/orders/")
    assert order.number in register and "Тестов Марат" in register


def test_the_queue_counts_down_and_the_persons_page_warns(browser, as_user):
    api = as_user("offences_officer")
    waiting = requested(api, hours_ago=23)["order"]
    in_force = issued(api)
    home = page(browser("offences_officer"), "/")
    assert "Protection orders to issue" in home and waiting in home
    assert "to issue within 59 minutes" in home
    assert AccessRecord.objects.filter(subject="requested:queue").exists()
    clock.advance(timedelta(hours=2))
    home = page(browser("offences_officer"), "/queues/orders/")
    assert "issue overdue by 1 hour" in home

    warned = page(browser("offences_officer", "ru"), f"/persons/{in_force['restrained']}/")
    assert f"Ограничен охранным ордером {in_force['order']}" in warned, warned[
        warned.find("<main") :
    ][:1500]
    assert "Не вступать в контакт с защищаемыми лицами любым способом" in warned
    victim = page(browser("offences_officer"), f"/persons/{in_force['protected'][0]}/")
    assert f"Protected by protection order {in_force['order']}" in victim
    # Someone from another region who may not open the person sees no page at all.
    assert (
        browser("offences_officer_osh").get(f"/persons/{in_force['restrained']}/").status_code
        == 404
    )


def test_a_breach_leads_to_a_protocol_sent_to_court_and_decided_there(browser, as_user):
    from icjis.offences.models import OffenceCase

    api = as_user("offences_officer")
    number = issued(api, days=5)["order"]
    clock.advance(timedelta(hours=3))
    breach = {
        "order": number,
        "occurred_at": (clock.now() - timedelta(hours=1)).isoformat(),
        "description": "Пришёл к дому",
    }
    assert api.act("offences.order.breach", breach).status_code == 201
    officer = browser("offences_officer")
    shown = page(officer, f"/offences/orders/{number}/")
    link = re.search(r'href="(/acts/offences\.protocol\.register/\?order=[^"]+&article=71)"', shown)
    assert link, shown
    form = page(officer, link.group(1))
    assert 'name="article" value="71"' in form
    local = timezone.localtime(clock.now() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = officer.post(
        link.group(1),
        {
            "order": number,
            "article": "71",
            "committed_at": local,
            "protocol_at": local,
            "place.region": "KG-GB",
            "place.address": PLACE["address"],
            "description": "Нарушил запрет на контакт",
        },
    )
    assert response.status_code == 302, unescape(response.content.decode())
    [case] = OffenceCase.objects.all()
    assert response["Location"] == f"/offences/cases/{case.number}/"
    shown = page(officer, response["Location"])
    assert "to send to court" in shown and "/acts/offences.protocol.refer/" in shown
    assert "/acts/offences.decision.make/" not in shown  # the court decides art. 71
    assert api.act("offences.protocol.refer", {"offence": case.number}).status_code == 201
    judge = browser("judge")
    home = page(judge, "/")
    assert "Offence cases to decide" in home and case.number in home
    shown = page(judge, f"/offences/cases/{case.number}/")
    # Arrest may follow (CoO 71): decided on the day the court receives it (535(3)).
    assert (
        "to decide within" in shown
        and "week" not in shown
        and "/acts/offences.decision.make/" in shown
    )
    register = page(officer, "/offences/cases/")
    assert case.number in register and "sent to court" in register


def test_an_appeal_is_offered_after_a_penalty_and_its_ruling_to_the_court_hearing_it(
    browser, as_user
):
    from tests.offences.test_fines import fined

    f = fined(as_user, "130", 30)
    number = f.source_ref
    # The court's clerk registers it through the act's form, by the case's number.
    clerk = browser("court_clerk")
    form = page(clerk, "/acts/offences.decision.appeal/")
    assert 'name="offence"' in form
    response = clerk.post(
        "/acts/offences.decision.appeal/", {"offence": number, "grounds": "Жалоба заявителя"}
    )
    assert response.status_code == 302, unescape(response.content.decode())
    assert response["Location"] == f"/offences/cases/{number}/"
    assert "under appeal" in page(clerk, response["Location"])
    judge = browser("judge")
    home = page(judge, "/")
    assert number in home and "appeal to decide within 1 week, 3 days" in home
    shown = page(judge, f"/offences/cases/{number}/")
    assert "under appeal" in shown and "/acts/offences.appeal.decide/" in shown


def test_the_prosecutor_is_offered_the_cancellation_of_a_police_fine(browser, as_user):
    from tests.offences.test_fines import fined

    number = fined(as_user, "130", 30).source_ref
    shown = page(browser("prosecutor"), f"/offences/cases/{number}/")
    assert "/acts/offences.decision.cancel/" in shown
    assert "/acts/offences.decision.cancel/" not in page(
        browser("offences_officer"), f"/offences/cases/{number}/"
    )
    grounds = {"offence": number, "grounds": "Вина не доказана."}
    assert as_user("prosecutor").act("offences.decision.cancel", grounds).status_code == 201
    again = page(browser("offences_officer", "ru"), f"/offences/cases/{number}/")
    assert "Отменено прокурором" in again and "/acts/offences.decision.make/" in again


def test_the_prosecutor_is_offered_the_appeal_of_a_courts_penalty_within_its_days(browser, as_user):
    from tests.offences.test_fines import court_fined

    number = court_fined(as_user)
    offer = "/acts/offences.decision.appeal/"
    assert offer in page(browser("prosecutor"), f"/offences/cases/{number}/")
    assert offer not in page(browser("judge"), f"/offences/cases/{number}/")
    clock.advance(timedelta(days=12))
    assert offer not in page(browser("prosecutor"), f"/offences/cases/{number}/")


def test_the_prosecutor_is_offered_to_join_the_persons_appeal(browser, as_user):
    from tests.offences.test_fines import appeal, court_fined

    number = court_fined(as_user)  # the court's: 150 units
    assert appeal(as_user("appeal_judge"), number).status_code == 201
    offer = "/acts/offences.decision.appeal/"
    assert offer in page(browser("prosecutor"), f"/offences/cases/{number}/")
    assert appeal(as_user("prosecutor"), number).status_code == 201
    assert offer not in page(browser("prosecutor"), f"/offences/cases/{number}/")
