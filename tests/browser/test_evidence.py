"""Material evidence in a real browser, in Kyrgyz: the investigator records a seized item from
the case page, hands it to the evidence room from the item's page; the custodian finds it on the
landing page and receives it, and the item's page shows the whole chain. No English string the
system can translate shows on the way."""

from __future__ import annotations

from tests.browser.test_documents import opened_case
from tests.browser.test_flow import Flow, title

from icjis.evidence.models import Item


def test_an_item_is_seized_handed_over_and_received_through_the_pages(
    chromium, live_server, committing_db, world, artifacts
):
    number = opened_case(world)
    flow = Flow(chromium, live_server.url, "ky", artifacts)
    try:
        flow.login("investigator")
        flow.page.goto(f"{live_server.url}/cases/{number}/")
        flow.check("case")
        flow.act(
            title("evidence.item.seize", "ky"),
            {
                "description": "Телефон, экраны сынган",
                "place": "Автобус № 12",
                "seal": "ОП-5",
                "location": "Тергөөчүнүн сейфи",
            },
            {"category": "electronic_media", "obtained": "search"},
        )
        item = Item.objects.get()
        assert item.holder == "investigator" and item.seal == "ОП-5"
        flow.page.goto(f"{live_server.url}/evidence/{item.id}/")
        flow.check("item")
        flow.act(
            title("evidence.item.hand_over", "ky"),
            {"to": "evidence_custodian", "seal": "ОП-5"},
            {"purpose": "storage"},
        )

        flow.login("evidence_custodian")
        flow.check("home-incoming")
        flow.page.locator("#queue-incoming a", has_text="Телефон").click()
        flow.page.wait_for_load_state()
        flow.page.get_by_role("link", name=title("evidence.item.receive", "ky"), exact=True).click()
        flow.page.locator('[name="seal"]').fill("ОП-5")
        flow.page.locator('[name="location"]').fill("Далилдер бөлмөсү, текче 2")
        flow.page.locator('[name="intact"]').check()  # the seal seen, and seen intact
        flow.check("receive-form")
        flow.page.locator("form.act button[type=submit]").click()
        flow.page.wait_for_load_state()
        assert not flow.page.locator("#refusal").count()
        item.refresh_from_db()
        assert item.status == "held" and item.holder == "evidence_custodian"
        assert not item.tampered
        flow.page.goto(f"{live_server.url}/evidence/{item.id}/")
        flow.check("chain")
        rows = flow.page.locator("#chain ~ .table-wrap tbody tr")
        assert rows.count() == 3
        assert not flow.untranslated, flow.untranslated
        assert not flow.console_errors, flow.console_errors
    finally:
        flow.close()
