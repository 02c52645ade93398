"""A field node in a real browser, in Kyrgyz: the registrar finds the journal in the menu,
records a crime report through the act's own form while nothing has been sent, presses "Send
now", and the page shows the entry recorded at the centre (the live server) with the case's
number — no English string shown, nothing refused by the Content-Security-Policy."""

from __future__ import annotations

from tests.browser.test_flow import Flow, title, translated

from icjis.core.checkpoints import public_key_hex, signing_key
from icjis.core.models import Case, Event
from icjis.exchange.management.commands.exchange import make_key
from icjis.field.models import JournalEntry


def test_an_act_recorded_on_the_node_is_sent_and_recorded_at_the_centre(
    chromium, live_server, committing_db, world, artifacts, settings, tmp_path, as_user
):
    key = make_key(tmp_path / "node.pem")
    settings.FIELD_NODE = "FIELD-GB-UVD"
    settings.FIELD_KEY_FILE = tmp_path / "node.pem"
    settings.CENTRAL_URL = live_server.url
    settings.CENTRAL_KEY = public_key_hex(signing_key())
    member = {
        "code": "FIELD-GB-UVD",
        "name": "Полевой узел: УВД Бишкека",
        "public_key": public_key_hex(key),
        "services": ["field-act"],
        "unit": "GB-UVD",
    }
    assert as_user("admin").act("exchange.member.register", member).status_code == 201
    flow = Flow(chromium, live_server.url, "ky", artifacts)
    try:
        flow.login("registrar")
        flow.page.get_by_role("link", name=translated("Field journal", "ky"), exact=True).click()
        flow.page.wait_for_load_state()
        flow.check("journal-empty")
        flow.act(
            title("registry.report.register", "ky"),
            {"summary": "Жайыттан мал уурдалган", "place.region": "KG-GB"},
            {"channel": "in_person"},
        )
        assert flow.page.url.endswith("/field/"), flow.page.url
        assert JournalEntry.objects.count() == 1
        assert not Event.objects.filter(kind="registry.report.register").exists()
        flow.check("journal-waiting")
        flow.page.get_by_role("button", name=translated("Send now", "ky")).click()
        flow.page.wait_for_load_state()
        flow.check("journal-sent")
        [case] = Case.objects.all()
        main = flow.page.locator("main").inner_text()
        assert case.number in main and translated("recorded there", "ky") in main
        assert not flow.untranslated, flow.untranslated
        assert not flow.console_errors, flow.console_errors
    finally:
        flow.close()
