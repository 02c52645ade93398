"""The applicant's receipt and the public status page (CPC 147(1); SPEC module O, principle 11):
no login, nothing personal, an unguessable token that the registrar can revoke or replace."""

from __future__ import annotations

import base64
import re

import pytest
import segno
from django.test import Client

from icjis.core.canonical import sha256_hex
from icjis.core.models import Event, User
from icjis.registry.models import Receipt

APPLICANT = {
    "pin": "11505199000123",  # 1 = female, born 15.05.1990
    "surname": "Жумабекова",
    "given_name": "Айгерим",
    "patronymic": "Талантбековна",
    "birth_date": "1990-05-15",
    "sex": "F",
}
ADDRESS = "ул. Токтогула, 125, кв. 17"
SUMMARY = "Похищен велосипед Stels из подъезда дома"
REPORT = {
    "channel": "in_person",
    "summary": SUMMARY,
    "place": {"region": "KG-GB", "address": ADDRESS},
    "applicant": APPLICANT,
}


@pytest.fixture
def report(as_user):
    """A fresh report registered in Bishkek with an applicant and an address: (number, token)."""
    r = as_user("registrar").act("registry.report.register", REPORT)
    assert r.status_code == 201, r.content
    result = r.json()["result"]
    return result["case"], result["receipt_token"]


def forbidden_words(world) -> list[str]:
    """Every piece of personal or internal text the public must never see."""
    staff = [u.full_name for u in User.objects.all()]
    return [
        APPLICANT["surname"],
        APPLICANT["given_name"],
        APPLICANT["patronymic"],
        APPLICANT["pin"],
        ADDRESS,
        "Токтогула",
        SUMMARY,
        "велосипед",
        *staff,
    ]


def assert_nothing_personal(text: str, world) -> None:
    for word in forbidden_words(world):
        assert word not in text, f"{word!r} appears on a public page"


def test_it_shows_a_fresh_report_without_login_and_nothing_personal(world, report):
    number, token = report
    r = Client().get(f"/public/reports/{token}", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    body = r.content.decode()
    assert_nothing_personal(body, world)
    assert number in body and "Registered; waiting to be given to an investigator" in body
    assert "<script" not in body and "style=" not in body
    assert "max-age=60" in r["Cache-Control"] and "private" in r["Cache-Control"]
    assert r["Referrer-Policy"] == "no-referrer"


def test_it_answers_in_json_with_the_stage_movement_and_unit_only(world, report):
    number, token = report
    for r in (
        Client().get(f"/public/reports/{token}", HTTP_ACCEPT="application/json"),
        Client().get(f"/public/reports/{token}?format=json"),
    ):
        assert r.status_code == 200 and r["Content-Type"] == "application/json"
        body = r.json()
        assert set(body) == {
            "case",
            "stage",
            "stage_label",
            "registered_on",
            "last_movement_on",
            "unit",
            "agency",
        }
        assert body["case"] == number and body["stage"] == "registered"
        assert body["unit"] and body["agency"]
        assert_nothing_personal(r.content.decode(), world)


def test_the_page_follows_the_report_and_speaks_the_applicants_language(world, report, as_user):
    number, token = report
    as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number)
    r = Client().get(f"/public/reports/{token}", HTTP_ACCEPT_LANGUAGE="en")
    body = r.content.decode()
    assert "Being checked (pre-investigation check)" in body
    assert_nothing_personal(body, world)
    j = Client().get(f"/public/reports/{token}?format=json").json()
    assert j["stage"] == "pre_investigation"


def test_the_token_is_unguessable_and_unrelated_to_the_case_number(as_user, report):
    number, token = report
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    digits = number.replace("-", "")
    for part in (number, digits, *number.split("-")[1:3]):
        assert part not in token
    # Only the hash is kept: neither the number nor the token in clear is in the ledger.
    event = Event.objects.get(stream=f"case/{number}", seq=1)
    assert token not in event.data and sha256_hex(token) in event.data
    assert Receipt.objects.get(case_id=number).token_hash == sha256_hex(token)
    assert sha256_hex(token) not in {sha256_hex(number), sha256_hex(digits)}
    # A second report gets a token that shares nothing with the first.
    other = as_user("registrar").act("registry.report.register", REPORT).json()["result"]
    assert other["receipt_token"] != token
    assert sum(a == b for a, b in zip(token, other["receipt_token"], strict=False)) < 8


