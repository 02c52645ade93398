"""The documents of an expertise (module M): the decision ordering it, signed by the official
who ordered it, and the expert's opinion, signed by the expert who wrote it (CPC 193(1)); each
read by the readers of the case file and by the expertise's experts, and listed on the
expertise's page."""

from __future__ import annotations

import io

from django.test import Client
from pypdf import PdfReader
from tests.forensics.conftest import QUESTIONS, ok, order

ISSUE = "documents.document.issue"


def issue(api, number, seq, document, language="ru"):
    data = {"stream": f"case/{number}", "seq": seq, "document": document, "language": language}
    return api.act(ISSUE, data)


def text_of(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def test_the_order_and_the_opinion_are_signed_by_who_made_them(as_user, world, case):
    number, item = case
    investigator, expert = as_user("investigator"), as_user("expert")
    r = order(investigator, number, items=[item])
    expertise, order_seq = r.json()["result"]["expertise"], r.json()["event"]["seq"]
    handed = {"item": item, "to": "expert", "purpose": "examination", "seal": "ОП-77"}
    ok(investigator.act("evidence.item.hand_over", handed, case=number))
    received = {"item": item, "seal": "ОП-77", "intact": True, "location": "Лаборатория"}
    ok(expert.act("evidence.item.receive", received, case=number))
    opinion = {
        "expertise": expertise,
        "research": "Исследование проведено методом иммуноферментного анализа.",
        "answers": ["Да", "A(II)"],
    }
    submitted = expert.act("forensics.opinion.submit", opinion, case=number)
    opinion_seq = submitted.json()["event"]["seq"]

    # Only the one who performed the act signs its document.
    assert issue(expert, number, order_seq, "forensics.order").status_code == 404
    ordered = ok(issue(investigator, number, order_seq, "forensics.order"))
    assert issue(investigator, number, opinion_seq, "forensics.opinion").status_code == 404
    signed = ok(issue(expert, number, opinion_seq, "forensics.opinion"))

    text = text_of(expert.get(f"/documents/{signed['code']}/pdf").content)
    for words in ("ЗАКЛЮЧЕНИЕ ЭКСПЕРТА", QUESTIONS[0], "A(II)", "ОП-77", "статья 364", number):
        assert words in text, words
    text = text_of(investigator.get(f"/documents/{ordered['code']}/pdf").content)
    for words in ("О НАЗНАЧЕНИИ СУДЕБНОЙ ЭКСПЕРТИЗЫ", QUESTIONS[1], "Нож с пятнами", "10 дней"):
        assert words in text, words

    # The expert reads both (the expertise's documents), another expert neither; the expert's
    # page lists them.
    assert expert.get(f"/documents/{ordered['code']}").status_code == 200
    assert as_user("expert_2").get(f"/documents/{signed['code']}").status_code == 404
    browser = Client()
    browser.force_login(world["expert"])
    page = browser.get(f"/forensics/{expertise}/").content.decode()
    assert ordered["code"] in page and signed["code"] in page
