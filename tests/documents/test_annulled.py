"""A decision cancelled or quashed since is no longer made into a document: the issuing act refuses
it and the pages stop offering it; a document issued before stays, marked as annulled on the
staff pages and on the public check, so that nobody relies on it."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from tests.documents.test_pages import page
from tests.offences.test_fines import appeal, cancel, fined, ruling
from tests.offences.test_protocols import decide, registered
from tests.registry.test_oversight import assign, refuse, register

from icjis.core.models import Event


def issue(api, stream: str, seq: int, document: str, language: str = "ru"):
    body = {"stream": stream, "seq": seq, "document": document, "language": language}
    return api.act("documents.document.issue", body)


OFFER = "Issue and sign: Decision in a case of an offence (#%d,"


def test_a_cancelled_decision_is_not_signed_and_its_document_says_it_was_annulled(as_user, browser):
    officer = as_user("offences_officer")
    number = registered(officer, article="130")["offence"]
    stream = f"offence/{number}"
    first = decide(officer, number, penalty={"kind": "fine", "amount": 30}).json()["event"]["seq"]
    signed = issue(officer, stream, first, "offences.decision", "ky")
    assert signed.status_code == 201, signed.content
    code = signed.json()["result"]["code"]
    shown = page(browser("offences_officer"), f"/offences/cases/{number}/")
    assert OFFER % first in shown and "Annulled on" not in shown
    public = Client().get(f"/public/documents/{code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert public.status_code == 200 and 'id="annulled"' not in public.content.decode()

    assert cancel(as_user("prosecutor"), number).status_code == 201
    cancelled_at = Event.objects.get(stream=stream, kind="offences.decision.cancel")
    before = Event.objects.count()
    refused = issue(officer, stream, first, "offences.decision", "ru")
    assert refused.status_code == 409, refused.content
    assert f"annulled by act number {cancelled_at.seq}" in refused.json()["message"]
    assert Event.objects.count() == before  # nothing written
    shown = page(browser("offences_officer"), f"/offences/cases/{number}/")
    assert OFFER % first not in shown
    assert "Annulled on" in shown and "Cancel an unlawful decision on an offence" in shown
    assert "/acts/documents.document.revoke/" not in shown  # it stays, marked annulled
    revoke = {"stream": stream, "code": code, "reason": "Решение отменено."}
    kept = officer.act("documents.document.revoke", revoke)
    assert kept.status_code == 409 and "annulled" in kept.json()["message"]
    public = Client().get(f"/public/documents/{code}/", HTTP_ACCEPT_LANGUAGE="en")
    annulled = public.content.decode()
    assert 'id="annulled"' in annulled and "it has no force since" in annulled
    assert f"annulled on {timezone.localdate(cancelled_at.recorded_at).isoformat()}" in annulled
    assert "Вина не установлена" not in annulled  # the grounds are not the public's
    assert "Cancel an unlawful decision" not in annulled  # nor how the case went on
    ru = Client().get(f"/public/documents/{code}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "утратило силу" in ru

    # The decision taken anew is signed as any other; the annulled one stays refused.
    again = decide(officer, number, penalty={"kind": "fine", "amount": 30})
    assert again.status_code == 201, again.content
    second = again.json()["event"]["seq"]
    shown = page(browser("offences_officer"), f"/offences/cases/{number}/")
    assert OFFER % second in shown and OFFER % first not in shown
    assert issue(officer, stream, second, "offences.decision").status_code == 201


def test_a_decision_quashed_on_appeal_is_annulled_and_one_upheld_is_not(as_user):
    officer = as_user("offences_officer")
    quashed, upheld = (fined(as_user, "130", 30).source_ref for _ in range(2))
    for number, outcome in ((quashed, "quashed"), (upheld, "upheld")):
        assert appeal(as_user("court_clerk"), number).status_code == 201
        assert ruling(as_user("judge"), number, outcome).status_code == 201
    for number, status in ((quashed, 409), (upheld, 201)):
        stream = f"offence/{number}"
        seq = Event.objects.get(stream=stream, kind="offences.decision.make").seq
        r = issue(officer, stream, seq, "offences.decision")
        assert r.status_code == status, r.content


def test_a_refusal_the_prosecutor_cancels_is_not_signed(as_user, browser):
    number = register(as_user)
    assign(as_user, number)
    refuse(as_user, number)
    stream = f"case/{number}"
    seq = Event.objects.get(stream=stream, kind="registry.case.refuse").seq
    investigator = as_user("investigator")
    reopened = as_user("prosecutor").act(
        "registry.case.reopen", {"grounds": "Проверка неполная"}, case=number
    )
    assert reopened.status_code == 201, reopened.content
    refused = issue(investigator, stream, seq, "registry.decision_to_refuse")
    assert refused.status_code == 409 and "annulled" in refused.json()["message"]
    shown = page(browser("investigator"), f"/cases/{number}/")
    assert "Issue and sign: Decision to refuse to open a criminal case" not in shown


def test_the_prosecutors_cancellation_is_a_document_of_its_own(as_user, browser):
    from tests.documents.test_issue import pdf_text

    from icjis.documents import signing

    f = fined(as_user, "130", 30)
    number, stream = f.source_ref, f"offence/{f.source_ref}"
    prosecutor = as_user("prosecutor")
    done = cancel(prosecutor, number)
    assert done.status_code == 201, done.content
    seq = done.json()["event"]["seq"]
    shown = page(browser("prosecutor"), f"/offences/cases/{number}/")
    offer = f"Issue and sign: Prosecutor's decision cancelling a decision on an offence (#{seq},"
    assert offer in shown
    assert issue(as_user("offences_officer"), stream, seq, "offences.cancellation").status_code == (
        404
    )  # signed by who made it
    r = issue(prosecutor, stream, seq, "offences.cancellation")
    assert r.status_code == 201, r.content
    content = prosecutor.get(f"/documents/{r.json()['result']['code']}/pdf").content
    text = " ".join(pdf_text(content).split())
    decided = Event.objects.get(stream=stream, kind="offences.decision.make").recorded_at
    for words in (
        number,
        "статья 130 Кодекса",
        f"постановление от {timezone.localtime(decided):%d.%m.%Y}",
        "30 расчётных показателей",
        "Вина не установлена",
        "Отменить постановление как незаконное или необоснованное",
        "возвращается",
    ):
        assert words in text, words
    assert signing.check(content).valid


def test_a_document_issued_in_error_is_revoked_by_its_issuer_and_made_again(as_user, browser):
    officer = as_user("offences_officer")
    number = registered(officer, article="130")["offence"]
    stream = f"offence/{number}"
    seq = decide(officer, number, penalty={"kind": "fine", "amount": 30}).json()["event"]["seq"]
    first = issue(officer, stream, seq, "offences.decision")
    assert first.status_code == 201, first.content
    code = first.json()["result"]["code"]
    revoke = {"stream": stream, "code": code, "reason": "Выдан на другом языке по ошибке."}
    assert as_user("unit_head").act("documents.document.revoke", revoke).status_code == 404
    assert issue(officer, stream, seq, "offences.decision", "ky").status_code == 201
    shown = page(browser("offences_officer"), f"/offences/cases/{number}/")
    assert "/acts/documents.document.revoke/?stream=" in shown
    assert OFFER % seq not in shown  # in force in both languages
    done = officer.act("documents.document.revoke", revoke)
    assert done.status_code == 201, done.content
    last = Event.objects.filter(stream=stream).order_by("-seq").first()
    assert last.kind == "documents.document.revoke"  # on the record's stream, by its issuer
    again = officer.act("documents.document.revoke", revoke)
    assert again.status_code == 409 and "already revoked" in again.json()["message"]
    public = Client().get(f"/public/documents/{code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="revoked"' in public and "другом языке" not in public  # the day, not the reason
    assert officer.get(f"/documents/{code}").json()["revoked_by"] == "offences_officer"
    shown = page(browser("offences_officer"), f"/offences/cases/{number}/")
    assert "Revoked on" in shown and OFFER % seq in shown  # the act's document offered again
    remade = issue(officer, stream, seq, "offences.decision")
    assert remade.status_code == 201, remade.content
    assert remade.json()["result"]["code"] != code
    call_command("rebuild_projections", "--check")
