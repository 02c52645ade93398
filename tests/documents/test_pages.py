"""Documents on the staff pages: the investigator's own decision offered for signing on the case
page, signed through the generated form with the act named, listed with its code; and the
portal's check taking a document's code."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from tests.documents.test_issue import opened  # noqa: F401 - the fixture

from icjis.documents.models import Document


def page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode())


def test_the_investigator_signs_the_decision_from_the_case_page(browser, opened):  # noqa: F811
    number, seq = opened
    investigator = browser("investigator")
    shown = page(investigator, f"/cases/{number}/")
    link = re.search(r'href="(/acts/documents\.document\.issue/\?[^"]+)"', shown)
    assert link, shown
    assert f"Issue and sign: Decision to open a criminal case (#{seq}, Open a criminal case)" in (
        shown
    )
    form = page(investigator, link.group(1))
    # The act and the document are named, not typed; the language is the one choice left.
    assert "Decision to open a criminal case" in form and f"{seq}: Open a criminal case" in form
    assert re.search(r'<option value="ky"[^>]*>Kyrgyz</option>', form), form
    query = dict(re.findall(r"(\w+)=([^&]+)", link.group(1).split("?", 1)[1]))
    response = investigator.post(
        link.group(1),
        {
            "stream": f"case/{number}",
            "seq": str(seq),
            "document": query["document"],
            "language": "ru",
        },
    )
    assert response.status_code == 302, unescape(response.content.decode())
    assert response["Location"] == f"/cases/{number}/"
    [doc] = Document.objects.all()
    shown = page(investigator, f"/cases/{number}/")
    code = f"{doc.code[:4]}-{doc.code[4:8]}-{doc.code[8:]}"
    assert code in shown and f"/api/v1/documents/{code}/pdf" in shown
    # Still to sign: the Kyrgyz text; a colleague sees the document but nothing to sign.
    assert "Issue and sign: Decision to open a criminal case" in shown
    colleague = page(browser("unit_head"), f"/cases/{number}/")
    assert code in colleague and "Issue and sign:" not in colleague
    pdf = investigator.get(f"/api/v1/documents/{code}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_portal_check_takes_a_document_code(browser, opened, as_user):  # noqa: F811
    number, seq = opened
    code = (
        as_user("investigator")
        .act(
            "documents.document.issue",
            {
                "stream": f"case/{number}",
                "seq": seq,
                "document": "registry.decision_to_open",
                "language": "ky",
            },
        )
        .json()["result"]["code"]
    )
    answer = browser("investigator").get("/public/verify/", {"token": code.lower()})
    assert answer.status_code == 302 and answer["Location"] == f"/public/documents/{code}/"
    shown = page(browser("investigator", "ky"), answer["Location"])
    assert "Кылмыш ишин козгоо жөнүндө токтом" in shown
