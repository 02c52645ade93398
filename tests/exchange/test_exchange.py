"""Signed messages from other agencies' systems (module N): a member admitted with its key
sends a crime report in a signed envelope; the report is registered at the member's unit in
the same transaction and the answer is a receipt signed with the system's key; a retry gets the
same receipt; a forged, misaddressed, future, unknown or suspended sender's message is refused
with nothing written."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from icjis.core import clock
from icjis.core.canonical import dumps
from icjis.core.models import AccessRecord, Case, Event
from icjis.exchange.envelope import content_sha256, sign
from icjis.exchange.models import Message

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # a fixed test key
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def public_hex(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


@pytest.fixture
def member(as_user):
    admin = as_user("admin")
    data = {
        "code": "GKNB-CASES",
        "name": "Государственный комитет национальной безопасности — учёт дел",
        "public_key": public_hex(KEY),
        "services": ["crime-report"],
        "unit": "GB-UVD",
    }
    answer = admin.act("exchange.member.register", data)
    assert answer.status_code == 201, answer.json()
    return admin


def envelope(key: Ed25519PrivateKey = KEY, **changes: Any) -> dict[str, Any]:
    message = {
        "id": str(uuid.uuid4()),
        "sender": "GKNB-CASES",
        "receiver": "ICJIS",
        "service": "crime-report",
        "sent_at": clock.now().isoformat(),
        "body": {
            "reference": "ГКНБ-2026-077",
            "summary": "Материал о хищении бюджетных средств передан по подследственности",
            "place": {"region": "KG-GB", "district": "KG-GB-LEN"},
        },
        **changes,
    }
    return {**message, "signature": sign(message, key)}


def send(message: dict[str, Any]) -> Any:
    return Client().post("/api/v1/exchange/messages", message, content_type="application/json")


def test_a_signed_report_is_registered_at_the_members_unit_with_a_signed_receipt(member):
    message = envelope()
    answer = send(message)
    assert answer.status_code == 201, answer.json()
    receipt = answer.json()
    case = Case.objects.get(pk=receipt["case"])
    assert case.unit_id == "GB-UVD" and case.details["channel"] == "transfer"
    assert case.details["reference"] == "GKNB-CASES/ГКНБ-2026-077"
    key = Client().get("/api/v1/exchange/key").json()["key"]
    signed = {k: v for k, v in receipt.items() if k != "signature"}
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(key)).verify(
        base64.b64decode(receipt["signature"]), dumps(signed).encode()
    )  # raises if the receipt is not ours
    assert receipt["content_sha256"] == content_sha256(message)
    received = Event.objects.get(stream="member/GKNB-CASES", kind="exchange.message.receive")
    assert received.actor == "system" and received.payload["envelope"] == message
    registered = Event.objects.get(stream=f"case/{case.number}")
    assert registered.kind == "registry.report.register" and registered.actor == "system"

    again = send(message)
    assert again.status_code == 200 and again.json() == receipt  # the same receipt, once
    assert Case.objects.filter(details__channel="transfer").count() == 1
    altered = {**message, "body": {**message["body"], "summary": "Другое содержание"}}
    resent = send({**altered, "signature": sign(altered, KEY)})
    assert resent.status_code == 409 and Message.objects.count() == 1
    assert "already used for a different act" in resent.json()["message"]
    # A forger who knows a received id learns nothing from it: refused as any forgery is.
    forged = send({**altered, "signature": sign(altered, Ed25519PrivateKey.generate())})
    assert forged.status_code == 403
    # The same signature spelt otherwise (its spare base64 bits set) is no signature.
    raw = base64.b64decode(message["signature"])
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(message["signature"][-3])  # 4 bits of the last byte, 2 spare
    respelt = message["signature"][:-3] + alphabet[last ^ 1] + "=="
    assert base64.b64decode(respelt) == raw and respelt != message["signature"]
    assert send({**message, "signature": respelt}).status_code == 403
    assert send(message).json() == receipt  # and the sender's retry still gets its receipt
    call_command("rebuild_projections", "--check")


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ("forged", 403),
        ("unknown sender", 403),
        ("other receiver", 400),
        ("future", 400),
        ("bad body", 400),
        ("extra field", 400),
        ("not a time", 400),
        ("week date", 400),
        ("id changed", 403),
        ("time changed", 403),
        ("body changed", 403),
        ("receiver changed", 403),
        ("id not text", 400),
    ],
)
def test_a_message_that_is_not_what_it_should_be_is_refused_and_nothing_written(
    member, change, status
):
    message = {
        "forged": lambda: envelope(Ed25519PrivateKey.generate()),
        "unknown sender": lambda: envelope(sender="NOBODY-SYS"),
        "other receiver": lambda: envelope(receiver="OTHER"),
        "future": lambda: envelope(sent_at=(clock.now() + timedelta(minutes=30)).isoformat()),
        "bad body": lambda: envelope(body={"summary": "x"}),
        "extra field": lambda: envelope(priority="high"),
        "not a time": lambda: envelope(sent_at="вчера вечером"),
        "week date": lambda: envelope(sent_at="2026-W01-1T00:00Z"),
        "id changed": lambda: {**envelope(), "id": "another-id"},
        "time changed": lambda: {**envelope(), "sent_at": clock.now().isoformat()[:-7] + "Z"},
        "body changed": lambda: {**envelope(), "body": {**envelope()["body"], "reference": "X"}},
        "receiver changed": lambda: {**envelope(), "receiver": "ICJIS-2"},
        "id not text": lambda: envelope(id=12345),
    }[change]()
    events = Event.objects.count()
    answer = send(message)
    assert answer.status_code == status, answer.json()
    assert {"error", "message"} <= set(answer.json())
    assert Event.objects.count() == events and not Message.objects.exists()


def test_a_suspended_member_is_refused_and_only_the_administrator_admits(member, as_user):
    suspended = member.act(
        "exchange.member.suspend", {"code": "GKNB-CASES", "reason": "Ключ скомпрометирован"}
    )
    assert suspended.status_code == 201
    assert send(envelope()).status_code == 403
    assert not Case.objects.filter(details__channel="transfer").exists()
    refused = as_user("registrar").act(
        "exchange.member.register",
        {
            "code": "X-SYS",
            "name": "Чужая система",
            "public_key": "0" * 64,
            "services": ["crime-report"],
            "unit": "GB-UVD",
        },
    )
    assert refused.status_code == 403
    assert as_user("auditor").get("/exchange/members").json()[0]["active"] is False
    assert as_user("registrar").get("/exchange/members").status_code == 403


def test_a_user_cannot_name_the_registering_unit_and_the_form_does_not_offer_it(as_user, browser):
    report = {
        "channel": "phone",
        "summary": "Кража",
        "place": {"region": "KG-GB"},
        "unit": "OSH-UVD",
    }
    refused = as_user("registrar").act("registry.report.register", report)
    assert refused.status_code == 403 and not Case.objects.exists()
    form = browser("registrar").get("/acts/registry.report.register/").content.decode()
    assert 'name="unit"' not in form and 'name="summary"' in form


def test_a_member_makes_its_key_and_signs_its_envelope_with_the_command(as_user, tmp_path, capsys):
    key_file = tmp_path / "member.pem"
    call_command("exchange", "keygen", "--out", str(key_file))
    public = capsys.readouterr().out.strip()
    assert len(public) == 64 and oct(key_file.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("exchange", "keygen", "--out", str(key_file))
    admit = {
        "code": "MVD-SLEDSTVIE",
        "name": "Следственная служба: учёт материалов",
        "public_key": public,
        "services": ["crime-report"],
        "unit": "OSH-UVD",
    }
    assert as_user("admin").act("exchange.member.register", admit).status_code == 201
    unsigned = envelope(sender="MVD-SLEDSTVIE")
    del unsigned["signature"]
    draft = tmp_path / "envelope.json"
    draft.write_text(json.dumps(unsigned, ensure_ascii=False), encoding="utf-8")
    call_command("exchange", "sign", str(draft), "--key", str(key_file))
    answer = send(json.loads(capsys.readouterr().out))
    assert answer.status_code == 201, answer.json()
    assert Case.objects.get(pk=answer.json()["case"]).unit_id == "OSH-UVD"


def test_odd_json_is_refused_with_json_errors_and_nothing_written(member):
    events = Event.objects.count()
    post = Client().post
    half = '{"id": "a", "sender": "GKNB-CASES", "body": {"x": "\\ud800"}}'
    for raw in (half, "[1, 2]", '{"id": NaN, "sender": "GKNB-CASES"}'):
        answer = post("/api/v1/exchange/messages", raw, content_type="application/json")
        assert 400 <= answer.status_code < 500, (raw, answer.status_code)
        assert {"error", "message"} <= set(answer.json())
    pair = '{"id": "a", "sender": "GKNB-CASES", "body": {"x": "\\ud83d\\ude00"}}'
    emoji = post("/api/v1/exchange/messages", pair, content_type="application/json")
    assert emoji.status_code == 403  # a whole pair is text: refused for its signature only
    assert Event.objects.count() == events


def test_a_new_key_replaces_the_old_one_and_each_message_keeps_the_key_it_was_checked_with(
    member,
):
    first = envelope()
    assert send(first).status_code == 201
    new_key = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
    rekey = {"code": "GKNB-CASES", "public_key": public_hex(new_key), "reason": "Плановая смена"}
    assert member.act("exchange.member.rekey", rekey).status_code == 201
    assert member.act("exchange.member.rekey", rekey).status_code == 409  # the same key again
    assert send(envelope()).status_code == 403  # signed with the old key
    another = {**first["body"], "reference": "ГКНБ-2026-078"}
    assert send(envelope(new_key, body=another)).status_code == 201
    keys = [
        e.payload["key"]
        for e in Event.objects.filter(kind="exchange.message.receive").order_by("id")
    ]
    assert keys == [public_hex(KEY), public_hex(new_key)]
    call_command("rebuild_projections", "--check")


def test_a_member_asks_where_the_reports_it_sent_stand_and_no_other(member, as_user):
    """The member's system asks the status of a report it transferred: the answer, signed in
    the receipt and kept in the event, is what the applicant may read (the case, its stage, its
    dates, the unit holding it) and moves with the case; the read is logged as the member's; a
    reference it never sent, or another member's, is refused with nothing written."""
    admin = as_user("admin")
    rekey = {"code": "GKNB-CASES", "public_key": public_hex(OTHER), "reason": "Плановая смена"}
    assert admin.act("exchange.member.rekey", rekey).status_code == 201
    second = {
        "code": "PROK-CASES",
        "name": "Прокуратура — учёт материалов",
        "public_key": public_hex(KEY),
        "services": ["crime-report", "case-status"],
        "unit": "GB-UVD",
    }
    assert admin.act("exchange.member.register", second).status_code == 201
    # The first member may not ask at all; the second sends a report and asks about it.
    asked = {"reference": "ГКНБ-2026-077"}
    status = envelope(OTHER, service="case-status", body=asked)
    assert send(status).status_code == 403  # not a service it may use
    report = envelope(KEY, sender="PROK-CASES")
    case = send(report).json()["case"]
    question = envelope(KEY, sender="PROK-CASES", service="case-status", body=asked)
    answer = send(question)
    assert answer.status_code == 201, answer.json()
    receipt = answer.json()
    assert receipt["status"] == {
        "reference": "ГКНБ-2026-077",
        "case": case,
        "stage": "registered",
        "registered_on": receipt["status"]["registered_on"],
        "last_movement_on": receipt["status"]["last_movement_on"],
        "unit": "GB-UVD",
    }
    kept = Event.objects.filter(stream="member/PROK-CASES").last()
    assert kept.payload["status"]["case"] == case
    read = AccessRecord.objects.get(actor="member:PROK-CASES")
    assert (read.subject_type, read.subject, read.outcome) == ("case", case, "shown")
    # The case moves; a new question gets the new stage, the old one its first answer.
    as_user("unit_head").act("registry.case.assign", {"officer": "investigator"}, case=case)
    again = send(envelope(KEY, sender="PROK-CASES", service="case-status", body=asked))
    assert again.json()["status"]["stage"] == "pre_investigation"
    assert send(question).json() == receipt
    before = Event.objects.count()
    unknown = envelope(KEY, sender="PROK-CASES", service="case-status", body={"reference": "X-1"})
    assert send(unknown).status_code == 404
    assert Event.objects.count() == before
    # A report typed in by hand with a member's reference is not the member's to ask about.
    by_hand = {
        "channel": "transfer",
        "summary": "Материал передан на бумаге",
        "place": {"region": "KG-GB"},
        "reference": "PROK-CASES/R-9",
    }
    assert as_user("registrar").act("registry.report.register", by_hand).status_code == 201
    nine = envelope(KEY, sender="PROK-CASES", service="case-status", body={"reference": "R-9"})
    assert send(nine).status_code == 404
    # The same report sent again under another id is refused: one case per reference.
    twice = send(envelope(KEY, sender="PROK-CASES"))
    assert twice.status_code == 409 and case in twice.json()["message"]
    padded = {"reference": " ГКНБ-2026-077 "}
    spaced = send(envelope(KEY, sender="PROK-CASES", service="case-status", body=padded))
    assert spaced.json()["status"]["case"] == case
    call_command("rebuild_projections", "--check")
