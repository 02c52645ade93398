"""Issue 7's acceptance in a real browser, in English, Kyrgyz and Russian: the registrar registers
a report and opens the receipt; the head of unit assigns it; the investigator opens the case,
adds the suspect and records the arrest; the duty lawyer accepts the appointment; the IVS
officer sees the detainee with the custody clock running; the public status page shows the
report's stage. Each page is saved as a screenshot under var/test-artifacts/browser/.

In Kyrgyz and Russian no page of the flow may show an English string the system knows how to
translate: a catalogue entry, an act's title, a field's label or a choice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.web.i18n import english_strings

from icjis.web import labels

BROWSER_LOCALES = {"en": "en-GB", "ky": "ky-KG", "ru": "ru-RU"}
SWITCHER = {"en": "English", "ky": "Кыргызча", "ru": "Русский"}
STAGE_INVESTIGATION = {
    "en": "A criminal case has been opened and is being investigated",
    "ru": "Возбуждено уголовное дело, идёт расследование",
    "ky": "Кылмыш иши козголду, тергөө жүрүүдө",
}
TEXT_NODES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style')) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], option')) {
    for (const attr of ['aria-label', 'title', 'placeholder']) {
      if (el.getAttribute(attr)) out.push(el.getAttribute(attr).trim());
    }
  }
  return out;
}"""


class Flow:
    """One person at a time in one browser context (cookies kept between pages)."""

    def __init__(self, chromium: Any, base: str, language: str, artifacts: Path) -> None:
        self.context = chromium.new_context(
            viewport={"width": 1024, "height": 768}, locale=BROWSER_LOCALES[language]
        )
        self.page = self.context.new_page()
        self.base = base
        self.language = language
        self.artifacts = artifacts
        self.shots = 0
        self.english = english_strings() if language != "en" else set()
        self.untranslated: dict[str, set[str]] = {}
        # Anything the Content-Security-Policy refused (an inline script, a foreign host …).
        self.console_errors: list[str] = []
        self.page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )

    def check(self, name: str) -> None:
        """Save a screenshot, and note any English string shown in another language."""
        self.shots += 1
        self.page.screenshot(
            path=str(self.artifacts / f"{self.shots:02d}-{name}.png"), full_page=True
        )
        if self.english:
            shown = self.page.evaluate(TEXT_NODES)
            found = {t for t in shown if t in self.english}
            if found:
                self.untranslated[name] = found

    def login(self, username: str) -> None:
        self.context.clear_cookies()
        self.page.goto(self.base + "/login/")
        self.page.get_by_role("button", name=SWITCHER[self.language]).click()
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill("demo")
        self.page.locator("form button.primary").click()
        self.page.wait_for_load_state()
        assert self.page.url.rstrip("/") == self.base, self.page.url

    def act(
        self, title: str, values: dict[str, str], selects: dict[str, str] | None = None
    ) -> None:
        """Open the act by its (translated) title on the current page, fill it and record it."""
        self.page.get_by_role("link", name=title, exact=True).click()
        for name, value in values.items():
            self.page.locator(f'[name="{name}"]').fill(value)
        for name, value in (selects or {}).items():
            self.page.locator(f'select[name="{name}"]').select_option(value)
        self.check("form-" + title[:20].replace(" ", "_"))
        self.page.locator("form.act button[type=submit]").click()
        self.page.wait_for_load_state()
        assert not self.page.locator("#refusal").count(), self.page.locator("#refusal").inner_text()

    def close(self) -> None:
        self.context.close()


def translated(text: str, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(text)


def title(kind: str, language: str) -> str:
    return translated(labels.ACT_TITLES[kind], language)


@pytest.mark.parametrize("language", ["en", "ky", "ru"])
def test_report_arrest_lawyer_custody_and_public_status(
    language, chromium, live_server, committing_db, world, artifacts
):
    flow = Flow(chromium, live_server.url, language, artifacts)
    try:
        # The registrar registers the report and opens the receipt.
        flow.login("registrar")
        flow.check("registrar-home")
        flow.act(
            title("registry.report.register", language),
            {"summary": "Кража велосипеда у рынка", "place.region": "KG-GB"},
            {"channel": "in_person"},
        )
        assert "/receipt" in flow.page.url
        flow.check("receipt")
        status_url = flow.page.locator("a.status-url").get_attribute("href")
        case = _case_of(status_url)
        assert case in flow.page.locator("main").inner_text()

        # The head of unit assigns the report to the investigator.
        flow.login("unit_head")
        flow.page.goto(f"{live_server.url}/cases/{case}/")
        flow.act(
            title("registry.case.assign", language),
            {"officer": "investigator"},
        )

        # The investigator opens the case, adds the suspect and records the arrest.
        flow.login("investigator")
        flow.check("investigator-home")
        flow.page.get_by_role("link", name=case, exact=True).first.click()
        flow.check("case")
        flow.act(title("registry.case.open", language), {"article": "205", "part": "1"})
        flow.act(
            title("registry.participant.add", language),
            {"person.surname": "Асанов", "person.given_name": "Бакыт"},
            {"role": "suspect", "person.sex": "M"},
        )
        flow.act(
            title("detention.arrest", language),
            {"place": "ул. Токтогула, 1", "grounds": "застигнут при совершении преступления"},
        )
        assert f"/cases/{case}/" in flow.page.url
        flow.check("case-after-arrest")
        # On a phone the page reflows instead of scrolling sideways (tables scroll in place).
        flow.page.set_viewport_size({"width": 375, "height": 740})
        width = flow.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, width
        flow.check("case-on-a-phone")
        flow.page.set_viewport_size({"width": 1024, "height": 768})
        # Keyboard: the first Tab reaches the skip link, which leads to the content.
        flow.page.keyboard.press("Tab")
        assert flow.page.evaluate("() => document.activeElement.className") == "skip"
        assert (
            title("detention.arrest", language) in flow.page.locator("#timeline + *").inner_text()
        )

        # The duty lawyer accepts the appointment from the queue.
        flow.login("lawyer")
        flow.check("lawyer-home")
        accept = translated("Accept or decline", language)
        flow.page.get_by_role("link", name=accept).first.click()
        flow.check("accept-form")
        assert flow.page.locator('[name="appointment"]').input_value().startswith("LA-")
        flow.page.locator("form.act button[type=submit]").click()
        flow.page.wait_for_load_state()
        assert not flow.page.locator("#refusal").count()
        flow.check("case-after-acceptance")

        # The IVS officer sees the detainee with the clock running.
        flow.login("ivs_officer")
        queue = flow.page.locator("#queue-detainees")
        assert "Асанов" in queue.inner_text()
        assert queue.locator("td.running").count() >= 1
        flow.check("ivs-home")

        # The public status page shows the report's stage (no login).
        flow.context.clear_cookies()
        flow.page.goto(status_url)
        flow.page.get_by_role("button", name=SWITCHER[language]).click()
        assert STAGE_INVESTIGATION[language] in flow.page.locator("main").inner_text()
        assert "Асанов" not in flow.page.content()
        flow.check("public-status")
    finally:
        flow.close()
    assert flow.untranslated == {}, f"English left on the {language} pages: {flow.untranslated}"
    assert flow.console_errors == []


def _case_of(status_url: str | None) -> str:
    from icjis.registry.receipts import valid_receipt

    assert status_url
    receipt = valid_receipt(status_url.rstrip("/").rsplit("/", 1)[-1])
    assert receipt is not None
    return receipt.case_id
