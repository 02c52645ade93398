"""Fingerprints in a real browser, in Russian: the investigator takes a suspect's prints from
the case page, a file chosen for each finger; the system's search is done, and the case page
shows the card and what the search found. No English string the system can translate shows on
the way."""

from __future__ import annotations

from tests.browser.test_documents import opened_case
from tests.browser.test_flow import Flow, title

from icjis.core import acts
from icjis.evidence import prints
from icjis.evidence import synthetic_prints as sp
from icjis.evidence.models import PrintCard, PrintSearch

PERSON = {"surname": "Асанов", "given_name": "Бакыт", "birth_date": "1990-05-15", "sex": "M"}


def test_the_prints_are_taken_from_files_and_the_search_is_shown(
    chromium, live_server, committing_db, world, artifacts, tmp_path
):
    number = opened_case(world)
    suspect = acts.perform(
        world["investigator"],
        "registry.participant.add",
        {"role": "suspect", "person": PERSON},
        case=number,
    ).result["person"]
    files = {}
    for position, finger in ((2, "right_index"), (7, "left_index")):
        path = tmp_path / f"{finger}.png"
        path.write_bytes(sp.impression(sp.finger_seed(7401, position), 0))
        files[finger] = path
    flow = Flow(chromium, live_server.url, "ru", artifacts)
    try:
        flow.login("investigator")
        flow.page.goto(f"{live_server.url}/cases/{number}/")
        flow.page.get_by_role("link", name=title("evidence.prints.take", "ru"), exact=True).click()
        flow.page.locator('select[name="person"]').select_option(suspect)
        for finger, path in files.items():
            flow.page.locator(f'input[type=file][name="{finger}"]').set_input_files(str(path))
        flow.check("take-form")
        flow.page.locator("form.act button[type=submit]").click()
        flow.page.wait_for_load_state()
        assert not flow.page.locator("#refusal").count(), flow.page.locator("#refusal").inner_text()
        card = PrintCard.objects.get()
        assert card.person_id == suspect
        assert sorted(card.fingers.values_list("position", flat=True)) == [2, 7]

        assert prints.do_searches() == 1
        assert PrintSearch.objects.get().status == "done"
        flow.page.goto(f"{live_server.url}/cases/{number}/")
        flow.check("case")
        section = flow.page.locator("#prints")
        assert section.inner_text() == "Отпечатки пальцев"
        text = flow.page.locator("main").inner_text()
        assert "указательный палец правой руки, указательный палец левой руки" in text
        assert "Совпадений нет среди 0 сравненных отпечатков." in text
        assert not flow.untranslated, flow.untranslated
        assert not flow.console_errors, flow.console_errors
    finally:
        flow.close()
