"""The public check of a document by its code: what the page says and what it never says, and
the comparison of a file sent to it."""

from __future__ import annotations

import io

from django.test import Client
from tests.documents.test_issue import REPORT, issue, opened  # noqa: F401 - the fixture

from icjis.documents.models import Document


def signed(as_user, opened):  # noqa: F811
    number, seq = opened
    result = issue(as_user("investigator"), number, seq).json()["result"]
    content = as_user("investigator").get(f"/documents/{result['code']}/pdf").content
    return result["code"], content


def test_the_page_names_the_document_and_nothing_personal(as_user, opened):  # noqa: F811
    code, _ = signed(as_user, opened)
    number = opened[0]
    page = Client().get(f"/public/documents/{code}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    html = page.content.decode()
    doc = Document.objects.get()
    assert "Постановление о возбуждении уголовного дела" in html
    assert doc.sha256 in html and doc.certificate in html
    assert "Управление внутренних дел, город Бишкек" in html
    user = as_user("investigator").user
    for secret in (number, user.full_name, "велосипед", REPORT["summary"]):
        assert secret not in html, secret
    # The code leaves for no other site; the form posts back with its Origin (CSRF).
    assert page["Referrer-Policy"] == "same-origin" and "private" in page["Cache-Control"]


def test_a_typed_code_is_forgiven_and_an_unknown_one_is_told_so(as_user, opened):  # noqa: F811
    code, _ = signed(as_user, opened)
    typed = code.lower().replace("0", "o").replace("-", "")
    answer = Client().get(f"/public/documents/{typed}/")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/{code}/")
    assert Client().get("/public/documents/AAAA-BBBB-CCCC/").status_code == 404
    assert Client().get("/public/documents/nonsense/").status_code == 404


def post_file(code: str, content: bytes):
    client = Client()
    upload = io.BytesIO(content)
    upload.name = "document.pdf"
    return client.post(f"/public/documents/{code}/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")


def test_the_issued_file_is_recognised_and_an_altered_one_is_not(as_user, opened):  # noqa: F811
    code, content = signed(as_user, opened)
    same = post_file(code, content).content.decode()
    assert "identical, byte for byte" in same
    assert "Its electronic signature is valid, made with the certificate of this document" in same

    # One byte of the signed content changed: neither the file nor its signature holds.
    at = content.index(b"/Producer")
    altered = content[:at] + b"/Producex" + content[at + 9 :]
    answer = post_file(code, altered).content.decode()
    assert "NOT the document issued under this code" in answer
    assert "Its electronic signature is not valid" in answer

    # The rendered file before signing (the part the signature covers) is not signed.
    unsigned = content[: content.index(b"%%EOF") + 5]
    answer = post_file(code, unsigned).content.decode()
    assert "NOT the document" in answer and "carries no electronic signature" in answer

    garbage = post_file(code, b"not a pdf at all").content.decode()
    assert "NOT the document" in garbage and "no electronic signature" in garbage


def test_another_officials_signed_file_is_named_as_such(as_user, opened):  # noqa: F811
    from tests.documents.test_orders import sign_order
    from tests.offences.test_orders import issued

    code, _ = signed(as_user, opened)
    officer = as_user("offences_officer")
    other = sign_order(officer, issued(officer)["order"]).json()["result"]["code"]
    content = officer.get(f"/documents/{other}/pdf").content
    answer = post_file(code, content).content.decode()
    assert "NOT the document issued under this code" in answer
    assert "valid, but made with another certificate" in answer