def _qr_matrix_from_svg(svg: str) -> list[list[bool]]:
    """Rebuild the module matrix from segno's path: `M x y` / `m dx dy` move, `h n` draws n dark
    modules on row y - 0.5; the quiet zone (border 4) is cut off."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    d = re.search(r' d="([^"]+)"', svg).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, args in re.findall(r"([MmHh])([-\d. ]+)", d):
        nums = [float(n) for n in args.split()]
        if op == "M":
            x, y = nums
        elif op == "m":
            x, y = x + nums[0], y + nums[1]
        else:
            n = nums[0] if op == "h" else nums[0] - x
            for col in range(int(x), int(x + n)):
                grid[int(y - 0.5)][col] = True
            x += n
    return [row[4:-4] for row in grid[4:-4]]


def test_the_receipt_page_has_the_number_the_url_and_a_qr_of_that_url(world, report):
    number, token = report
    r = Client().get(f"/public/reports/{token}/receipt", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    body = r.content.decode()
    url = f"http://testserver/public/reports/{token}"
    assert number in body and url in body
    assert "may appeal it" in body and "CPC 154(3)" in body
    assert_nothing_personal(body, world)
    svg = re.search(r"<svg\b.*?</svg>", body, re.S).group(0)
    expected = segno.make_qr(url, error="m")
    assert _qr_matrix_from_svg(svg) == [[bool(m) for m in row] for row in expected.matrix]
    assert _qr_matrix_from_svg(svg) != [
        [bool(m) for m in row] for row in segno.make_qr(url + "x", error="m").matrix
    ]


def _pdf_texts(pdf: bytes) -> list[str]:
    """The text of each page, extracted with pypdf (which reads the fonts' ToUnicode maps)."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_receipt_pdf_is_a_pdf_with_the_case_number_and_nothing_personal(world, report):
    number, token = report
    r = Client().get(f"/public/reports/{token}/receipt.pdf")
    assert r.status_code == 200, r.content[:300]
    assert r["Content-Type"] == "application/pdf"
    pdf = r.content
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    texts = _pdf_texts(pdf)
    assert any(number in t for t in texts), texts
    assert any(f"/public/reports/{token}" in t.replace("\n", "") for t in texts)
    for text in texts:
        assert_nothing_personal(text, world)


def test_an_unknown_or_malformed_token_is_a_404_that_says_so(db):
    for path in ("/public/reports/" + "A" * 24, "/public/reports/not%20a%20token"):
        r = Client().get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 404
        assert "unknown or was replaced" in r.content.decode()
    r = Client().get("/public/reports/" + "A" * 24 + "?format=json")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_revoking_closes_the_old_token(as_user, report):
    number, token = report
    r = as_user("registrar").act("registry.receipt.revoke", {}, case=number)
    assert r.status_code == 201, r.content
    for suffix in ("", "/receipt", "/receipt.pdf"):
        assert Client().get(f"/public/reports/{token}{suffix}").status_code == 404
    again = as_user("registrar").act("registry.receipt.revoke", {}, case=number)
    assert again.status_code == 409


def test_reissuing_gives_a_new_token_and_closes_the_old_one(world, as_user, report):
    number, token = report
    r = as_user("unit_head").act("registry.receipt.reissue", {}, case=number)
    assert r.status_code == 201, r.content
    new = r.json()["result"]["receipt_token"]
    assert new != token
    assert Client().get(f"/public/reports/{token}").status_code == 404
    page = Client().get(f"/public/reports/{new}/receipt")
    assert page.status_code == 200 and number in page.content.decode()
    assert_nothing_personal(page.content.decode(), world)
    # The ledger keeps the new token's hash only; the timeline does not show it at all.
    event = Event.objects.get(stream=f"case/{number}", kind="registry.receipt.reissue")
    assert new not in event.data and sha256_hex(new) in event.data
    timeline = as_user("registrar").get(f"/cases/{number}/timeline")
    assert sha256_hex(new) not in timeline.content.decode()
    # After a revoke, a reissue still gives a working receipt.
    as_user("registrar").act("registry.receipt.revoke", {}, case=number)
    newer = as_user("registrar").act("registry.receipt.reissue", {}, case=number)
    newer_token = newer.json()["result"]["receipt_token"]
    assert Client().get(f"/public/reports/{newer_token}").status_code == 200
    assert Receipt.objects.filter(case_id=number, revoked_at__isnull=True).count() == 1


def test_a_registrar_of_another_region_cannot_touch_the_receipt(as_user, report):
    number, token = report
    for kind in ("registry.receipt.revoke", "registry.receipt.reissue"):
        r = as_user("registrar_osh").act(kind, {}, case=number)
        assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert Client().get(f"/public/reports/{token}").status_code == 200


@pytest.mark.parametrize("outsider", ["lawyer", "investigator", "judge", "auditor"])
def test_outsider_roles_may_not_revoke_or_reissue(as_user, report, outsider):
    number, token = report
    for kind in ("registry.receipt.revoke", "registry.receipt.reissue"):
        r = as_user(outsider).act(kind, {}, case=number)
        assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert Client().get(f"/public/reports/{token}").status_code == 200


def test_the_acts_take_no_input(as_user, report):
    number, _ = report
    r = as_user("registrar").act("registry.receipt.reissue", {"token": "mine"}, case=number)
    assert r.status_code == 400
