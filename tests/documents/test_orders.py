"""The document of another module: the temporary protection order, signed by the officer who
issued it, read as the order is read, listed on the order's page; and the documents' table
rebuilt from the ledger like every projection."""

from __future__ import annotations

from django.core.management import call_command
from tests.documents.test_issue import opened, pdf_text  # noqa: F401 - the fixture
from tests.documents.test_pages import page
from tests.offences.test_orders import ABUSER, PLACE, VICTIM, issued

from icjis.core.models import Event
from icjis.documents import signing


def sign_order(api, number: str, language: str = "ru"):
    seq = Event.objects.get(stream=f"order/{number}", kind="offences.order.issue").seq
    return api.act(
        "documents.document.issue",
        {
            "stream": f"order/{number}",
            "seq": seq,
            "document": "offences.protection_order",
            "language": language,
        },
    )


def test_the_officer_signs_the_order_and_its_readers_read_it(as_user, browser):
    officer = as_user("offences_officer")
    number = issued(officer, days=7)["order"]
    r = sign_order(officer, number)
    assert r.status_code == 201, r.content
    code = r.json()["result"]["code"]
    content = officer.get(f"/documents/{code}/pdf").content
    text = pdf_text(content).replace("\n", " ")
    for words in (
        "ВРЕМЕННЫЙ ОХРАННЫЙ ОРДЕР",
        number,
        f"{ABUSER['surname']} {ABUSER['given_name']}, 02.03.1985",
        f"{VICTIM['surname']} {VICTIM['given_name']}",
        PLACE["address"],
        "Не вступать в контакт с защищаемыми лицами любым способом",
        "Не совершать семейное насилие",
        "действует 7 сут.",
        "по статье 71 Кодекса",
    ):
        assert words in text, words
    assert signing.check(content).valid

    # A reader of the order reads its document; a police officer in Osh does not.
    assert as_user("offences_officer_osh").get(f"/documents/{code}").status_code == 404
    shown = page(browser("offences_officer"), f"/offences/orders/{number}/")
    assert code in shown and "Issue and sign: Temporary protection order" in shown  # ky left


def test_the_documents_are_rebuilt_from_the_ledger(as_user, opened):  # noqa: F811
    number, seq = opened
    case_document = as_user("investigator").act(
        "documents.document.issue",
        {
            "stream": f"case/{number}",
            "seq": seq,
            "document": "registry.decision_to_open",
            "language": "ky",
        },
    )
    assert case_document.status_code == 201, case_document.content
    officer = as_user("offences_officer")
    assert sign_order(officer, issued(officer)["order"], "ky").status_code == 201
    call_command("rebuild_projections", "--check")


def test_the_decision_on_an_offence_says_the_penalty_the_reduction_and_the_appeal(as_user, browser):
    from tests.offences.test_protocols import decide, registered

    officer = as_user("offences_officer")
    number = registered(officer, article="191")["offence"]  # road traffic: reduced if paid
    decided = decide(officer, number, penalty={"kind": "fine", "amount": 30})
    assert decided.status_code == 201, decided.content
    r = officer.act(
        "documents.document.issue",
        {
            "stream": f"offence/{number}",
            "seq": decided.json()["event"]["seq"],
            "document": "offences.decision",
            "language": "ky",
        },
    )
    assert r.status_code == 201, r.content
    content = officer.get(f"/documents/{r.json()['result']['code']}/pdf").content
    text = " ".join(pdf_text(content).split())
    for words in (
        "УКУК БУЗУУ ЖӨНҮНДӨ ИШ БОЮНЧА ТОКТОМ",
        number,
        f"{ABUSER['surname']} {ABUSER['given_name']}",
        "Укук бузуулар жөнүндө кодекстин 191-беренеси",
        "30 эсептик көрсөткүч өлчөмүндө айып пул",
        "30 күндүн ичинде төлөнүүгө тийиш",
        "анын 30 % төлөнөт",
        "10 күндүн ичинде",
    ):
        assert words in text, words
    assert signing.check(content).valid
    # The person's officer in Osh reads neither the case nor its document.
    code = r.json()["result"]["code"]
    assert as_user("offences_officer_osh").get(f"/documents/{code}").status_code == 404
    shown = page(browser("offences_officer"), f"/offences/cases/{number}/")
    assert code in shown and "Issue and sign: Decision in a case of an offence" in shown  # ru
