"""Issuing a signed document of an act (module M): rendered from the ledger, signed with the
official's certificate (PAdES), stored under the SHA-256 its event records, read as its record
is read, and checked by anyone with its code."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import Client
from pypdf import PdfReader

from icjis.core.models import Event
from icjis.documents import signing
from icjis.documents.codes import display, normalise
from icjis.documents.models import Document, SigningCertificate, StoredFile

REPORT = {
    "channel": "phone",
    "summary": "Похищен велосипед марки «Стелс» со двора дома",
    "place": {"region": "KG-GB"},
}


@pytest.fixture
def opened(as_user):
    """A case opened by the investigator under art. 205 part 2; its number and the opening's
    place in the case's stream."""
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number)
    r = as_user("investigator").act(
        "registry.case.open", {"article": "205", "part": 2}, case=number
    )
    assert r.status_code == 201, r.content
    return number, r.json()["event"]["seq"]


def issue(api, number, seq, language="ru", document="registry.decision_to_open"):
    return api.act(
        "documents.document.issue",
        {"stream": f"case/{number}", "seq": seq, "document": document, "language": language},
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_investigator_signs_the_decision_to_open_and_the_ledger_names_the_file(as_user, opened):
    number, seq = opened
    investigator = as_user("investigator")
    r = issue(investigator, number, seq)
    assert r.status_code == 201, r.content
    result = r.json()["result"]
    code = normalise(result["code"])
    event = Event.objects.get(stream=f"case/{number}", seq=r.json()["event"]["seq"])
    data = event.payload
    assert event.kind == "documents.document.issue" and event.actor == "investigator"
    assert data["source"] == {
        "seq": seq,
        "kind": "registry.case.open",
        "hash": Event.objects.get(stream=f"case/{number}", seq=seq).hash,
    }
    assert data["document"] == code and data["language"] == "ru"

    pdf = investigator.get(f"/documents/{result['code']}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = pdf.content
    assert hashlib.sha256(content).hexdigest() == data["sha256"] == result["sha256"]
    assert len(content) == data["size"]
    text = pdf_text(content)
    for words in (
        "ПОСТАНОВЛЕНИЕ О ВОЗБУЖДЕНИИ УГОЛОВНОГО ДЕЛА",
        number,
        "статьи 205",
        "Похищен велосипед",
        display(code),
        "156(3)",
    ):
        assert words in text.replace("\n", " "), words

    check = signing.check(content)
    assert check.valid and check.fingerprint == data["certificate"]
    cert = SigningCertificate.objects.get(pk=data["certificate"])
    assert cert.user.username == "investigator"
    assert investigator.user.full_name in check.signer


def test_a_second_language_is_a_second_document_and_a_repeat_is_refused(as_user, opened):
    number, seq = opened
    investigator = as_user("investigator")
    first = issue(investigator, number, seq, "ru").json()["result"]["code"]
    again = issue(investigator, number, seq, "ru")
    assert again.status_code == 409 and first in again.json()["message"]
    kyrgyz = issue(investigator, number, seq, "ky")
    assert kyrgyz.status_code == 201, kyrgyz.content
    text = pdf_text(investigator.get(f"/documents/{kyrgyz.json()['result']['code']}/pdf").content)
    assert "КЫЛМЫШ ИШИН КОЗГОО ЖӨНҮНДӨ ТОКТОМ" in text
    # One certificate serves both signatures.
    assert SigningCertificate.objects.filter(user__username="investigator").count() == 1
    assert Document.objects.filter(stream=f"case/{number}").count() == 2


def test_only_the_official_who_acted_signs_and_only_what_the_act_was(as_user, opened):
    number, seq = opened
    # Another official, even one who reads the case, cannot sign the investigator's decision.
    assert issue(as_user("unit_head"), number, seq).status_code == 404
    # The report's registration is not a decision to open.
    wrong = issue(as_user("registrar"), number, 1)
    assert wrong.status_code == 409 and "registry.case.open" in wrong.json()["message"]
    unknown = issue(as_user("investigator"), number, seq, document="registry.nothing")
    assert unknown.status_code == 400
    assert issue(as_user("investigator"), number, 999).status_code == 404
    assert not Event.objects.filter(kind="documents.document.issue").exists()
    assert not StoredFile.objects.exists()


def test_readers_of_the_case_read_the_document_and_others_are_told_nothing(as_user, opened):
    number, seq = opened
    code = issue(as_user("investigator"), number, seq).json()["result"]["code"]
    assert as_user("prosecutor").get(f"/documents/{code}").status_code == 200
    body = as_user("prosecutor").get(f"/documents/{code}").json()
    assert body["case"] == number and body["source"]["kind"] == "registry.case.open"
    outsider = as_user("investigator_osh").get(f"/documents/{code}")
    assert outsider.status_code == 404
    assert number not in outsider.content.decode()
    reads = Event.objects.filter(kind="access.read", stream="access/investigator_osh")
    assert [r.payload["outcome"] for r in reads if r.payload["subject_type"] == "document"] == [
        "denied"
    ]
    # The prosecutor's two reads: the document's, and the case's by the registry's own check.
    reads = [
        (r.payload["subject_type"], r.payload["subject"], r.payload["outcome"])
        for r in Event.objects.filter(kind="access.read", stream="access/prosecutor")
    ]
    assert reads.count(("document", normalise(code), "shown")) == 2
    assert reads.count(("case", number, "shown")) == 2


def test_a_role_reading_its_part_of_the_file_reads_no_decision(as_user, opened):
    """The decisions state the report and the grounds, which the detention officer, who reads
    the custody part of the case, does not read (core.visibility)."""
    number, seq = opened
    code = issue(as_user("investigator"), number, seq).json()["result"]["code"]
    from tests.conftest import Api

    from icjis.core.models import User

    colleague = as_user("investigator").user  # a detention officer of the case's own unit
    ivs = Api(
        User.objects.create(
            username="ivs_of_the_unit",
            full_name="Detention officer",
            agency=colleague.agency,
            unit=colleague.unit,
            roles=["ivs_officer"],
            created_at=colleague.created_at,
        )
    )
    assert ivs.get(f"/cases/{number}").status_code == 200  # the case is theirs to open
    assert ivs.get(f"/documents/{code}").status_code == 404
    assert ivs.get(f"/documents/{code}/pdf").status_code == 404
    page = Client()
    page.force_login(ivs.user)
    shown = page.get(f"/cases/{number}/").content.decode()
    assert "Постановление" not in shown and "Decision to open" not in shown and code not in shown


def test_a_signature_checks_as_made_after_the_clock_moves_past_its_certificate(as_user, opened):
    from datetime import timedelta

    from icjis.core import clock

    number, seq = opened
    investigator = as_user("investigator")
    first = issue(investigator, number, seq, "ru").json()["result"]["code"]
    old = investigator.get(f"/documents/{first}/pdf").content
    clock.advance(timedelta(days=800))  # past the certificate's 730 days
    assert signing.check(old).valid
    later = issue(investigator, number, seq, "ky")
    assert later.status_code == 201, later.content
    new = investigator.get(f"/documents/{later.json()['result']['code']}/pdf").content
    assert signing.check(new).valid
    assert signing.check(new).fingerprint != signing.check(old).fingerprint  # renewed


def test_a_file_altered_in_storage_is_named_not_served(as_user, opened):
    number, seq = opened
    result = issue(as_user("investigator"), number, seq).json()["result"]
    stored = StoredFile.objects.get(pk=result["sha256"])
    stored.content = bytes(stored.content).replace(b"%%EOF", b"%%EOX")
    stored.save()
    r = as_user("investigator").get(f"/documents/{result['code']}/pdf")
    assert r.status_code == 500 and r.json()["error"] == "damaged"


def test_a_new_authority_certifies_new_signatures_and_the_old_documents_still_check(
    as_user, opened
):
    from django.core.management import call_command
    from django.test import override_settings

    number, seq = opened
    investigator = as_user("investigator")
    first = issue(investigator, number, seq, "ru").json()["result"]["code"]
    old = investigator.get(f"/documents/{first}/pdf").content
    # The server's SECRET_KEY changed: the sealed keys no longer open, and nothing is signed
    # with a key made anew behind the officials' backs.
    with override_settings(SECRET_KEY="another-secret-key-of-a-reasonable-length-0123"):
        refused = issue(investigator, number, seq, "ky")
        assert refused.status_code == 500 and refused.json()["error"] == "damaged"
        assert "signing-keys rotate" in refused.json()["message"]
        call_command("signing_keys", "rotate")
        second = issue(investigator, number, seq, "ky")
        assert second.status_code == 201, second.content
        new = investigator.get(f"/documents/{second.json()['result']['code']}/pdf").content
        assert signing.check(new).valid and signing.check(old).valid
    assert signing.check(new).fingerprint != signing.check(old).fingerprint
    assert SigningCertificate.objects.filter(user__username="investigator").count() == 2


def test_the_refusal_tells_the_applicant_how_to_appeal(as_user):
    number = as_user("registrar").act("registry.report.register", REPORT).json()["result"]["case"]
    as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=number)
    refused = as_user("investigator").act(
        "registry.case.refuse",
        {
            "grounds": "Велосипед найден у соседа, взявшего его с согласия владельца.",
            "without_check": "civil_law_dispute",
        },
        case=number,
    )
    assert refused.status_code == 201, refused.content
    seq = refused.json()["event"]["seq"]
    r = issue(as_user("investigator"), number, seq, document="registry.decision_to_refuse")
    assert r.status_code == 201, r.content
    text = pdf_text(
        as_user("investigator").get(f"/documents/{r.json()['result']['code']}/pdf").content
    )
    text = " ".join(text.split())
    for words in (
        "ПОСТАНОВЛЕНИЕ ОБ ОТКАЗЕ В ВОЗБУЖДЕНИИ УГОЛОВНОГО ДЕЛА",
        f"по сообщению № {number}",
        "взявшего его с согласия владельца",
        "пунктом 2 части 1 и частью 2 статьи 154",
        "в течение 10 дней",
    ):
        assert words in text, words
    # The opening's document is not made of a refusal.
    wrong = issue(as_user("investigator"), number, seq)
    assert wrong.status_code == 409


def test_production_prints_no_document_without_the_public_address(as_user, opened):
    from django.test import override_settings

    from icjis.core.acts import perform
    from icjis.core.refusals import Damaged

    number, seq = opened
    data = {
        "stream": f"case/{number}",
        "seq": seq,
        "document": "registry.decision_to_open",
        "language": "ru",
    }
    investigator = as_user("investigator").user
    with override_settings(PRODUCTION=True, PUBLIC_BASE_URL=""), pytest.raises(Damaged) as refused:
        perform(investigator, "documents.document.issue", data)
    assert "ICJIS_PUBLIC_BASE_URL" in str(refused.value)
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    with override_settings(PRODUCTION=True, PUBLIC_BASE_URL="https://portal.example.kg"):
        done = perform(investigator, "documents.document.issue", data)
    content = as_user("investigator").get(f"/documents/{done.result['code']}/pdf").content
    assert f"https://portal.example.kg/public/documents/{done.result['code']}/" in pdf_text(
        content
    ).replace("\n", "")
