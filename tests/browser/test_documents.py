"""A signed document in a real browser, in Russian: the investigator signs the decision that
opened the case from the case page and downloads the PDF; anyone holding the file checks it on
the public page by its code. No English string the system can translate shows on the way."""

from __future__ import annotations

import re

from tests.browser.test_flow import Flow

from icjis.core import acts
from icjis.documents.models import Document


def opened_case(world) -> str:
    report = acts.perform(
        world["registrar"],
        "registry.report.register",
        {
            "channel": "in_person",
            "summary": "Кража телефона в автобусе",
            "place": {"region": "KG-GB"},
        },
    )
    number = report.result["case"]
    acts.perform(
        world["unit_head"], "registry.case.assign", {"officer": "investigator"}, case=number
    )
    acts.perform(
        world["investigator"], "registry.case.open", {"article": "205", "part": 1}, case=number
    )
    return number


def test_the_decision_is_signed_downloaded_and_checked_by_its_code(
    chromium, live_server, committing_db, world, artifacts, tmp_path
):
    number = opened_case(world)
    flow = Flow(chromium, live_server.url, "ru", artifacts)
    try:
        flow.login("investigator")
        flow.page.goto(f"{live_server.url}/cases/{number}/")
        flow.check("case")
        flow.page.get_by_role("link", name=re.compile("^Выдать и подписать: ")).click()
        flow.page.locator('select[name="language"]').select_option("ru")
        flow.check("issue-form")
        flow.page.locator("form.act button[type=submit]").click()
        flow.page.wait_for_load_state()
        assert flow.page.url.endswith(f"/cases/{number}/"), flow.page.url
        doc = Document.objects.get()
        code = f"{doc.code[:4]}-{doc.code[4:8]}-{doc.code[8:]}"
        flow.check("case-with-document")
        pdf = flow.page.request.get(f"{live_server.url}/api/v1/documents/{code}/pdf")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        saved = tmp_path / "decision.pdf"
        saved.write_bytes(pdf.body())

        # Anyone: the public check, by the code typed as a person would read it.
        flow.context.clear_cookies()
        flow.page.goto(f"{live_server.url}/public/verify/")
        flow.page.locator("#token").fill(code.lower().replace("-", " "))
        flow.page.locator('form[action="/public/verify/"] button').click()
        flow.page.wait_for_load_state()
        assert flow.page.url.endswith(f"/public/documents/{code}/"), flow.page.url
        flow.page.locator("#id_file").set_input_files(str(saved))
        flow.page.locator('form[enctype="multipart/form-data"] button').click()
        flow.page.wait_for_load_state()
        flow.check("checked")
        outcome = flow.page.locator("#outcome").inner_text()
        assert "побайтно совпадает" in outcome, outcome
        assert number not in flow.page.content()
        assert not flow.untranslated, flow.untranslated
        assert not flow.console_errors, flow.console_errors
    finally:
        flow.close()
